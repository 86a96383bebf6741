// The graph view's UI text: the host's `t(key)` when it knows the key, English otherwise.

const ENGLISH = {
  'graph.zoomIn': 'Zoom in',
  'graph.zoomOut': 'Zoom out',
  'graph.fit': 'Fit to view',
  'graph.start': 'Start',
  'graph.end': 'End',
  // Optional keys: a host that does not define them gets these.
  'graph.branch': 'Branch {n}',
  'graph.mapIterations': 'Map iterations',
  'graph.distributed': 'distributed',
  'graph.label': 'State machine graph',
  'graph.layoutFailed': 'The graph could not be laid out: {message}',
  'status.running': 'running',
  'status.succeeded': 'succeeded',
  'status.failed': 'failed',
  'status.caught': 'failed, caught',
  'status.retried': 'retried',
  'status.aborted': 'aborted',
};

/**
 * `text(key, vars)`: the host's string for `key` (when `t` returns a non-empty string
 * other than the key itself), else the English one; `{name}` placeholders are filled
 * from `vars`.
 */
export function textLookup(t) {
  return (key, vars) => {
    let s;
    if (typeof t === 'function') {
      try {
        s = t(key);
      } catch {
        s = undefined;
      }
    }
    if (typeof s !== 'string' || s === '' || s === key) s = ENGLISH[key] ?? key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  };
}
