// Vite config for the studio: React, workers as ES modules, the sample data served from sample-data/.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { fs: { allow: ['.'] } },
  optimizeDeps: { exclude: ['onnxruntime-node'] },
});
