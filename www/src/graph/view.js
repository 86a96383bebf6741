// The playground's graph view: the package's Graph model drawn as SVG, laid out by
// elkjs in a Web Worker, with zoom, pan, keyboard selection and run statuses.
//
//   const view = createGraphView(element, { onSelect, workerUrl, t });
//   await view.setGraph(graph); view.setStatus(id, 'running'); view.select(id);

import './graph.css';
import ELKModule from 'elkjs/lib/elk-api.js';
import { buildElkGraph, readLayout } from './layout.js';
import { createMeasurer } from './measure.js';
import { BADGES, createDefs, drawScene, el, nodeLabel } from './draw.js';
import { createZoom } from './zoom.js';
import { textLookup } from './text.js';

export const STATUSES = Object.freeze(['running', 'succeeded', 'failed', 'caught', 'retried', 'aborted']);
const STATUS_SET = new Set(STATUSES);

/**
 * A first view shows all of a graph when that takes a scale of at least FIT_MIN;
 * a bigger graph is shown from its top at READABLE_SCALE (names below ~9 px are hard
 * to read).
 */
const FIT_MIN = 0.55;
const READABLE_SCALE = 0.7;

let views = 0;

/**
 * Creates the view inside `container` (which should have a size: the view fills it).
 * Options: `onSelect(nodeId)`, `workerUrl` (elkjs's elk-worker.min.js), `t(key)`;
 * `layoutOptions` (ELK options over the defaults) is for experiments.
 */
