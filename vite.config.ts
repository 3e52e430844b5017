// Vite config for the studio: React, workers as ES modules, the sample data served from sample-data/.
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { cspPlugin } from './src/app/csp.ts';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SAMPLE_DIR = resolve(import.meta.dirname, 'sample-data');

/** The sample curriculum's files, sorted: its data (.json/.jsonl) and its own voice_markers.yaml. */
function sampleFiles(): string[] {
  if (!existsSync(SAMPLE_DIR)) return [];
  return readdirSync(SAMPLE_DIR)
    .filter((f) => /\.jsonl?$/.test(f) || f === 'voice_markers.yaml')
    .sort();
}

/** Serves sample-data/ at /sample-data/ (dev) and copies it into dist/sample-data/ (build), with an
 *  index.json listing the files so the studio's "Load sample curriculum" knows what to fetch. */
function sampleData(): Plugin {
  return {
    name: 'mindprint-sample-data',
    configureServer(server) {
      server.middlewares.use('/sample-data/', (req, res, next) => {
        const name = decodeURIComponent((req.url ?? '/').replace(/^\//, '').split('?')[0]!);
        const files = sampleFiles();
        if (name === 'index.json') {
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify(files));
        } else if (files.includes(name)) {
          res.setHeader('Content-Type', 'application/octet-stream');
          res.end(readFileSync(join(SAMPLE_DIR, name)));
        } else next();
      });
    },
    generateBundle() {
      const files = sampleFiles();
      for (const f of files) {
        this.emitFile({ type: 'asset', fileName: `sample-data/${f}`, source: readFileSync(join(SAMPLE_DIR, f)) });
      }
      this.emitFile({ type: 'asset', fileName: 'sample-data/index.json', source: JSON.stringify(files) });
    },
  };
}

export default defineConfig({
  plugins: [react(), sampleData(), cspPlugin()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { fs: { allow: ['.'] } },
  optimizeDeps: {
    exclude: ['onnxruntime-node'],
    // Deps the workers import are not found by the first scan (it follows the page's imports only), so the
    // first visit would reload once they are discovered; pre-bundle them all up front instead.
    include: [
      'react',
      'react-dom/client',
      'react/jsx-dev-runtime',
      'zustand',
      'zustand/react/shallow',
      'recharts',
      'idb',
      'yaml',
      'fflate',
      '@huggingface/transformers',
    ],
  },
});
