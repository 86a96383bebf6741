// The dev page: loads a fixture graph into the view and fakes run statuses.
import { createGraphView, STATUSES } from '../view.js';

window.createGraphView = createGraphView;

const FIXTURES = ['delivery', 'hundred', 'nested', 'choices', 'hostile'];
const log = document.getElementById('log');
const selectedIds = [];

// ?elk=key=value;key=value overrides ELK options (to compare layouts).
const params = new URLSearchParams(location.search);
const layoutOptions = Object.fromEntries(
  (params.get('elk') ?? '')
    .split(';')
    .filter(Boolean)
    .map((kv) => kv.split('=')),
);

const view = createGraphView(document.getElementById('graph'), {
  layoutOptions,
  workerUrl: './elk-worker.js',
  onSelect(id) {
    selectedIds.push(id);
    log.textContent = `onSelect ${id}`;
  },
  t: (key) => key, // an empty catalogue: the view falls back to English
});

async function load(name) {
  const graph = await (await fetch(`fixtures/${name}.json`)).json();
  const t0 = performance.now();
  await view.setGraph(graph);
  current = graph;
  log.textContent = `${name}: ${graph.nodes.length} states laid out and drawn in ${Math.round(performance.now() - t0)} ms`;
  return graph;
}

const picker = document.getElementById('fixture');
for (const name of FIXTURES) {
  const o = document.createElement('option');
  o.value = o.textContent = name;
  picker.appendChild(o);
}
const initial = params.get('fixture') ?? 'delivery';
picker.value = initial;
picker.addEventListener('change', () => load(picker.value));

let current = null;
document.getElementById('simulate').addEventListener('click', async () => {
  const graph = current ?? (await (await fetch(`fixtures/${picker.value}.json`)).json());
  view.resetStatuses();
  graph.nodes.forEach((n, i) => view.setStatus(n.id, STATUSES[i % STATUSES.length]));
});
document.getElementById('reset').addEventListener('click', () => view.resetStatuses());
document.getElementById('select').addEventListener('change', (ev) => view.select(ev.target.value));

Object.assign(window, { view, load, selectedIds });
window.ready = load(initial);
