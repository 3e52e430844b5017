// `npm run bench`: runs every benchmark and prints one JSON object (analysis, kernels, training).
// Each part is optional so a bench that fails reports its error instead of hiding the others.
import { selectNodeDriver } from '../src/engine/node-driver.ts';

await selectNodeDriver(); // the system's GPU when there is one, else SwiftShader (src/engine/adapter-choice.ts)

type Bench = { name: string; load: () => Promise<() => Promise<unknown>> };

const only = process.argv.slice(2);
const benches: Bench[] = [
  { name: 'analysis', load: async () => (await import('./analysis.ts')).benchAnalysis },
  { name: 'engine', load: async () => (await import('./engine.ts')).benchEngine },
  { name: 'attention', load: async () => (await import('./attention.ts')).benchAttention },
  { name: 'training', load: async () => (await import('./training.ts')).benchTraining },
  { name: 'load', load: async () => (await import('./load.ts')).benchLoad },
];

const results: Record<string, unknown> = {};
for (const b of benches) {
  if (only.length && !only.includes(b.name)) continue;
  const started = Date.now();
  try {
    const fn = await b.load();
    results[b.name] = await fn();
  } catch (err) {
    results[b.name] = { error: (err as Error).message };
  }
  console.error(`bench ${b.name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
console.log(JSON.stringify(results, null, 2));
process.exit(0);
