// Loads the statelab engine (pkg/) in the page or in a worker: fetches and compiles
// ./wasm/statelab_bg.wasm next to the bundle, then re-exports the package's API.
import { instantiate, isReady } from '../../pkg/lib/engine.js';

export * from '../../pkg/lib/api.js';

/** Resolves when the engine is usable; rejects with a readable error otherwise. */
export async function loadEngine(base = import.meta.url) {
  if (isReady()) return;
  const url = new URL('./wasm/statelab_bg.wasm', base);
  if (typeof WebAssembly !== 'object') throw new Error('this browser has no WebAssembly support');
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch ${url.pathname}: HTTP ${response.status}`);
  const module =
    typeof WebAssembly.compileStreaming === 'function' &&
    response.headers.get('Content-Type') === 'application/wasm'
      ? await WebAssembly.compileStreaming(response)
      : await WebAssembly.compile(await response.arrayBuffer());
  instantiate(module);
}
