// An execution: drives the engine (src/wasm.rs) from JS. The engine runs ready work in
// bounded slices; task requests go to the JS handlers (sync or async); answers go back
// into the engine; when the execution is idle, virtual time jumps to the next timer
// (or, under the real clock, a setTimeout waits for it).

import {
  RETIRED,
  UTF8_FROM,
  call,
  currentGeneration,
  memoryF64,
  readText,
  track,
  untrack,
  utf8,
} from './engine.js';
import {
  ExecutionStateError,
  InternalError,
  InvalidArgumentError,
  InvalidExecutionInputError,
  TaskFailure,
} from './errors.js';

// `WasmExecution.run` codes (src/wasm.rs).
const RUNNABLE = 0;
const TIMER = 1;
const WAITING = 2;
const DONE = 3;
const HAS_REQUESTS = 4;
/** `#slice`: JS handlers answered synchronously, so there is ready work. */
const ANSWERED = 8;

/** Steps of engine work per `run` call, and how long a slice may hold the thread. */
const BUDGET = 8192;
const SLICE_MS = 8;

const now = typeof performance !== 'undefined' ? () => performance.now() : () => Date.now();

/** Resolves after pending I/O and timers had a turn (not just microtasks). */
const nextTurn = (() => {
  if (typeof setImmediate === 'function') return () => new Promise((r) => setImmediate(r));
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    const queue = [];
    channel.port1.onmessage = () => queue.shift()?.();
    return () =>
      new Promise((r) => {
        queue.push(r);
        channel.port2.postMessage(0);
      });
  }
  return () => new Promise((r) => setTimeout(r, 0));
})();

/** Reports an exception thrown by a user callback without disturbing the engine. */
function reportCallbackError(e) {
  queueMicrotask(() => {
    throw e;
  });
}

/** What a thrown value means as an ASL task failure. */
function failureOf(e) {
  if (e instanceof TaskFailure) return [e.error, e.cause];
  if (e !== null && typeof e === 'object') {
    const error =
      (typeof e.error === 'string' && e.error) || (typeof e.name === 'string' && e.name) || 'Error';
    const cause = typeof e.message === 'string' ? e.message : undefined;
    return [error, cause];
  }
  return ['Error', String(e)];
}

function toJsonText(value, what) {
  let text;
  try {
    text = JSON.stringify(value === undefined ? null : value);
  } catch (e) {
    throw new TypeError(`${what} is not JSON-serializable: ${e.message}`);
  }
  return text === undefined ? 'null' : text;
}

function reviveEvent(e) {
  e.timestamp = new Date(e.timestamp);
  return e;
}

function reviveResult(o) {
  const r = { status: o.status };
  if ('output' in o) r.output = o.output;
  if ('error' in o) r.error = o.error;
  if ('cause' in o) r.cause = o.cause;
  r.executionArn = o.executionArn;
  r.startDate = new Date(o.startDate);
  if (o.stopDate !== undefined) r.stopDate = new Date(o.stopDate);
  return r;
}

const GROUP_EVENT = /^(Map|Parallel)State(Started|Succeeded|Failed|Aborted)$/;
const GROUP_END = /^(Map|Parallel)State(Succeeded|Failed|Aborted)$/;

/** What a task handler gets besides its input. */
class TaskContext {
  #execution;
  #signal;
  constructor(execution, r, signal) {
    this.#execution = execution;
    this.#signal = signal;
    this.stateName = r.stateName;
    this.resource = r.resource;
    this.invocation = r.invocation;
    if (r.taskToken !== undefined) this.taskToken = r.taskToken;
  }
  get execution() {
    return this.#execution;
  }
  get executionArn() {
    return this.#execution.executionArn;
  }
  /** Aborted when the execution stops or ends. */
  get signal() {
    return this.#signal();
  }
}

export class Execution {
  #h;
  #machine;
  #handlers;
  #virtual;
  /** Events fetched from the engine, and how many of them were delivered. */
  #events = [];
  #delivered = 0;
  /** The state each fetched event belongs to (undefined for execution events). */
  #stateOf = [];
  /** `onEvent` listeners and waiting `events()` iterators (created on first use). */
  #listeners = null;
  #iterators = null;
  #wantEvents = false;
  #outstanding = 0;
  /** Bumped by every outside input (answers, sendTask*, stop), to tell idle apart. */
  #inputs = 0;
  #wake = null;
  #running = false;
  #paused;
  #done = false;
  #failed = null;
  /** Created when a handler first reads `context.signal`. */
  #abort = null;
  #ephemeral;
  #resolve;
  #reject;
  #stepChain = null;
  /** `[stateName, resource]` pairs of task requests, by their index (see `#request`). */
  #names = [];
  /** Where the engine's request slot is (in 64-bit words of wasm memory). */
  #slot;
  /** The signal handlers see: aborted when the execution stops or ends. */
  #signal = () => (this.#abort ??= new AbortController()).signal;
  #disposed = false;
  #gen;
  #arn;

