// The human-readable table `npm run bench` prints before its JSON: the step (ours, the peer, the ratio),
// matmul shapes ours / peer / ratio, scaling rows, and pipeline phases before (bench/baseline.json) / after.
// Reads the parts loosely: a part that failed or did not run is shown as its error or left out.

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown, digits = 1): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—');
const ratio = (peer: unknown, ours: unknown): string =>
  typeof peer === 'number' && typeof ours === 'number' && ours > 0 ? `${(peer / ours).toFixed(2)}×` : '—';

/** Columns padded to their widest cell; the first column left-aligned, the rest right-aligned. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function stepSection(step: Obj | undefined, peer: Obj | undefined, base: Obj | undefined): string[] {
  if (!step && !peer) return [];
  const out = ['LoRA SFT step'];
  if (step && 'error' in step) return [...out, `  error: ${String(step.error)}`];
  if (step) out.push(`  shape: ${String(step.shape)}${typeof step.kernels === 'string' ? `; kernels: ${step.kernels}` : ''}`);
  const rows: string[][] = [];
  const baseStep = isObj(base?.step) ? base.step : undefined;
  if (baseStep)
    rows.push([
      'ours, baseline',
      num(baseStep.msPerStep),
      num(baseStep.tokensPerSecond),
      String(baseStep.dispatchesPerStep ?? '—'),
      String(baseStep.dispatchesPerLayer ?? '—'),
      num(baseStep.peakGpuMiB),
      '',
    ]);
  if (step)
    rows.push([
      'ours',
      num(step.msPerStep),
      num(step.tokensPerSecond),
      String(step.dispatchesPerStep ?? '—'),
      String(step.dispatchesPerLayer ?? '—'),
      num(step.peakGpuMiB),
      '',
    ]);
  const peerSteps = isObj(peer) && isObj(peer.step) ? peer.step : undefined;
  for (const [name, p] of Object.entries(peerSteps ?? {})) {
    if (isObj(p) && 'error' in p) rows.push([`peer ${name}`, String(p.error).slice(0, 60), '', '', '', '', '']);
    else if (isObj(p))
      rows.push([`peer ${String(p.backend ?? name)}`, num(p.msPerStep), num(p.tokensPerSecond), '', '', '', ratio(p.msPerStep, step?.msPerStep)]);
  }
  out.push(table(['', 'ms/step', 'tokens/s', 'dispatches/step', '/layer', 'peak MiB', 'speedup (peer/ours)'], rows));
  if (step && typeof step.submitsPerStep === 'number')
    out.push(`  per step: ${String(step.submitsPerStep)} command buffer(s), ${String(step.readBacksPerStep)} read-back(s)`);
  if (step && isObj(step.dispatchesByOp))
    out.push(
      `  dispatches by op (one step): ${Object.entries(step.dispatchesByOp)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ')}`,
    );
  return out;
}

function matmulSection(peer: Obj | undefined): string[] {
  const mm = isObj(peer) && isObj(peer.matmul) ? peer.matmul : undefined;
  if (!mm) return [];
  if ('error' in mm) return ['Matmul (M×K×N, x @ W^T)', `  error: ${String(mm.error)}`];
  const rows = (Array.isArray(mm.rows) ? mm.rows : [])
    .filter(isObj)
    .map((r) => [String(r.shape), num(r.oursMs, 2), num(r.oursGflops, 3), num(r.peerMs, 2), num(r.peerGflops, 3), `${num(r.speedup, 2)}×`]);
  const out = ['Matmul (M×K×N, x @ W^T) ours vs tfjs-webgpu', table(['shape', 'ours ms', 'GFLOP/s', 'tfjs ms', 'GFLOP/s', 'speedup'], rows)];
  for (const s of Array.isArray(mm.skipped) ? mm.skipped.filter(isObj) : []) out.push(`  skipped ${String(s.shape)}: ${String(s.reason)}`);
  return out;
}

function scalingSection(sc: Obj | undefined): string[] {
  if (!sc) return [];
  if ('error' in sc) return ['Scaling', `  error: ${String(sc.error)}`];
  const out = ['Scaling (ours, random weights)'];
  if (sc.note) out.push(`  ${String(sc.note)}`);
  const rows = (Array.isArray(sc.rows) ? sc.rows : [])
    .filter(isObj)
    .map((r) => [
      String(r.label),
      String(r.seq ?? ''),
      'error' in r ? String(r.error).slice(0, 50) : num(r.msPerStep),
      num(r.tokensPerSecond),
      num(r.peakGpuMiB),
    ]);
  out.push(table(['model', 'T', 'ms/step', 'tokens/s', 'peak MiB'], rows));
  if (isObj(sc.memoryVsT)) out.push(`  memory vs T: ${String(sc.memoryVsT.summary)}`);
  return out;
}

function pipelineSection(pl: Obj | undefined, base: Obj | undefined): string[] {
  const before = isObj(base?.pipeline) ? base.pipeline : undefined;
  if (!pl && !before) return [];
  const out = ['Pipeline (mindprint train, tiny model, sample curriculum), seconds'];
  if (pl && 'error' in pl) out.push(`  error: ${String(pl.error)}`);
  const after = pl && !('error' in pl) ? pl : undefined;
  const note = after?.note ?? before?.note;
  if (note) out.push(`  ${String(note)}`);
  const b = isObj(before?.secondsByPhase) ? before.secondsByPhase : {};
  const a = isObj(after?.secondsByPhase) ? after.secondsByPhase : {};
  const names = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const rows = names.map((k) => [k, num(b[k]), num(a[k]), ratio(b[k], a[k])]);
  rows.push(['other (load, exams, merges)', num(before?.otherSeconds), num(after?.otherSeconds), ratio(before?.otherSeconds, after?.otherSeconds)]);
  rows.push(['total', num(before?.totalSeconds), num(after?.totalSeconds), ratio(before?.totalSeconds, after?.totalSeconds)]);
  out.push(table(['phase', `before (${String(base?.commit ?? '?').slice(0, 7)})`, 'after', 'speedup'], rows));
  return out;
}

/** The whole table from run.ts's results object and bench/baseline.json (either part may be missing). */
export function formatReport(results: Obj, baseline: Obj | undefined): string {
  const part = (k: string) => (isObj(results[k]) ? results[k] : undefined);
  const sections = [
    stepSection(part('step'), part('peer'), baseline),
    matmulSection(part('peer')),
    scalingSection(part('scaling')),
    pipelineSection(part('pipeline'), baseline),
  ].filter((s) => s.length);
  const other = Object.entries(results).filter(([k, v]) => !['step', 'peer', 'scaling', 'pipeline'].includes(k) && isObj(v) && 'error' in v);
  for (const [k, v] of other) sections.push([`${k}: error: ${String((v as Obj).error)}`]);
  return sections.map((s) => s.join('\n')).join('\n\n');
}
