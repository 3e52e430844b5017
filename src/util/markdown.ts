// User text in the markdown reports: rendered as text by any markdown viewer, never as HTML, a link,
// emphasis or a table cell break (a topic id or exam title comes from the user's files).

/** Escapes text for a markdown paragraph or table cell: a tag or entity start as an entity, markdown punctuation with a backslash, newlines as spaces. */
export function mdText(s: string): string {
  return (
    s
      // Only what could start an entity or an HTML tag, so "density 0.0 < 33.3" stays as written.
      .replace(/&(?=[#a-zA-Z])/g, '&amp;')
      .replace(/<(?=[a-zA-Z/!?])/g, '&lt;')
      .replace(/([\\`*_[\]|#!~])/g, '\\$1')
      .replace(/\r?\n/g, ' ')
  );
}

/** A code span holding `s` verbatim: fenced by more backticks than any run inside it (CommonMark). */
export function mdCode(s: string): string {
  const runs = s.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const body = s.replace(/\r?\n/g, ' ');
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}
