// The playground shell: editors on the left, the graph in the middle, events and the
// inspector on the right; runs go to a Web Worker (runner.js → run-worker.js).
import './app.css';
import { LANGUAGES, applyI18n, detectLanguage, language, onLanguageChange, setLanguage, t } from './i18n/index.js';
import { StateMachine, loadEngine, validate } from './engine.js';
import { createGraphView } from './graph/view.js';
import { CM_PHRASES, createDefinitionEditor, createJsonEditor, jumpTo, relint, setText, stateNames } from './editor.js';
import { createEventsTable } from './events-table.js';
import { createInspector } from './inspector.js';
import { answersFromMock, createAnswersPanel, emptyAnswer, runAnswers } from './answers.js';
import { createTokensPanel } from './tokens.js';
import { createRunner } from './runner.js';
import { createStatusTracker } from './statuses.js';
import { decodeShare, encodeShare } from './share.js';
import { EXAMPLES, exampleById } from './examples/index.js';
import { download, h } from './dom.js';

const $ = (id) => document.getElementById(id);

const app = {
  engineReady: false,
  graph: null,
  nodes: new Map(),
  taskKey: '',
  answers: {},
  lastStateNames: [],
  /** 'idle' | 'running' | 'paused' | a final status */
  runStatus: 'idle',
  result: null,
};

setLanguage(detectLanguage());

// ------------------------------------------------------------------ notices

function notice(message, { kind = 'info', extra } = {}) {
  const box = $('notice');
  box.className = `notice notice-${kind}`;
  box.replaceChildren(
    h('span', { class: 'notice-text' }, message),
    ...(extra ? [extra] : []),
    h('button', { type: 'button', class: 'small', 'aria-label': t('notice.close'), onclick: () => (box.hidden = true) }, '×'),
  );
  box.hidden = false;
}

// ------------------------------------------------------------------ tabs

const tabs = [...document.querySelectorAll('[role="tab"]')];
function selectTab(id) {
  for (const tab of tabs) {
    const on = tab.id === `tab-${id}`;
    tab.setAttribute('aria-selected', on ? 'true' : 'false');
    tab.tabIndex = on ? 0 : -1;
    $(tab.getAttribute('aria-controls')).hidden = !on;
  }
  if (id === 'definition') definitionView.requestMeasure();
  if (id === 'input') inputView.requestMeasure();
  // "Copy" copies the definition: shown with it only (on the Input tab it read as "copy the input").
  $('copy-definition').hidden = id !== 'definition';
}
for (const tab of tabs) {
  tab.addEventListener('click', () => selectTab(tab.id.slice(4)));
  tab.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(tab);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
    if (next === null) return;
    const target = tabs[(next + tabs.length) % tabs.length];
    selectTab(target.id.slice(4));
    target.focus();
  });
}

// ------------------------------------------------------------------ editors

let diagnostics = [];
const definitionView = createDefinitionEditor($('definition-editor'), {
  doc: '',
  validate: (text) => {
    if (!app.engineReady) return null;
    try {
      return validate(text);
    } catch (e) {
      return [{ code: 'INTERNAL', severity: 'ERROR', message: String(e.message ?? e) }];
    }
  },
  onDiagnostics: (list) => {
    // In the order of the text, as the gutter shows them.
    diagnostics = [...list].sort((a, b) => a.from - b.from || a.to - b.to);
    renderProblems();
  },
  onChange: (text) => {
    scheduleRefresh();
    // Once edited, the text is no longer the example: the picker says so, and picking the
    // example again restores it (picking the shown value fired no change).
    const id = $('examples').value;
    if (id && text !== exampleById(id).definition) $('examples').value = '';
  },
  getStateNames: () => {
    try {
      app.lastStateNames = stateNames(JSON.parse(definitionView.state.doc.toString()));
    } catch {
      // keep the last good list while the text is broken
    }
    return app.lastStateNames;
  },
  labels: { aria: () => t('editor.definition'), state: () => t('editor.stateName'), field: () => t('editor.aslField') },
});
const inputView = createJsonEditor($('input-editor'), { doc: '{}', label: () => t('editor.input') });

