// The one place that talks to the wasm-bindgen glue. It owns the engine instance and
// replaces it if an engine bug ever traps (a Rust panic reaches JS as a
// `WebAssembly.RuntimeError` and leaves that instance unusable): the failing call
// throws an `InternalError`, objects of the old instance are retired, and wrappers
// that can rebuild their engine object (state machines) do so on their next call.

import * as glue from '../wasm/statelab.js';
import { InternalError, fromEngine } from './errors.js';

let compiled = null;
/** The instance's exports (for its memory). */
let exports = null;
let generation = 0;
/**
 * Engine objects of the current instance, retired when it is replaced: `live` holds a
 * `WeakRef` to each, and `records` finds an object's `{ ref, owner }` (a WeakMap, so
 * the owner lives only as long as the object). Objects freed on purpose leave at once
 * (`untrack`); the refs of collected ones are swept when the set has doubled, so that
 * tracking stays O(1) however many executions run.
 */
let live = new Set();
const records = new WeakMap();
const SWEEP_FROM = 4096;
let sweepAt = SWEEP_FROM;

/** Instantiates the engine from a compiled `WebAssembly.Module` (entry points call it). */
export function instantiate(module) {
  compiled = module;
  exports = glue.initSync({ module });
}

export function isReady() {
  return compiled !== null;
}

/** The instance generation: engine objects from an older one are gone. */
export function currentGeneration() {
  return generation;
}

/** Called on the owner of an engine object when its instance is replaced. */
export const RETIRED = Symbol('statelab.retired');

/**
 * Registers an engine object so that it can be retired with its instance; `owner`
 * (optional) is told through its `[RETIRED]` method.
 */
export function track(obj, owner) {
  const ref = new WeakRef(obj);
  live.add(ref);
  records.set(obj, { ref, owner });
  if (live.size >= sweepAt) {
    for (const r of live) if (r.deref() === undefined) live.delete(r);
    sweepAt = Math.max(SWEEP_FROM, live.size * 2);
  }
  return obj;
}

/** Forgets a tracked object that is being freed. */
export function untrack(obj) {
  const record = records.get(obj);
  if (record === undefined) return;
  live.delete(record.ref);
  records.delete(obj);
}

/** How many engine objects are tracked (for tests). */
export function trackedCount() {
  return live.size;
}

function replaceInstance() {
  // Retire the old objects first: their finalizers would otherwise free pointers in
  // the new instance's memory.
  const owners = [];
  for (const ref of live) {
    const o = ref.deref();
    if (o === undefined) continue;
    const owner = records.get(o)?.owner;
    if (owner) owners.push(owner);
    try {
      o.__destroy_into_raw();
    } catch {
      // already freed
    }
  }
  live = new Set();
  sweepAt = SWEEP_FROM;
  generation++;
  glue.__statelab_forget_instance();
  exports = glue.initSync({ module: compiled });
  heapF64 = heapU8 = null;
  for (const owner of owners) queueMicrotask(() => owner[RETIRED]?.());
}

/**
 * Converts whatever a wasm call threw: engine errors (JSON text) become their `Error`
 * subclass; a trap replaces the instance and becomes an `InternalError`.
 */
export function translate(e) {
  if (typeof e === 'string') return fromEngine(e);
  if (
    e instanceof WebAssembly.RuntimeError ||
    (e instanceof RangeError && /call stack/i.test(e.message))
  ) {
    let detail = '';
    try {
      detail = glue.lastPanic();
    } catch {
      // the trapped instance may not answer
    }
    try {
      replaceInstance();
    } catch (err) {
      return new InternalError(`the engine failed and could not be restarted: ${err}`, { cause: e });
    }
    return new InternalError(
      `internal engine error${detail ? `: ${detail}` : ''} (the engine was restarted; please report this)`,
      { cause: e },
    );
  }
  return e;
}

const encoder = new TextEncoder();

/**
 * Texts at least this long cross into the engine as UTF-8 bytes (`startUtf8`,
 * `completeUtf8`): `TextEncoder` is faster for them than the glue's copy of a string
 * character by character, which wins for short ones.
 */
export const UTF8_FROM = 512;

export function utf8(text) {
  return encoder.encode(text);
}

/** Runs `f` (a wasm call), translating what it throws. */
export function call(f) {
  try {
    return f();
  } catch (e) {
    throw translate(e);
  }
}

// Views of the instance's memory, made again when it grows (which detaches them: their
// length drops to 0).
let heapF64 = null;
let heapU8 = null;

/** The memory as 64-bit floats (index = byte address / 8). */
export function memoryF64() {
  if (heapF64 === null || heapF64.length === 0) heapF64 = new Float64Array(exports.memory.buffer);
  return heapF64;
}

function memoryU8() {
  if (heapU8 === null || heapU8.length === 0) heapU8 = new Uint8Array(exports.memory.buffer);
  return heapU8;
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });

/**
 * The UTF-8 text at `ptr` in wasm memory. Short ASCII texts (most task inputs) are
 * read byte by byte: cheaper than a `TextDecoder` call for them.
 */
export function readText(ptr, len) {
  const mem = memoryU8();
  if (len <= 64) {
    let s = '';
    for (let i = ptr, end = ptr + len; i < end; i++) {
      const b = mem[i];
      if (b >= 0x80) return decoder.decode(mem.subarray(ptr, ptr + len));
      s += String.fromCharCode(b);
    }
    return s;
  }
  return decoder.decode(mem.subarray(ptr, ptr + len));
}

export { glue };
