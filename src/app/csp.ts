// The studio's Content-Security-Policy and the Vite plugin that applies it to the production build: a
// <meta> in the built index.html (any static host), and the same policy as a header from `vite preview`
// (which also covers the workers, whose scripts a <meta> cannot reach). No 'unsafe-eval': WebAssembly
// (onnxruntime-web, for the sentence embeddings) gets 'wasm-unsafe-eval' only. Requests may go to this
// origin and the Hugging Face Hub (model files) only, so no file content, token or answer can be sent
// anywhere else. The dev server is left without it: React's fast refresh needs an inline script.
import type { Plugin } from 'vite';

/** Where model files come from: the Hub and its CDN; transformers.js' default onnxruntime-web files (jsDelivr). */
const MODEL_HOSTS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co', 'https://cdn.jsdelivr.net'];

/** A Hub mirror on this machine (the Model tab's Hub address setting; the e2e tests' fake Hub): loopback only, so nothing leaves the machine. */
const LOCAL_HUBS = ['http://127.0.0.1:*', 'http://localhost:*'];

export const CSP_DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'", 'https://cdn.jsdelivr.net'],
  'worker-src': ["'self'", 'blob:'],
  'connect-src': ["'self'", 'blob:', 'data:', ...MODEL_HOSTS, ...LOCAL_HUBS],
  'img-src': ["'self'", 'data:', 'blob:'],
  'style-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'none'"],
};

/** The policy as one header / meta value. */
export function cspString(extra: Record<string, string[]> = {}): string {
  const all = { ...CSP_DIRECTIVES, ...extra };
  return Object.entries(all)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}

/** Adds the policy to the built index.html and to `vite preview`'s responses. */
export function cspPlugin(): Plugin {
  return {
    name: 'mindprint-csp',
    transformIndexHtml: {
      order: 'post',
      handler: (_html, ctx) =>
        ctx.server ? [] : [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: cspString() }, injectTo: 'head-prepend' }],
    },
    configurePreviewServer(server) {
      // frame-ancestors only works as a header: the studio is never framed (clickjacking).
      const header = cspString({ 'frame-ancestors': ["'none'"] });
      server.middlewares.use((_req, res, next) => {
        res.setHeader('Content-Security-Policy', header);
        next();
      });
    },
  };
}