function renderProblems() {
  const box = $('problems');
  const errors = diagnostics.filter((d) => d.severity !== 'WARNING').length;
  const warnings = diagnostics.length - errors;
  $('problems-count').textContent = diagnostics.length ? t('problems.count', { errors, warnings }) : t('problems.none');
  $('problems-count').dataset.state = errors ? 'error' : warnings ? 'warning' : 'ok';
  box.replaceChildren(
    ...diagnostics.map((d) =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            class: `problem problem-${d.severity === 'WARNING' ? 'warning' : 'error'}`,
            dataset: { line: String(d.line), code: d.code },
            onclick: () => {
              selectTab('definition');
              jumpTo(definitionView, d.from, d.to);
            },
          },
          h('span', { class: 'problem-at' }, `${d.line}:${d.column}`),
          h('span', { class: 'problem-code' }, d.code),
          h('span', { class: 'problem-message' }, d.message),
        ),
      ),
    ),
  );
}

// ------------------------------------------------------------------ graph

const graphView = createGraphView($('graph'), {
  onSelect: (nodeId) => selectNode(nodeId),
  workerUrl: './elk-worker.js',
  t: (key) => t(key),
});
const tracker = createStatusTracker({
  parentOf: (id) => app.nodes.get(id)?.parent ?? null,
  setStatus: (id, s) => graphView.setStatus(id, s),
});

let refreshTimer = 0;
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refreshDefinition, 300);
}

/** Rebuilds the graph and the task list when the definition is valid. */
async function refreshDefinition() {
  clearTimeout(refreshTimer);
  if (!app.engineReady) return;
  const text = definitionView.state.doc.toString();
  let machine;
  try {
    machine = new StateMachine(text, { name: 'Playground' });
  } catch {
    $('graph').dataset.stale = 'true';
    showGraphNote(app.graph ? 'graph.stale' : 'graph.none');
    return;
  }
  showGraphNote(null);
  const graph = machine.graph();
  app.graph = graph;
  app.nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  app.lastStateNames = graph.nodes.map((n) => n.name);
  delete $('graph').dataset.stale;
  const key = tasks()
    .map((n) => `${n.name}\n${n.resource}`)
    .join('\n');
  if (key !== app.taskKey) {
    app.taskKey = key;
    answersPanel.render();
  }
  try {
    await graphView.setGraph(graph);
    // statuses of the current run survive a redraw
    for (const n of graph.nodes) {
      const s = tracker.get(n.id);
      if (s) graphView.setStatus(n.id, s);
    }
  } catch (e) {
    notice(t('graph.failed', { message: e.message }), { kind: 'error' });
  }
}

let graphNote = null;
function showGraphNote(key) {
  graphNote = key;
  $('graph-note').hidden = !key;
  $('graph-note').textContent = key ? t(key) : '';
}

function tasks() {
  return (app.graph?.nodes ?? []).filter((n) => n.type === 'Task');
}

// ------------------------------------------------------------------ answers, tokens

const answersPanel = createAnswersPanel($('answers'), {
  t,
  getTasks: tasks,
  getAnswers: () => app.answers,
  setAnswers: (a) => (app.answers = a),
  onError: (message) => notice(message, { kind: 'error' }),
  onNotice: (message) => notice(message),
});

const tokensPanel = createTokensPanel($('tokens'), {
  t,
  onSuccess: (token, output) => runner.sendTaskSuccess(token, output),
  onFailure: (token, error, cause) => runner.sendTaskFailure(token, error, cause),
});

// ------------------------------------------------------------------ events, inspector

const table = createEventsTable($('events-table'), {
  t,
  onSelect: (record) => {
    if (record.nodeId) graphView.select(record.nodeId);
    inspector.showEvent(record);
  },
});

const inspector = createInspector($('inspector'), {
  t,
  loadVisits: (nodeId) => runner.inspect(nodeId),
  describeNode: (nodeId) => app.nodes.get(nodeId),
  // A state's visit in the inspector: its entered event in the table.
  onVisit: (visit) => table.selectEvent(visit.enteredEventId),
  iterationOf,
  failureOf,
});

/**
 * The error of a state's visit that did not end well (failed, or left by a Catch), from the
 * history: its last failure event (a Task's TaskFailed, a JSONata EvaluationFailed, a Map's
 * MapStateFailed…); or, when the execution ended in that state, the execution's failure.
 * Null when the visit ended well (a retried error shows in errorDetails).
 */
