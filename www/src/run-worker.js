// The execution worker: runs one execution at a time with the statelab package, away
// from the page, and streams its history events back in batches (one message per
// animation frame, not per event). The page terminates this worker when it does not
// answer a stop in time (a handler in an endless loop) and starts a fresh one.
//
// Page → worker: start, step, resume, pause, stop, sendTaskSuccess, sendTaskFailure, inspect.
// Worker → page: ready | loadError, started, events, tokens, done, runError, stepped, inspection.
import { StateMachine, TaskFailure, loadEngine } from './engine.js';

const AsyncFunction = (async () => {}).constructor;

let run = null; // { id, execution, queue, flushScheduled, tokensKey, done }

const frame =
  typeof self.requestAnimationFrame === 'function'
    ? (f) => self.requestAnimationFrame(f)
    : (f) => setTimeout(f, 16);

function post(message) {
  self.postMessage(message);
}

function scheduleFlush(r) {
  if (r.flushScheduled) return;
  r.flushScheduled = true;
  const token = (r.flushToken = (r.flushToken ?? 0) + 1);
  const once = () => {
    if (r.flushScheduled && r.flushToken === token) flush(r);
  };
  frame(once);
  // Animation frames stop in hidden tabs: a timer keeps the events coming.
  setTimeout(once, 250);
}

function flush(r) {
  r.flushScheduled = false;
  if (r.queue.length) {
    const events = r.queue;
    r.queue = [];
    post({ type: 'events', runId: r.id, events });
  }
  postTokens(r);
}

function postTokens(r) {
  let tokens = [];
  try {
    if (!r.done) tokens = r.execution.pendingTaskTokens();
  } catch {
    tokens = [];
  }
  const key = tokens.map((t) => t.taskToken).join('\n');
  if (key === r.tokensKey) return;
  r.tokensKey = key;
  post({ type: 'tokens', runId: r.id, tokens });
}

function errorText(e) {
  if (e && typeof e === 'object') return `${e.name ?? 'Error'}: ${e.message ?? String(e)}`;
  return String(e);
}

/** Task handlers from the page's text (compiled only now, when the user ran the machine). */
function compileHandlers(sources, r) {
  const handlers = {};
  for (const [stateName, body] of Object.entries(sources ?? {})) {
    let fn;
    try {
      fn = new AsyncFunction('input', 'context', 'TaskFailure', body);
    } catch (e) {
      // Translated by the page (run.handlerCompile); the English text for other callers.
      throw Object.assign(new Error(`the handler of "${stateName}" does not compile: ${e.message}`), {
        key: 'run.handlerCompile',
        params: { name: stateName, message: e.message },
      });
    }
    handlers[stateName] = (input, context) => {
      // The page sees the history up to this task even if the handler never returns.
      flush(r);
      return fn(input, context, TaskFailure);
    };
  }
  return handlers;
}

