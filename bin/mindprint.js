#!/usr/bin/env node
// The `mindprint` CLI entry: runs the TypeScript sources through tsx so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
// Dawn (the webgpu package) can keep the event loop alive after the work is done.
process.exit(code);