function failureOf(visit) {
  const rows = table.rows();
  const nodeId = rows[visit.enteredEventId - 1]?.nodeId;
  if (!nodeId) return null;
  const errorOf = (event) => {
    const key = Object.keys(event).find((k) => k.endsWith('EventDetails'));
    const d = key ? event[key] : null;
    return d && (d.error !== undefined || d.cause !== undefined) ? { error: d.error, cause: d.cause } : null;
  };
  let found = null;
  for (let i = visit.enteredEventId; i < rows.length; i++) {
    const { event, nodeId: at } = rows[i];
    if (at !== nodeId) continue;
    // Left through a Catch: its error; left normally (after retries at most): none.
    if (/StateExited$/.test(event.type)) return visit.errorDetails?.catchIndex !== undefined ? found : null;
    if (/StateEntered$/.test(event.type)) return found;
    if (/(Failed|TimedOut)$/.test(event.type) && !event.type.startsWith('MapIteration')) found = errorOf(event) ?? found;
  }
  const last = rows.at(-1)?.event;
  return found ?? (last && /^Execution(Failed|TimedOut|Aborted)$/.test(last.type) ? errorOf(last) : null);
}

/**
 * The Map iteration an event belongs to: history events chain to the one before them in
 * the same branch or iteration (previousEventId); the first MapIterationStarted up the
 * chain names the innermost Map and the item's index.
 */
const iterations = { rows: null, memo: new Map() };
function iterationOf(eventId) {
  const rows = table.rows();
  if (iterations.rows !== rows) {
    iterations.rows = rows;
    iterations.memo = new Map();
  }
  const { memo } = iterations;
  // Walk up the chain; every event passed on the way gets the same answer (memoised, so
  // a state visited thousands of times costs one walk overall).
  const path = [];
  let id = rows[eventId - 1]?.event.previousEventId;
  let found = null;
  while (id > 0) {
    if (memo.has(id)) {
      found = memo.get(id);
      break;
    }
    const e = rows[id - 1]?.event;
    if (!e || e.type === 'MapStateStarted' || e.type === 'ExecutionStarted') break;
    if (e.type === 'MapIterationStarted') {
      found = e.mapIterationStartedEventDetails;
      break;
    }
    path.push(id);
    id = e.previousEventId;
  }
  for (const p of path) memo.set(p, found);
  return found;
}

function selectNode(nodeId) {
  graphView.select(nodeId);
  inspector.showNode(nodeId);
}

// ------------------------------------------------------------------ runs

const runner = createRunner({
  onEvents: (batch) => {
    table.append(batch);
    for (const r of batch) tracker.apply(r);
  },
  onTokens: (list) => tokensPanel.set(list),
  onDone: (result) => {
    if (result.forced) {
      tracker.abortRunning();
      result = { ...result, cause: t('run.forcedStop') };
    }
    app.result = result;
    setRunStatus(result.status);
    inspector.showResult(result);
  },
  onError: (message, m) => {
    notice(m?.key ? t(m.key, m.params) : message, { kind: 'error' });
    if (!m.keepRunning) setRunStatus('idle');
  },
  onWorkerError: (e) => notice(t('run.workerFailed', { message: e.message }), { kind: 'error' }),
});

function setRunStatus(s) {
  app.runStatus = s;
  $('show-result').hidden = !app.result;
  const el = $('run-status');
  el.dataset.status = s;
  el.textContent = s === 'idle' ? '' : t(`runStatus.${s}`);
  const active = s === 'running' || s === 'paused';
  $('stop').disabled = !active;
  $('run').disabled = !app.engineReady || s === 'running';
  $('step').disabled = !app.engineReady;
  $('run').textContent = s === 'paused' ? t('header.resume') : t('header.run');
  document.body.dataset.run = s;
  // The graph pane's frame shows how the execution ended.
  $('graph').closest('.pane').dataset.run = s;
}

// "lifted": no cap on payload size or transitions, and 500,000 history events instead of
// the service's 25,000 (a 10,000-item inline Map writes 80,000). Not unbounded: an endless
// loop reached ~1,030,000 events in 2 s and the engine ran out of memory ("internal
// engine error") before Stop could be pressed; at 500,000 it fails cleanly.
const LIFTED_LIMITS = { maxHistoryEvents: 500000, maxPayloadBytes: 0, maxTransitions: 0 };

