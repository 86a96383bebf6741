// Graph node statuses from history events: entered → running, exited → succeeded, a
// failure → failed; a failure that the execution got past at the same level (a Catch) →
// caught; a task scheduled again after a failure (a Retry) → retried. When the execution
// ends, states still running become failed (FAILED, TIMED_OUT) or aborted (ABORTED).

export function createStatusTracker({ parentOf, setStatus }) {
  const status = new Map();
  const pendingFailures = new Set();
  const retried = new Set();

  function set(id, s) {
    if (status.get(id) === s) return;
    status.set(id, s);
    setStatus(id, s);
  }

  function resolveFailures(enteredId) {
    const level = parentOf(enteredId);
    for (const id of pendingFailures) {
      if (id === enteredId || parentOf(id) === level) {
        set(id, 'caught');
        pendingFailures.delete(id);
      }
    }
  }

  function finish(kind) {
    const to = kind === 'ExecutionAborted' ? 'aborted' : kind === 'ExecutionSucceeded' ? null : 'failed';
    if (!to) return;
    for (const [id, s] of status) if (s === 'running') set(id, to);
  }

  return {
    apply({ event, nodeId }) {
      const type = event.type;
      if (!nodeId) {
        if (/^Execution(Failed|TimedOut|Aborted|Succeeded)$/.test(type)) finish(type);
        return;
      }
      if (type.endsWith('StateEntered')) {
        resolveFailures(nodeId);
        retried.delete(nodeId);
        set(nodeId, 'running');
      } else if (type.endsWith('StateExited')) {
        if (pendingFailures.delete(nodeId)) set(nodeId, 'caught');
        else set(nodeId, retried.has(nodeId) ? 'retried' : 'succeeded');
      } else if (/^MapIteration/.test(type)) {
        // iterations: the item processor's states carry their own statuses
      } else if (/(Failed|TimedOut)$/.test(type)) {
        set(nodeId, 'failed');
        pendingFailures.add(nodeId);
      } else if (/(Scheduled|StateStarted)$/.test(type) && pendingFailures.has(nodeId)) {
        pendingFailures.delete(nodeId);
        retried.add(nodeId);
        set(nodeId, 'retried');
      } else if (/Aborted$/.test(type)) {
        set(nodeId, 'aborted');
      }
    },
    /** A run ended without an execution event (its worker was replaced). */
    abortRunning() {
      finish('ExecutionAborted');
    },
    get(id) {
      return status.get(id) ?? null;
    },
    reset() {
      status.clear();
      pendingFailures.clear();
      retried.clear();
    },
  };
}