function start(msg) {
  if (run && !run.done) {
    try {
      run.execution.stop('Aborted', 'replaced by a new run');
    } catch {
      // already over
    }
  }
  run?.execution?.dispose?.();
  const r = { id: msg.runId, execution: null, queue: [], flushScheduled: false, tokensKey: '', done: false };
  run = r;
  let machine;
  let input;
  try {
    machine = new StateMachine(msg.definition, { name: 'Playground' });
  } catch (e) {
    post({ type: 'runError', runId: r.id, message: errorText(e), diagnostics: e.diagnostics ?? null });
    r.done = true;
    return;
  }
  try {
    input = msg.input.trim() === '' ? {} : JSON.parse(msg.input);
  } catch (e) {
    post({ type: 'runError', runId: r.id, message: `input: ${e.message}` });
    r.done = true;
    return;
  }
  let handlers;
  try {
    handlers = compileHandlers(msg.handlers, r);
  } catch (e) {
    post({ type: 'runError', runId: r.id, message: e.message, key: e.key, params: e.params });
    r.done = true;
    return;
  }
  // Callback tasks (.waitForTaskToken) that nothing else answers wait for the page's
  // Success / Failure buttons: their handler only tells the page about the new token.
  const mocked = new Set(Object.keys(msg.mock?.StateMachines?.Playground?.TestCases?.Playground ?? {}));
  for (const node of machine.graph().nodes) {
    if (
      node.type === 'Task' &&
      typeof node.resource === 'string' &&
      node.resource.endsWith('.waitForTaskToken') &&
      !handlers[node.name] &&
      !mocked.has(node.name)
    ) {
      handlers[node.name] = () => {
        setTimeout(() => postTokens(r), 0);
      };
    }
  }
  const options = {
    input,
    handlers,
    clock: msg.clock === 'real' ? 'real' : 'virtual',
    seed: msg.seed,
    paused: !!msg.paused,
    limits: msg.limits,
    inspect: true,
    onEvent(event) {
      const nodeId = execution.nodeIdOf(event);
      const stateName = execution.stateNameOf(event);
      r.queue.push({ event, nodeId: nodeId ?? null, stateName: stateName ?? null });
      if (!execution.paused) scheduleFlush(r);
    },
  };
  if (msg.mock) {
    options.mock = msg.mock;
    options.testCase = 'Playground';
  }
  let execution;
  try {
    execution = machine.start(options);
  } catch (e) {
    post({ type: 'runError', runId: r.id, message: errorText(e) });
    r.done = true;
    return;
  }
  r.execution = execution;
  post({ type: 'started', runId: r.id, executionArn: execution.executionArn, paused: !!msg.paused });
  execution.result.then(
    (result) => {
      r.done = true;
      flush(r);
      post({ type: 'done', runId: r.id, result });
    },
    (e) => {
      r.done = true;
      flush(r);
      post({ type: 'runError', runId: r.id, message: errorText(e) });
    },
  );
}

async function step(msg) {
  const r = run;
  if (!r || r.id !== msg.runId || r.done || !r.execution) return;
  let event;
  try {
    event = await r.execution.step();
  } catch (e) {
    post({ type: 'runError', runId: r.id, message: errorText(e) });
    return;
  }
  flush(r);
  post({ type: 'stepped', runId: r.id, event: event ? event.id : null });
}

function inspect(msg) {
  const visits = [];
  const r = run;
  if (r?.execution && r.id === msg.runId) {
    try {
      for (const v of r.execution.inspections()) {
        if (r.execution.nodeIdOf(v.enteredEventId) === msg.nodeId) visits.push(v);
      }
    } catch {
      // disposed
    }
  }
  post({ type: 'inspection', requestId: msg.requestId, nodeId: msg.nodeId, visits });
}

function control(msg, f) {
  const r = run;
  if (!r || r.id !== msg.runId || !r.execution) return;
  try {
    f(r.execution);
  } catch (e) {
    post({ type: 'runError', runId: r.id, message: errorText(e), keepRunning: true });
  }
  if (!r.execution.paused) scheduleFlush(r);
}

self.onmessage = ({ data: msg }) => {
  switch (msg.type) {
    case 'start':
      return start(msg);
    case 'step':
      return step(msg);
    case 'resume':
      return control(msg, (x) => x.resume());
    case 'pause':
      return control(msg, (x) => x.pause());
    case 'stop':
      return control(msg, (x) => {
        // A run that ended meanwhile has nothing to stop.
        if (!run.done) x.stop('Aborted', 'Stopped from the playground');
      });
    case 'sendTaskSuccess':
      return control(msg, (x) => x.sendTaskSuccess(msg.token, msg.output));
    case 'sendTaskFailure':
      return control(msg, (x) => x.sendTaskFailure(msg.token, msg.error, msg.cause));
    case 'inspect':
      return inspect(msg);
    default:
  }
};

loadEngine().then(
  () => post({ type: 'ready' }),
  (e) => post({ type: 'loadError', message: errorText(e) }),
);