function readSeed() {
  const n = Number($('seed').value);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/** Starts a run (paused: in step mode). Returns false when something blocks it. */
async function startRun({ paused = false } = {}) {
  if (!app.engineReady) return false;
  await refreshDefinition();
  const text = definitionView.state.doc.toString();
  const errors = validate(text).filter((d) => d.severity === 'ERROR');
  if (errors.length) {
    notice(t('run.definitionErrors', { n: errors.length }), { kind: 'error' });
    selectTab('definition');
    return false;
  }
  const input = inputView.state.doc.toString();
  try {
    JSON.parse(input.trim() === '' ? '{}' : input);
  } catch (e) {
    notice(t('run.badInput', { message: e.message }), { kind: 'error' });
    selectTab('input');
    return false;
  }
  let answers;
  try {
    answers = runAnswers(app.answers, tasks().map((n) => n.name));
  } catch (e) {
    notice(t('run.badAnswer', { message: e.message }), { kind: 'error' });
    selectTab('answers');
    return false;
  }
  $('notice').hidden = true;
  table.clear();
  tracker.reset();
  graphView.resetStatuses();
  tokensPanel.set([]);
  inspector.clear();
  app.result = null;
  setRunStatus(paused ? 'paused' : 'running');
  await runner.start({
    definition: text,
    input,
    clock: $('clock').value,
    seed: readSeed(),
    limits: $('limits').value === 'lifted' ? LIFTED_LIMITS : undefined,
    paused,
    mock: answers.mock,
    handlers: answers.handlers,
  });
  return true;
}

$('run').addEventListener('click', () => {
  if (app.runStatus === 'paused' && runner.running) {
    runner.setPaused(false);
    runner.resume();
    setRunStatus('running');
  } else startRun();
});
$('stop').addEventListener('click', () => runner.stop());
$('show-result').addEventListener('click', () => app.result && inspector.showResult(app.result));
// Ctrl/Cmd+Enter runs (or resumes) from anywhere, the editors included.
document.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !$('run').disabled) {
    e.preventDefault();
    $('run').click();
  }
});
$('step').addEventListener('click', async () => {
  if (runner.running && !runner.paused) {
    runner.pause();
    runner.setPaused(true);
    setRunStatus('paused');
    return;
  }
  if (runner.running) runner.step();
  else if (await startRun({ paused: true })) runner.step();
});

// ------------------------------------------------------------------ examples, share, export

function loadContent({ definition, input, answers, mock, testCase }) {
  if (runner.running) runner.kill();
  setText(definitionView, definition);
  setText(inputView, input ?? '{}');
  answersPanel.reset();
  app.answers = {};
  app.taskKey = '';
  if (answers) for (const [name, a] of Object.entries(answers)) app.answers[name] = { ...emptyAnswer(), ...a };
  table.clear();
  tracker.reset();
  tokensPanel.set([]);
  inspector.clear();
  app.result = null;
  setRunStatus('idle');
  refreshDefinition().then(() => {
    if (mock) answersPanel.importMock(mock, testCase);
    else answersPanel.render();
  });
}

function loadExample(id) {
  const ex = exampleById(id);
  $('examples').value = ex.id;
  loadContent({ definition: ex.definition, input: ex.input, answers: ex.answers ? structuredClone(ex.answers) : null, mock: ex.mock, testCase: ex.testCase });
}

function renderExamplePicker() {
  const select = $('examples');
  const value = select.value;
  select.replaceChildren(
    h('option', { value: '' }, t('header.examplesChoose')),
    ...EXAMPLES.map((ex) => h('option', { value: ex.id }, t(ex.title))),
  );
  select.value = value;
}
$('examples').addEventListener('change', () => {
  const id = $('examples').value;
  if (!id) return;
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  loadExample(id);
});

$('share').addEventListener('click', async () => {
  const fragment = await encodeShare({
    definition: definitionView.state.doc.toString(),
    input: inputView.state.doc.toString(),
    answers: app.answers,
  });
  const url = `${location.origin}${location.pathname}${location.search}${fragment}`;
  history.replaceState(null, '', fragment);
  const field = h('input', { type: 'text', readonly: true, value: url, class: 'share-url', 'aria-label': t('share.link') });
  let copied = false;
  try {
    await navigator.clipboard.writeText(url);
    copied = true;
  } catch {
    // no clipboard permission: the link is in the field and the address bar
  }
  // Links this long get cut by chat apps, mail and some servers (a 1 MB input made 340 KB).
  const long = url.length > 32000 ? ` ${t('share.long', { kb: Math.round(url.length / 1024) })}` : '';
  notice((copied ? t('share.copied') : t('share.ready')) + long, { kind: long ? 'warning' : 'info', extra: field });
  field.select();
});