export function createGraphView(container, options = {}) {
  const onSelect = typeof options.onSelect === 'function' ? options.onSelect : null;
  const workerUrl = options.workerUrl ?? './elk-worker.js';
  const text = textLookup(options.t);
  const uid = `slg${++views}`;
  const measure = createMeasurer();

  // ---- DOM
  const root = document.createElement('div');
  root.className = 'sl-graph';
  root.dataset.state = 'empty';
  const svg = el('svg', { class: 'sl-graph-svg', role: 'group', tabindex: -1 });
  root.appendChild(svg);
  createDefs(svg, uid);
  const viewport = el('g', { class: 'sl-viewport' }, svg);
  const toolbar = document.createElement('div');
  toolbar.className = 'sl-toolbar';
  const button = (key, label, action) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'sl-tool';
    b.dataset.action = key;
    if (typeof label === 'string') b.textContent = label;
    else b.appendChild(label);
    b.addEventListener('click', action);
    toolbar.appendChild(b);
    return b;
  };
  button('zoomIn', '+', () => zoom.zoomBy(1.25, undefined, undefined, true));
  button('zoomOut', '−', () => zoom.zoomBy(0.8, undefined, undefined, true));
  // Four corners: an icon every platform draws the same (no font has to have it).
  const fitIcon = el('svg', { viewBox: '0 0 16 16', width: 15, height: 15, 'aria-hidden': 'true', class: 'sl-tool-icon' });
  el('path', { d: 'M1.5 5.5v-4h4M10.5 1.5h4v4M14.5 10.5v4h-4M5.5 14.5h-4v-4' }, fitIcon);
  button('fit', fitIcon, () => fit());
  root.appendChild(toolbar);
  // A key to the status colours, shown while any state has a status.
  const legend = document.createElement('div');
  legend.className = 'sl-legend';
  legend.hidden = true;
  for (const st of STATUSES) {
    const item = document.createElement('span');
    item.className = 'sl-legend-item';
    item.dataset.status = st;
    const icon = el('svg', { class: 'sl-legend-icon', viewBox: '-9 -9 18 18', width: 14, height: 14, 'aria-hidden': 'true' }, item);
    el('circle', { r: 8.5 }, icon);
    el('path', { d: BADGES[st] }, icon);
    item.append(document.createTextNode(''));
    legend.appendChild(item);
  }
  root.appendChild(legend);

  /** Puts the UI text (from `t`) into the toolbar, the key and the SVG's label. */
  function labelChrome() {
    svg.setAttribute('aria-label', text('graph.label'));
    for (const b of toolbar.children) {
      b.title = text(`graph.${b.dataset.action}`);
      b.setAttribute('aria-label', b.title);
    }
    for (const item of legend.children) item.lastChild.textContent = text(`status.${item.dataset.status}`);
  }
  labelChrome();
  const message = document.createElement('div');
  message.className = 'sl-message';
  message.hidden = true;
  root.appendChild(message);
  container.appendChild(root);

  const zoom = createZoom(svg, viewport, {
    onChange(t) {
      // The dot grid moves and scales with the drawing.
      let step = 20 * t.k;
      while (step < 10) step *= 2;
      root.style.backgroundSize = `${step}px ${step}px`;
      root.style.backgroundPosition = `${t.x}px ${t.y}px`;
    },
  });

  // ---- state
  let scene = null; // the drawn scene
  let sceneRoot = null;
  let elements = new Map(); // node id → { g, badge, node, box, status }
  const statuses = new Map(); // node id → status, kept across setGraph
  let selected = null;
  let destroyed = false;

  // ---- ELK: one instance (one worker) for the view's lifetime.
  let elk = null;
  let workerBroken = null; // rejects the layout in flight when the worker fails to load
  function getElk() {
    if (!elk) {
      const ELK = ELKModule.default ?? ELKModule;
      elk = new ELK({
        workerUrl,
        algorithms: ['layered'],
        workerFactory(url) {
          const w = new Worker(url);
          w.addEventListener('error', (ev) => {
            const err = new Error(`the layout worker failed (${url}): ${ev.message || 'could not load'}`);
            try {
              elk?.terminateWorker();
            } catch {
              /* already gone */
            }
            elk = null;
            workerBroken?.(err);
          });
          return w;
        },
      });
    }
    return elk;
  }

  function layoutInWorker(input) {
    return new Promise((resolve, reject) => {
      workerBroken = reject;
      getElk().layout(input).then(resolve, reject);
    }).finally(() => {
      workerBroken = null;
    });
  }

  // Start the worker now: it loads while the page does the rest.
  try {
    getElk();
  } catch {
    /* no Worker here: setGraph will say so */
  }

  // ---- setGraph: the newest call wins; older ones resolve without drawing.
  let queued = null; // { graph, waiters }
  let busy = false;
  let drawnKey = null; // the JSON of the graph on screen: the same graph again is not laid out again
  let drawnGraph = null;
  let inFlight = null; // the graph being laid out

  function setGraph(graph) {
    return new Promise((resolve, reject) => {
      if (destroyed) return resolve();
      if (queued) for (const w of queued.waiters) w.resolve();
      queued = { graph, waiters: [{ resolve, reject }] };
      if (!busy) pump();
    });
  }

  async function pump() {
    busy = true;
    while (queued && !destroyed) {
      const job = queued;
      queued = null;
      inFlight = job.graph;
      try {
        if (!job.graph || !Array.isArray(job.graph.nodes) || job.graph.nodes.length === 0) {
          clear();
          for (const w of job.waiters) w.resolve();
          continue;
        }
        const key = JSON.stringify(job.graph);
        if (key === drawnKey && scene) {
          for (const w of job.waiters) w.resolve();
          continue;
        }
        root.dataset.state = 'layout';
        const input = buildElkGraph(job.graph, { measure, text, layoutOptions: options.layoutOptions });
        const t0 = performance.now();
        const result = await layoutInWorker(input.elk);
        const ms = Math.round(performance.now() - t0);
        if (destroyed || queued) {
          // Destroyed, or a newer graph came in while this one was laid out.
          for (const w of job.waiters) w.resolve();
          continue;
        }
        render(readLayout(result, input));
        drawnKey = key;
        drawnGraph = job.graph;
        root.dataset.layoutMs = String(ms);
        root.dataset.state = 'ready';
        showMessage(null);
        for (const w of job.waiters) w.resolve();
      } catch (err) {
        if (destroyed) {
          for (const w of job.waiters) w.resolve();
          break;
        }
        drawnKey = null;
        root.dataset.state = 'error';
        showMessage(text('graph.layoutFailed', { message: err?.message ?? String(err) }));
        for (const w of job.waiters) w.reject(err);
      }
    }
    busy = false;
    inFlight = null;
  }

  function showMessage(msg) {
    message.hidden = !msg;
    message.textContent = msg ?? '';
  }

  function clear() {
    drawnKey = null;
    drawnGraph = null;
    sceneRoot?.remove();
    sceneRoot = null;
    scene = null;
    elements = new Map();
    root.dataset.state = 'empty';
  }

  // ---- drawing
  function render(next) {
    const before = scene ? anchorOf() : null;
    const oldIds = new Set(elements.keys());
    const drawn = drawScene(next, { uid, text });
    sceneRoot?.remove();
    viewport.appendChild(drawn.root);
    sceneRoot = drawn.root;
    scene = next;
    elements = drawn.elements;
    for (const [id, s] of statuses) {
      const e = elements.get(id);
      if (e) applyStatus(e, s);
    }
    if (selected && elements.has(selected)) highlight(selected);

    let kept = 0;
    for (const id of elements.keys()) if (oldIds.has(id)) kept++;
    const similar = before && kept >= 0.5 * Math.max(oldIds.size, elements.size);
    if (!similar) {
      firstView();
    } else if (before.id && elements.has(before.id)) {
      // Keep the zoom, and keep the node nearest the middle where it was on screen.
      const b = elements.get(before.id).box;
      const t = zoom.get();
      zoom.set({ x: before.sx - (b.x + b.w / 2) * t.k, y: before.sy - (b.y + b.h / 2) * t.k, k: t.k });
    }
  }

  /** The selected node if it is on screen, else the node nearest the middle, with its screen position. */
  function anchorOf() {
    const t = zoom.get();
    const r = svg.getBoundingClientRect();
    const screen = (box) => ({ sx: (box.x + box.w / 2) * t.k + t.x, sy: (box.y + box.h / 2) * t.k + t.y });
    if (selected && elements.has(selected)) {
      const p = screen(elements.get(selected).box);
      if (p.sx >= 0 && p.sy >= 0 && p.sx <= r.width && p.sy <= r.height) return { id: selected, ...p };
    }
    let best = null;
    for (const [id, e] of elements) {
      const p = screen(e.box);
      const d = Math.hypot(p.sx - r.width / 2, p.sy - r.height / 2);
      if (!best || d < best.d) best = { id, d, ...p };
    }
    return best ?? {};
  }

  /** All of a small graph; the top of a big one at a readable scale. */
  let firstViewPending = false;
  function firstView() {
    if (!scene) return;
    const r = svg.getBoundingClientRect();
    // A hidden panel has no size yet: place the drawing when it gets one.
    firstViewPending = !(r.width > 0 && r.height > 0);
    if (firstViewPending) return;
    const box = { x: 0, y: 0, w: scene.width, h: scene.height };
    const margin = 16;
    const k = Math.min(1, (r.width - 2 * margin) / box.w, (r.height - 2 * margin) / box.h);
    if (k >= FIT_MIN) {
      zoom.fitBox(box, { margin, maxScale: 1 });
      return;
    }
    const start = scene.boxes.find((b) => b.kind === 'start');
    const kr = READABLE_SCALE;
    // Centred when it fits across; else around the start, without empty space at a side.
    let x = (r.width - box.w * kr) / 2;
    if (box.w * kr > r.width) {
      const centred = r.width / 2 - (start ? start.x + start.w / 2 : box.w / 2) * kr;
      x = Math.min(margin, Math.max(r.width - margin - box.w * kr, centred));
    }
    zoom.set({ x, y: margin, k: kr });
  }

  function fit() {
    if (!scene) return;
    zoom.fitBox({ x: 0, y: 0, w: scene.width, h: scene.height }, { margin: 16, maxScale: 1, animate: true });
  }

  // ---- statuses
  function applyStatus(e, s) {
    if (e.status === s) return;
    e.status = s;
    e.g.setAttribute('data-status', s ?? '');
    e.badge.setAttribute('d', s ? BADGES[s] : '');
    e.g.setAttribute('aria-label', nodeLabel(e.node, s, text));
  }

  function setStatus(nodeId, status) {
    const s = STATUS_SET.has(status) ? status : null;
    if (s) statuses.set(nodeId, s);
    else statuses.delete(nodeId);
    const e = elements.get(nodeId);
    if (e) applyStatus(e, s);
    if (legend.hidden === (statuses.size > 0)) legend.hidden = statuses.size === 0;
  }

  function resetStatuses() {
    statuses.clear();
    legend.hidden = true;
    for (const e of elements.values()) if (e.status) applyStatus(e, null);
  }

  // ---- selection
  function highlight(nodeId) {
    if (selected && elements.has(selected)) elements.get(selected).g.removeAttribute('data-selected');
    for (const edge of sceneRoot?.querySelectorAll('.sl-edge[data-active]') ?? []) edge.removeAttribute('data-active');
    selected = nodeId ?? null;
    const e = selected ? elements.get(selected) : null;
    if (e) {
      e.g.setAttribute('data-selected', 'true');
      // The selected state's transitions stand out.
      for (const edge of sceneRoot.querySelectorAll('.sl-edge[data-edge-id]')) {
        if (edge.getAttribute('data-from') === selected || edge.getAttribute('data-to') === selected) {
          edge.setAttribute('data-active', edge.getAttribute('data-from') === selected ? 'out' : 'in');
        }
      }
    }
    return e;
  }

  function select(nodeId) {
    const e = highlight(nodeId);
    if (e) zoom.reveal(e.box);
  }

  function nodeOf(target) {
    const g = target?.closest?.('[data-node-id]');
    return g && svg.contains(g) ? g : null;
  }

  function choose(g) {
    const id = g.getAttribute('data-node-id');
    highlight(id);
    onSelect?.(id);
  }

  // Clicks and keys on states (event delegation: one listener for all nodes).
  let lastPointerDown = 0;
  svg.addEventListener('pointerdown', () => {
    lastPointerDown = performance.now();
  });
  svg.addEventListener('click', (ev) => {
    const g = nodeOf(ev.target);
    if (g) return choose(g);
    // A click on a branch or item processor (not on a state in it) picks its Parallel or Map.
    const box = ev.target.closest?.('[data-container-id]');
    const owner = box && elements.get(box.getAttribute('data-owner-id'));
    if (owner) choose(owner.g);
  });
  svg.addEventListener('keydown', (ev) => {
    const g = nodeOf(ev.target);
    if (g && (ev.key === 'Enter' || ev.key === ' ')) {
      ev.preventDefault();
      choose(g);
    } else if (ev.key === '+' || ev.key === '=') {
      zoom.zoomBy(1.25, undefined, undefined, true);
    } else if (ev.key === '-' || ev.key === '_') {
      zoom.zoomBy(0.8, undefined, undefined, true);
    } else if (ev.key === '0') {
      fit();
    }
  });
  // Tabbing to a state off screen brings it into view (a click already sees it).
  svg.addEventListener('focusin', (ev) => {
    const g = nodeOf(ev.target);
    if (!g || performance.now() - lastPointerDown < 400) return;
    const e = elements.get(g.getAttribute('data-node-id'));
    if (e) zoom.reveal(e.box);
  });
  const resizeObserver =
    typeof ResizeObserver === 'function'
      ? new ResizeObserver(() => {
          if (firstViewPending) firstView();
        })
      : null;
  resizeObserver?.observe(root);

  // Focusing an element may scroll the overflow-hidden wrapper: undo it.
  const unscroll = () => {
    if (root.scrollTop || root.scrollLeft) {
      root.scrollTop = 0;
      root.scrollLeft = 0;
    }
  };
  root.addEventListener('scroll', unscroll);

  /** After the language changed: new UI text, and the graph drawn again with it. */
  function relabel() {
    labelChrome();
    // A queued graph will be laid out with the new text; one being laid out now is not.
    if (queued) return Promise.resolve();
    const graph = busy ? inFlight : drawnGraph;
    if (!graph) return Promise.resolve();
    drawnKey = null;
    return setGraph(graph);
  }

  function destroy() {
    if (destroyed) return;
    destroyed = true;
    if (queued) for (const w of queued.waiters) w.resolve();
    queued = null;
    zoom.destroy();
    resizeObserver?.disconnect();
    try {
      elk?.terminateWorker();
    } catch {
      /* already gone */
    }
    elk = null;
    workerBroken?.(new Error('the graph view was destroyed'));
    root.remove();
  }

  return { setGraph, setStatus, resetStatuses, select, fit, relabel, destroy, element: root };
}
