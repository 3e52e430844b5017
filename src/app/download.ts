// Saves text as a file through a temporary object URL (the report download).
export function downloadText(text: string, fileName: string, type = 'text/markdown'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const REPORT_FILE_NAME = 'mindprint-report.md';

export function downloadReport(markdown: string): void {
  if (markdown) downloadText(markdown, REPORT_FILE_NAME);
}