$('export-history').addEventListener('click', () => {
  const events = table.rows().map((r) => r.event);
  // Nothing to save yet: an empty file would only puzzle.
  if (!events.length) return notice(t('events.empty'));
  download('history.json', `${JSON.stringify({ events }, null, 2)}\n`);
});

$('copy-definition').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(definitionView.state.doc.toString());
    notice(t('copy.done'));
  } catch {
    notice(t('copy.failed'), { kind: 'error' });
  }
});

// ------------------------------------------------------------------ language

const langSelect = $('lang');
langSelect.replaceChildren(...Object.entries(LANGUAGES).map(([code, l]) => h('option', { value: code }, l.name)));
langSelect.value = language();
langSelect.addEventListener('change', () => setLanguage(langSelect.value, { remember: true }));
onLanguageChange(() => {
  renderExamplePicker();
  renderProblems();
  showGraphNote(graphNote);
  setRunStatus(app.runStatus);
  table.relabel();
  graphView.relabel();
  inspector.relabel();
  tokensPanel.relabel();
  answersPanel.render();
  definitionView.relabel();
  inputView.relabel();
  translateEditors();
  document.title = t('app.title');
});
function translateEditors() {
  const map = Object.fromEntries(CM_PHRASES.map((p) => [p, t(`cm.${p}`)]));
  definitionView.setPhrases(map);
  inputView.setPhrases(map);
}
translateEditors();
applyI18n(document);
document.title = t('app.title');
renderExamplePicker();

// ------------------------------------------------------------------ start-up

/** Loads a shared link's content (never runs it); JS handlers in it are pointed out. */
function loadShared(shared) {
  $('examples').value = '';
  loadContent({ definition: shared.definition, input: shared.input, answers: shared.answers ?? null });
  const hasCode = Object.values(shared.answers ?? {}).some((a) => a?.mode === 'handler');
  notice(hasCode ? t('share.loadedWithCode') : t('share.loaded'));
  document.body.dataset.shared = 'true';
}

async function boot() {
  let shared = null;
  try {
    shared = await decodeShare(location.hash);
  } catch (e) {
    notice(t('share.broken', { message: e.message }), { kind: 'error' });
  }
  if (shared) {
    loadShared(shared);
  } else {
    loadExample('delivery');
  }
  setRunStatus('idle');
  try {
    await loadEngine();
  } catch (e) {
    const box = $('load-error');
    box.replaceChildren(h('p', {}, h('strong', {}, t('engine.failed')), ' ', h('code', {}, e.message)), h('p', {}, t('engine.failedHint')));
    box.hidden = false;
    document.body.dataset.engine = 'failed';
    return;
  }
  app.engineReady = true;
  document.body.dataset.engine = 'ready';
  setRunStatus('idle');
  // Lint again now that the engine can validate.
  relint(definitionView);
  await refreshDefinition();
  if (shared) answersPanel.render();
  else {
    const ex = exampleById($('examples').value || 'delivery');
    if (ex.mock) answersPanel.importMock(ex.mock, ex.testCase);
  }
  runner.ready().catch((e) => notice(t('run.workerFailed', { message: e.message }), { kind: 'error' }));
  document.body.dataset.ready = 'true';
}

window.addEventListener('hashchange', async () => {
  try {
    const shared = await decodeShare(location.hash);
    if (shared) {
      loadShared(shared);
    }
  } catch (e) {
    notice(t('share.broken', { message: e.message }), { kind: 'error' });
  }
});

boot();

// A small handle for the browser tests and the console (setting editor text the way a
// paste would).
window.__statelab = {
  setDefinition: (text) => setText(definitionView, text),
  setInput: (text) => setText(inputView, text),
  definitionText: () => definitionView.state.doc.toString(),
  inputText: () => inputView.state.doc.toString(),
  answers: () => app.answers,
  cursorLine: () => definitionView.state.doc.lineAt(definitionView.state.selection.main.head).number,
};
window.__statelab.setLimits = (value) => {
  $('limits').value = value === 'lifted' ? 'lifted' : 'service';
};
window.__statelab.eventCount = () => table.rows().length;
window.__statelab.setCursor = (pos) => jumpTo(definitionView, pos);
