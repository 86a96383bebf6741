// The page's side of the execution worker (run-worker.js): starts runs, forwards Stop,
// Step and task-token answers, and replaces the worker when it does not answer a Stop in
// time (a handler stuck in an endless loop): that run ends ABORTED.

const STOP_GRACE_MS = 600;

export function createRunner({ onEvents, onTokens, onDone, onError, onStarted, onStepped, onWorkerError }) {
  let worker = null;
  let ready = null;
  let runId = 0;
  let active = null; // { id, done, paused }
  let requests = 0;
  const pendingInspections = new Map();

  function spawn() {
    const w = new Worker(new URL('./run-worker.js', import.meta.url), { type: 'module' });
    worker = w;
    ready = new Promise((resolve, reject) => {
      w.onmessage = ({ data: m }) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'loadError') reject(new Error(m.message));
        else handle(m);
      };
      w.onerror = (e) => {
        e.preventDefault?.();
        const err = new Error(e.message || 'the execution worker failed to start');
        reject(err);
        onWorkerError?.(err);
      };
    });
    ready.catch(() => {});
    return ready;
  }

  function handle(m) {
    if (m.type === 'inspection') {
      pendingInspections.get(m.requestId)?.(m.visits);
      pendingInspections.delete(m.requestId);
      return;
    }
    if (!active || m.runId !== active.id) return;
    switch (m.type) {
      case 'started':
        onStarted?.(m);
        break;
      case 'events':
        onEvents(m.events);
        break;
      case 'tokens':
        onTokens(m.tokens);
        break;
      case 'stepped':
        onStepped?.(m);
        break;
      case 'done':
        active.done = true;
        clearTimeout(active.stopTimer);
        onTokens([]);
        onDone(m.result);
        break;
      case 'runError':
        if (!m.keepRunning) {
          active.done = true;
          clearTimeout(active.stopTimer);
        }
        onError(m.message, m);
        break;
      default:
    }
  }

  function send(message) {
    worker?.postMessage({ ...message, runId: active?.id });
  }

  return {
    /** Resolves when the worker has loaded the engine. */
    ready() {
      return worker ? ready : spawn();
    },
    async start(params) {
      if (!worker) spawn();
      if (active && !active.done) {
        // A run still going: the fresh worker is the quickest clean slate.
        this.kill();
      }
      const id = ++runId;
      active = { id, done: false, paused: !!params.paused, stopTimer: 0 };
      await ready;
      if (active.id !== id) return id;
      worker.postMessage({ type: 'start', runId: id, ...params });
      return id;
    },
    step() {
      if (active && !active.done) send({ type: 'step' });
    },
    resume() {
      if (active && !active.done) send({ type: 'resume' });
    },
    pause() {
      if (active && !active.done) send({ type: 'pause' });
    },
    /** Stops the run; a worker that does not answer in time is replaced. */
    stop() {
      if (!active || active.done) return;
      const run = active;
      send({ type: 'stop' });
      clearTimeout(run.stopTimer);
      run.stopTimer = setTimeout(() => {
        if (run.done || active !== run) return;
        this.kill();
        onDone({ status: 'ABORTED', error: 'Aborted', cause: 'The execution did not answer Stop; its worker was replaced.', forced: true });
      }, STOP_GRACE_MS);
    },
    /** Terminates the worker now and starts a fresh one. */
    kill() {
      if (active) active.done = true;
      worker?.terminate();
      for (const resolve of pendingInspections.values()) resolve([]);
      pendingInspections.clear();
      worker = null;
      spawn();
    },
    sendTaskSuccess(token, output) {
      send({ type: 'sendTaskSuccess', token, output });
    },
    sendTaskFailure(token, error, cause) {
      send({ type: 'sendTaskFailure', token, error, cause });
    },
    /** The recorded visits (data flow) of a graph node in the current run. */
    inspect(nodeId) {
      if (!active || !worker) return Promise.resolve([]);
      const requestId = ++requests;
      return new Promise((resolve) => {
        pendingInspections.set(requestId, resolve);
        send({ type: 'inspect', requestId, nodeId });
        setTimeout(() => {
          if (pendingInspections.delete(requestId)) resolve([]);
        }, 3000);
      });
    },
    get running() {
      return !!active && !active.done;
    },
    get paused() {
      return !!active && !active.done && active.paused;
    },
    setPaused(p) {
      if (active) active.paused = p;
    },
  };
}