  /** @internal Use `StateMachine.start`. */
  constructor(machine, handle, { handlers, virtualClock, paused, onEvent, signal, ephemeral = false }) {
    this.#machine = machine;
    this.#ephemeral = ephemeral;
    this.#h = track(handle, this);
    this.#gen = currentGeneration();
    this.#handlers = handlers;
    this.#virtual = virtualClock;
    this.#paused = paused;
    this.result = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // An unobserved failure must not become an unhandled rejection by itself.
    this.result.catch(() => {});
    if (onEvent) this.onEvent(onEvent);
    if (signal) {
      if (signal.aborted) queueMicrotask(() => this.stop('Aborted', String(signal.reason ?? '')));
      else
        signal.addEventListener('abort', () => this.stop('Aborted', String(signal.reason ?? '')), {
          once: true,
        });
    }
    if (!paused) queueMicrotask(() => this.#drive());
  }

  /** The execution's ARN. */
  get executionArn() {
    if (this.#arn === undefined) this.#live();
    return (this.#arn ??= this.#call(() => this.#h.executionArn()));
  }

  /** The state machine this execution runs. */
  get stateMachine() {
    return this.#machine;
  }

  /** `RUNNING` until the result is settled, then the result's status. */
  get status() {
    return this.#done ? (this.#failed ? 'FAILED' : this.#outcome().status) : 'RUNNING';
  }

  /** Whether the execution waits for `step()` / `resume()`. */
  get paused() {
    return this.#paused;
  }

  /** The history events delivered so far (all recorded ones unless paused). */
  history() {
    if (!this.#paused) this.#pull();
    return this.#events.slice(0, this.#delivered);
  }

  /** Calls `listener` with each history event as it happens; returns an unsubscribe. */
  onEvent(listener) {
    if (typeof listener !== 'function') throw new InvalidArgumentError('onEvent needs a function');
    (this.#listeners ??= new Set()).add(listener);
    this.#wantEvents = true;
    return () => this.#listeners.delete(listener);
  }

  /**
   * The history events, from the first, as they happen; ends when the execution does.
   * @returns {AsyncGenerator<object>}
   */
  async *events() {
    this.#wantEvents = true;
    if (!this.#paused) this.#pull();
    let i = 0;
    let wake = null;
    const waiter = () => wake?.();
    (this.#iterators ??= new Set()).add(waiter);
    try {
      for (;;) {
        while (i < this.#delivered) yield this.#events[i++];
        if (this.#done) return;
        await new Promise((r) => (wake = r));
        wake = null;
      }
    } finally {
      this.#iterators.delete(waiter);
    }
  }

  [Symbol.asyncIterator]() {
    return this.events();
  }

  /** `StopExecution`: ends the execution as ABORTED, even while a handler is pending. */
  stop(error, cause) {
    if (this.#done) return;
    const e = error === undefined || error === null ? undefined : String(error);
    const c = cause === undefined || cause === null ? undefined : String(cause);
    this.#call(() => this.#h.stop(e, c));
    this.#abort?.abort(new Error('execution stopped'));
    this.#inputs++;
    this.#finish();
  }

  /** Tasks waiting for `sendTaskSuccess` / `sendTaskFailure`, oldest first. */
  pendingTaskTokens() {
    if (this.#done || this.#disposed) return [];
    return JSON.parse(this.#call(() => this.#h.pendingTokens()));
  }

  /** `SendTaskSuccess` for a `.waitForTaskToken` task. */
  sendTaskSuccess(taskToken, output) {
    const text = toJsonText(output, 'the task output');
    this.#running_check();
    this.#call(() => this.#h.sendTaskSuccess(String(taskToken), text));
    this.#input();
  }

  /** `SendTaskFailure` for a `.waitForTaskToken` task. */
  sendTaskFailure(taskToken, error, cause) {
    this.#running_check();
    this.#call(() =>
      this.#h.sendTaskFailure(
        String(taskToken),
        error === undefined || error === null ? undefined : String(error),
        cause === undefined || cause === null ? undefined : String(cause),
      ),
    );
    this.#input();
  }

  /** `SendTaskHeartbeat`: restarts the task's heartbeat clock. */
  sendTaskHeartbeat(taskToken) {
    this.#running_check();
    this.#call(() => this.#h.sendTaskHeartbeat(String(taskToken)));
    this.#input();
  }

  /**
   * Virtual clock: moves time forward by `ms` and fires what is due (Wait states,
   * retries, timeouts, heartbeats). Time otherwise stands still while tasks wait for
   * handlers or task tokens.
   */
  advanceTime(ms) {
    if (!this.#virtual) throw new ExecutionStateError('advanceTime needs the virtual clock');
    if (!(typeof ms === 'number' && ms >= 0 && Number.isFinite(ms))) {
      throw new InvalidArgumentError('advanceTime needs a non-negative number of milliseconds');
    }
    this.#running_check();
    this.#call(() => this.#h.advanceTo(this.#h.now() + ms));
    this.#input();
  }

  /** The execution's clock (virtual or real). */
  get now() {
    return this.#done || this.#disposed ? this.#outcome().stopDate : new Date(this.#call(() => this.#h.now()));
  }

  /** Stops running freely: events then come one at a time through `step()`. */
  pause() {
    this.#paused = true;
  }

  /** Runs freely again after `pause()` (or a `paused` start). */
  resume() {
    if (!this.#paused) return;
    this.#paused = false;
    this.#deliver(this.#events.length);
    if (this.#done) return;
    this.#maybeFinish();
    queueMicrotask(() => this.#drive());
  }

  /**
   * Step mode: runs until the next history event and returns it (`undefined` once the
   * execution has ended and every event was returned). Pauses a running execution.
   * @returns {Promise<object | undefined>}
   */
  step() {
    this.#paused = true;
    const next = (this.#stepChain ?? Promise.resolve()).then(() => this.#stepOnce());
    this.#stepChain = next.catch(() => {});
    return next;
  }

  /**
   * The data flow of one state visit, as the TestState API reports it at the DEBUG
   * level: `input`, `afterInputPath`, `afterParameters` (or `afterArguments`),
   * `result`, `afterResultSelector`, `afterResultPath`, `output`, `variables`, … Give
   * the visit's `*StateEntered` event (or its id). Needs the `inspect` start option.
   */
  inspection(event) {
    const id = typeof event === 'number' ? event : event?.id;
    if (typeof id !== 'number') throw new InvalidArgumentError('inspection needs a history event or its id');
    if (this.#disposed) return undefined;
    return JSON.parse(this.#call(() => this.#h.inspection(id))) ?? undefined;
  }

  /** Every state visit's data flow so far, in the order the states were entered. */
  inspections() {
    if (this.#disposed) return [];
    return JSON.parse(this.#call(() => this.#h.inspections(0)));
  }

  /**
   * The graph node (see `StateMachine.graph()`) a history event belongs to: the state
   * it reports on, or `undefined` for execution-level events.
   */
  nodeIdOf(event) {
    const name = this.stateNameOf(event);
    return name === undefined ? undefined : this.#machine.nodeIdOf(name);
  }

  /** The name of the state a history event belongs to (`undefined` for execution events). */
  stateNameOf(event) {
    const id = typeof event === 'number' ? event : event?.id;
    if (typeof id !== 'number' || id < 1) return undefined;
    if (id > this.#events.length) this.#pull(true);
    return this.#stateOf[id - 1];
  }

  /**
   * Frees the engine's memory for this execution now rather than when it is garbage
   * collected (a running execution is stopped first). Afterwards only `result`,
   * `status` and the events already delivered remain.
   */
  dispose() {
    if (this.#disposed) return;
    if (!this.#done) this.stop();
    if (this.#wantEvents) this.#pull(true);
    this.#outcome();
    this.#disposed = true;
    untrack(this.#h);
    try {
      this.#h.free();
    } catch {
      // already retired with an engine instance
    }
  }

  [Symbol.dispose]() {
    this.dispose();
  }

  // ------------------------------------------------------------------ the driver

  /** A wasm call on this execution's engine object. */
  #call(f) {
    if (this.#gen !== currentGeneration()) {
      const e = new InternalError(
        'this execution was lost when the engine restarted after an internal error',
      );
      this.#fail(e);
      throw e;
    }
    return call(f);
  }

  /** The engine instance holding this execution was replaced. */
  [RETIRED]() {
    this.#fail(new InternalError('this execution was lost when the engine restarted after an internal error'));
  }

  #running_check() {
    if (this.#done) throw new ExecutionStateError('the execution has ended');
  }

  #live() {
    if (this.#disposed) throw new ExecutionStateError('the execution was disposed');
  }

  #input() {
    this.#inputs++;
    this.#wakeUp();
  }

  #wakeUp() {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  /** Waits for an outside input, or `ms` of real time. */
  #sleep(ms) {
    return new Promise((resolve) => {
      let timer = null;
      const done = () => {
        if (timer !== null) clearTimeout(timer);
        resolve();
      };
      this.#wake = done;
      if (ms !== undefined) timer = setTimeout(() => this.#wakeUp(), Math.max(0, ms));
    });
  }

  async #drive() {
    if (this.#running || this.#done) return;
    this.#running = true;
    try {
      let sliceStart = now();
      let answered = 0;
      while (!this.#done && !this.#paused) {
        let code = this.#slice(BUDGET);
        if (this.#done) break;
        if (code === DONE) {
          this.#finish();
          break;
        }
        if (code === ANSWERED) {
          // Handlers answered: usually a short slice each, so the clock is read only
          // every few of them.
          if (++answered % 16 !== 0) continue;
          code = RUNNABLE;
        }
        if (code === RUNNABLE) {
          if (now() - sliceStart > SLICE_MS) {
            await nextTurn();
            sliceStart = now();
          }
          continue;
        }
        await this.#idle(code);
        sliceStart = now();
      }
    } catch (e) {
      this.#fail(e);
    } finally {
      this.#running = false;
    }
  }

  async #stepOnce() {
    while (this.#delivered >= this.#events.length) {
      if (this.#done) return undefined;
      if (this.#call(() => this.#h.isFinished())) {
        this.#pull(true);
        if (this.#delivered < this.#events.length) break;
        this.#finish();
        return undefined;
      }
      let code;
      try {
        code = this.#slice(1);
      } catch (e) {
        this.#fail(e);
        throw e;
      }
      this.#pull(true);
      if (this.#delivered < this.#events.length || this.#done) break;
      if (code === RUNNABLE || code === ANSWERED || code === DONE) continue;
      await this.#idle(code);
    }
    if (this.#delivered >= this.#events.length) return undefined;
    const event = this.#events[this.#delivered];
    this.#deliver(this.#delivered + 1);
    this.#maybeFinish();
    return event;
  }

  /** Finishes once the engine has ended and every event was delivered. */
  #maybeFinish() {
    if (this.#done) return;
    if (!this.#call(() => this.#h.isFinished())) return;
    this.#pull(true);
    if (this.#delivered >= this.#events.length) this.#finish();
  }

  /** One slice: engine work, then the JS handlers for the requests it made. */
  #slice(budget) {
    const h = this.#h;
    if (!this.#virtual) this.#call(() => h.advanceTo(Date.now()));
    let code = this.#call(() => h.run(budget));
    if (this.#wantEvents && !this.#paused) {
      this.#pull();
    }
    if (code & HAS_REQUESTS) {
      let answered = false;
      while (!this.#done && this.#call(() => h.nextRequest())) {
        if (this.#dispatch(this.#request())) answered = true;
      }
      if (this.#done) return DONE;
      if (answered) return ANSWERED;
      code &= 3;
    }
    return code;
  }

  /**
   * The request `nextRequest` just took, read from its slot in wasm memory
   * (src/wasm.rs `nextRequest`); the `[stateName, resource]` pairs are fetched once.
   */
  #request() {
    const at = (this.#slot ??= this.#call(() => this.#h.requestSlot()) / 8);
    // Every number is read before the next wasm call, which may grow the memory (and
    // detach this view).
    const slot = memoryF64();
    const id = slot[at];
    const k = slot[at + 1];
    const invocation = slot[at + 2];
    const inputBytes = slot[at + 3];
    const tokenBytes = slot[at + 4];
    const text = slot[at + 5];
    const names = (this.#names[k] ??= JSON.parse(this.#call(() => this.#h.requestNames(k))));
    const r = {
      id,
      stateName: names[0],
      resource: names[1],
      input: JSON.parse(readText(text, inputBytes)),
      invocation,
    };
    if (tokenBytes >= 0) r.taskToken = readText(text + inputBytes, tokenBytes);
    return r;
  }

  /** Calls the handler for a request; returns whether it answered synchronously. */
  #dispatch(r) {
    const handler = this.#handlers.get(r.stateName) ?? this.#handlers.get(r.resource);
    const context = new TaskContext(this, r, this.#signal);
    let out;
    try {
      out = handler(r.input, context);
    } catch (e) {
      this.#answer(r, false, e);
      return true;
    }
    if (out !== null && (typeof out === 'object' || typeof out === 'function') && typeof out.then === 'function') {
      this.#outstanding++;
      Promise.resolve(out).then(
        (v) => this.#settle(r, true, v),
        (e) => this.#settle(r, false, e),
      );
      return false;
    }
    this.#answer(r, true, out);
    return true;
  }

  #settle(r, ok, value) {
    this.#outstanding--;
    if (this.#done) return;
    try {
      this.#answer(r, ok, value);
    } catch (e) {
      this.#fail(e);
      return;
    }
    this.#input();
  }

  /** Feeds a handler's outcome into the engine. */
  #answer(r, ok, value) {
    const h = this.#h;
    if (this.#done) return;
    if (ok && r.taskToken !== undefined) {
      // A `.waitForTaskToken` handler only hands the token out; the answer comes
      // through sendTaskSuccess / sendTaskFailure.
      this.#call(() => h.handlerDone(r.id));
      return;
    }
    if (ok) {
      let text;
      try {
        text = toJsonText(value, `the result of the handler for '${r.stateName}'`);
      } catch (e) {
        ok = false;
        value = e;
      }
      if (ok) {
        this.#call(() =>
          text.length >= UTF8_FROM ? h.completeUtf8(r.id, utf8(text)) : h.complete(r.id, text),
        );
        return;
      }
    }
    const [error, cause] = failureOf(value);
    this.#call(() => h.fail(r.id, error, cause));
  }

  /** Nothing is runnable: wait for handlers, task tokens or time. */
  async #idle(code) {
    const h = this.#h;
    if (code === TIMER) {
      const t = this.#call(() => h.nextTimer());
      if (!this.#virtual) {
        await this.#sleep(t - Date.now());
        return;
      }
      if (this.#outstanding > 0) {
        // Handlers take no virtual time: the clock waits for their answers.
        await this.#sleep();
        return;
      }
      // Task tokens are out: let code holding them answer before time moves on.
      const seen = this.#inputs;
      await nextTurn();
      if (!this.#done && this.#inputs === seen) this.#call(() => h.advanceTo(t));
      return;
    }
    if (code === WAITING) await this.#sleep();
  }

  /** Fetches new events from the engine; delivers them unless paused. */
  #pull(fetchOnly = false) {
    const h = this.#h;
    if (this.#failed || this.#disposed) return;
    const have = this.#events.length;
    const n = this.#call(() => h.historyLength());
    if (n > have) {
      const fresh = JSON.parse(this.#call(() => h.history(have)));
      for (const e of fresh) {
        reviveEvent(e);
        this.#events.push(e);
        this.#stateOf.push(this.#stateFor(e));
      }
    }
    if (!fetchOnly && !this.#paused) this.#deliver(this.#events.length);
  }

  #stateFor(e) {
    if (e.type.startsWith('Execution')) return undefined;
    const d = e.stateEnteredEventDetails ?? e.stateExitedEventDetails ?? e.mapIterationStartedEventDetails ??
      e.mapIterationSucceededEventDetails ?? e.mapIterationFailedEventDetails ?? e.mapIterationAbortedEventDetails ??
      e.evaluationFailedEventDetails;
    if (d !== undefined) return d.name ?? d.state;
    if (GROUP_EVENT.test(e.type)) {
      // Walk back to the Map/Parallel's own entered event, skipping nested groups.
      let depth = 0;
      let prev = e.previousEventId;
      while (prev > 0) {
        const p = this.#events[prev - 1];
        if (GROUP_END.test(p.type)) depth++;
        else if (/^(Map|Parallel)StateEntered$/.test(p.type)) {
          if (depth === 0) return p.stateEnteredEventDetails.name;
          depth--;
        }
        prev = p.previousEventId;
      }
      return undefined;
    }
    return e.previousEventId > 0 ? this.#stateOf[e.previousEventId - 1] : undefined;
  }

  #deliver(upTo) {
    while (this.#delivered < upTo) {
      const e = this.#events[this.#delivered++];
      if (this.#listeners === null) continue;
      for (const l of this.#listeners) {
        try {
          l(e);
        } catch (err) {
          reportCallbackError(err);
        }
      }
    }
    this.#wakeIterators();
  }

  #wakeIterators() {
    if (this.#iterators !== null) for (const w of this.#iterators) w();
  }

  #outcomeCache = null;
  #outcome() {
    return (this.#outcomeCache ??= reviveResult(JSON.parse(this.#call(() => this.#h.outcome()))));
  }

  #finish() {
    if (this.#done) return;
    if (this.#wantEvents) {
      this.#pull(true);
      this.#deliver(this.#events.length);
    }
    const result = this.#outcome();
    this.#done = true;
    // Ending is an abort for handlers still running.
    this.#abort?.abort(new Error('execution ended'));
    if (this.#ephemeral) this.dispose();
    this.#wakeUp();
    this.#wakeIterators();
    this.#resolve(result);
  }

  #fail(e) {
    if (this.#done) return;
    this.#done = true;
    this.#failed = e;
    this.#abort?.abort(e);
    this.#wakeUp();
    this.#wakeIterators();
    this.#reject(e);
  }
}

/** Normalizes `StateMachine.start` options into engine options and driver settings. */
export function startOptions(machine, options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError('start options must be an object');
  }
  const {
    input,
    name,
    handlers = {},
    mock,
    testCase,
    clock = 'virtual',
    startTime,
    seed,
    limits,
    onEvent,
    paused = false,
    signal,
    region,
    account,
    roleArn,
    inspect = false,
    variables,
    ...rest
  } = options;
  const unknown = Object.keys(rest);
  if (unknown.length) {
    throw new InvalidArgumentError(`unknown start option(s): ${unknown.join(', ')}`);
  }
  if (clock !== 'virtual' && clock !== 'real') {
    throw new InvalidArgumentError(`clock must be 'virtual' or 'real', got ${JSON.stringify(clock)}`);
  }
  if (handlers === null || typeof handlers !== 'object') {
    throw new InvalidArgumentError('handlers must be an object of functions keyed by state name or resource');
  }
  const handlerMap = new Map();
  for (const [key, fn] of Object.entries(handlers)) {
    if (typeof fn !== 'function') {
      throw new InvalidArgumentError(`the handler for '${key}' is not a function`);
    }
    handlerMap.set(key, fn);
  }
  let inputText;
  if (input === undefined) inputText = '{}';
  else {
    try {
      inputText = JSON.stringify(input);
    } catch (e) {
      throw new InvalidExecutionInputError(`the input is not JSON-serializable: ${e.message}`);
    }
    if (inputText === undefined) {
      throw new InvalidExecutionInputError(`the input is not JSON-serializable (${typeof input})`);
    }
  }
  let start;
  if (startTime !== undefined) {
    start = startTime instanceof Date ? startTime.getTime() : startTime;
    if (typeof start !== 'number' || !Number.isFinite(start)) {
      throw new InvalidArgumentError('startTime must be a Date or milliseconds since the epoch');
    }
  } else if (clock === 'real') start = Date.now();
  if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0)) {
    throw new InvalidArgumentError('seed must be a non-negative safe integer');
  }
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new InvalidArgumentError('onEvent must be a function');
  }
  if (typeof inspect !== 'boolean') throw new InvalidArgumentError('inspect must be a boolean');
  if (variables !== undefined && (variables === null || typeof variables !== 'object' || Array.isArray(variables))) {
    throw new InvalidArgumentError('variables must be an object of variable names to values');
  }
  if ((mock === undefined) !== (testCase === undefined)) {
    throw new InvalidArgumentError('mock and testCase go together');
  }
  const engine = {
    name,
    stateMachineName: machine.name,
    region,
    account,
    roleArn,
    seed,
    startTime: start,
    limits,
    testCase,
    handlers: [...handlerMap.keys()],
    virtualClock: clock === 'virtual',
    inspect,
    variables,
  };
  // The input is spliced in as text: it was serialized once already.
  const json = JSON.stringify(engine).slice(0, -1) + `,"input":${inputText}}`;
  return {
    json,
    mock,
    driver: { handlers: handlerMap, virtualClock: clock === 'virtual', paused, onEvent, signal },
  };
}
