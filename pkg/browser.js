// Browser and bundler entry: fetches and compiles the engine once (top-level await),
// so everything is usable as soon as the import resolves.
import { instantiate } from './lib/engine.js';

const url = new URL('./wasm/statelab_bg.wasm', import.meta.url);
const response = await fetch(url);
if (!response.ok) throw new Error(`statelab: cannot fetch ${url}: HTTP ${response.status}`);
instantiate(
  typeof WebAssembly.compileStreaming === 'function' &&
    response.headers.get('Content-Type') === 'application/wasm'
    ? await WebAssembly.compileStreaming(response)
    : await WebAssembly.compile(await response.arrayBuffer()),
);

export * from './lib/api.js';
