// Node (and Deno, Bun) entry: loads the engine synchronously from the package folder.
import { readFileSync } from 'node:fs';
import { instantiate } from './lib/engine.js';

instantiate(new WebAssembly.Module(readFileSync(new URL('./wasm/statelab_bg.wasm', import.meta.url))));

export * from './lib/api.js';
