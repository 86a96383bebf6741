// SVG for a laid-out scene. Every piece of text from the definition (state names,
// conditions, error names) goes in through textContent or setAttribute, never as markup.

const SVG = 'http://www.w3.org/2000/svg';

export function el(name, attrs, parent) {
  const e = document.createElementNS(SVG, name);
  if (attrs) for (const [k, v] of Object.entries(attrs)) if (v != null) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

function textEl(content, attrs, parent) {
  const t = el('text', attrs, parent);
  t.textContent = content;
  return t;
}

function titleEl(content, parent) {
  const t = el('title', null, parent);
  t.textContent = content;
  return t;
}

/** 16×16 glyphs per state type, stroked. */
const GLYPHS = {
  Task: 'M2.5 2.5h11a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1zM1.5 5.5h13M4.5 8.5h7M4.5 11h4',
  Choice: 'M8 1.2L14.8 8 8 14.8 1.2 8z',
  Pass: 'M1.5 8h12M9.5 4l4 4-4 4',
  Wait: 'M8 1.5a6.5 6.5 0 1 1 0 13a6.5 6.5 0 1 1 0-13zM8 4.2V8l2.8 1.8',
  Succeed: 'M8 1.5a6.5 6.5 0 1 1 0 13a6.5 6.5 0 1 1 0-13zM5 8.2l2.1 2.1 4-4.3',
  Fail: 'M8 1.5a6.5 6.5 0 1 1 0 13a6.5 6.5 0 1 1 0-13zM5.6 5.6l4.8 4.8M10.4 5.6l-4.8 4.8',
  Parallel: 'M2 2.5h12M2 13.5h12M5 5v6M8 5v6M11 5v6',
  Map: 'M4.5 1.5h10v10M2.5 3.5h10v10M1.5 5.5h9v9h-9z',
};

/** Status badges, drawn around (0, 0) inside an 8px circle. */
export const BADGES = {
  running: 'M-2 -3.4L3.6 0-2 3.4z',
  succeeded: 'M-3.4 0.1L-1 2.6 3.5-2.4',
  failed: 'M-2.8-2.8L2.8 2.8M2.8-2.8L-2.8 2.8',
  caught: 'M0-3.8V0.8M0 3.3v0.1',
  retried: 'M3 1.6A3.4 3.4 0 1 1 2.4-2.4M3.4-4.2V-1.6H0.8',
  aborted: 'M-2.6-2.6h5.2v5.2h-5.2z',
};

export function createDefs(svg, uid) {
  const defs = el('defs', null, svg);
  for (const kind of ['next', 'choice', 'default', 'catch', 'marker']) {
    const m = el(
      'marker',
      {
        id: `${uid}-arrow-${kind}`,
        class: `sl-arrow sl-arrow-${kind}`,
        viewBox: '0 0 10 10',
        refX: 9,
        refY: 5,
        markerWidth: 9,
        markerHeight: 9,
        markerUnits: 'userSpaceOnUse',
        orient: 'auto-start-reverse',
      },
      defs,
    );
    el('path', { d: 'M0.5 1L9.5 5 0.5 9z' }, m);
  }
  return defs;
}

/** A path through `points` with rounded corners. */
export function roundedPath(points, radius = 7) {
  if (points.length === 0) return '';
  const f = (n) => Math.round(n * 10) / 10;
  let d = `M${f(points[0].x)} ${f(points[0].y)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i - 1];
    const c = points[i];
    const n = points[i + 1];
    const d1 = Math.hypot(c.x - p.x, c.y - p.y);
    const d2 = Math.hypot(n.x - c.x, n.y - c.y);
    const r = Math.min(radius, d1 / 2, d2 / 2);
    if (r < 0.5) {
      d += `L${f(c.x)} ${f(c.y)}`;
      continue;
    }
    const a = { x: c.x + ((p.x - c.x) / d1) * r, y: c.y + ((p.y - c.y) / d1) * r };
    const b = { x: c.x + ((n.x - c.x) / d2) * r, y: c.y + ((n.y - c.y) / d2) * r };
    d += `L${f(a.x)} ${f(a.y)}Q${f(c.x)} ${f(c.y)} ${f(b.x)} ${f(b.y)}`;
  }
  const last = points[points.length - 1];
  d += `L${f(last.x)} ${f(last.y)}`;
  return d;
}

/** The accessible name of a state's element. */
export function nodeLabel(node, status, text) {
  const base = `${node.name} (${node.type})`;
  return status ? `${base}: ${text(`status.${status}`)}` : base;
}

function tooltip(node) {
  const lines = [String(node.name)];
  lines.push(node.resource ? `${node.type} · ${node.resource}` : node.type);
  if (Array.isArray(node.retry) && node.retry.length) {
    lines.push(`Retry: ${node.retry.map((r) => r.join(', ')).join(' | ')}`);
  }
  if (node.comment) lines.push(node.comment);
  return lines.join('\n');
}

function badge(group, w) {
  const g = el('g', { class: 'sl-badge', transform: `translate(${w - 3} 3)`, 'aria-hidden': 'true' }, group);
  el('circle', { r: 8.5 }, g);
  return el('path', { d: '' }, g);
}

function stateGroup(box, layer, text) {
  const n = box.node;
  const g = el(
    'g',
    {
      class: box.kind === 'owner' ? 'sl-node sl-owner' : 'sl-node',
      transform: `translate(${box.x} ${box.y})`,
      tabindex: 0,
      role: 'button',
      'data-node-id': n.id,
      'data-type': n.type,
      'data-status': '',
      'aria-label': nodeLabel(n, null, text),
    },
    layer,
  );
  titleEl(tooltip(n), g);
  return g;
}

function drawLeaf(box, layer, text) {
  const g = stateGroup(box, layer, text);
  const { w, h } = box;
  el('rect', { class: 'sl-halo', x: -5, y: -5, width: w + 10, height: h + 10, rx: 12 }, g);
  el('rect', { class: 'sl-box', width: w, height: h, rx: 8 }, g);
  el('path', { class: 'sl-glyph', d: GLYPHS[box.node.type] ?? GLYPHS.Task, transform: 'translate(13 15)' }, g);
  textEl(box.display.name, { class: 'sl-name', x: 38, y: 20 }, g);
  textEl(box.display.sub, { class: 'sl-sub', x: 38, y: 35 }, g);
  if (Array.isArray(box.node.retry) && box.node.retry.length) {
    el('path', { class: 'sl-retry-mark', d: 'M3 1.6A3.4 3.4 0 1 1 2.4-2.4M3.4-4.2V-1.6H0.8', transform: `translate(${w - 14} ${h - 14.5}) scale(0.95)` }, g);
  }
  return { g, badge: badge(g, w) };
}

/** A Parallel or Map state: header, frame and badge (its background is with the boxes). */
function drawOwner(box, layer, text) {
  const { w, h } = box;
  const g = stateGroup(box, layer, text);
  const head = 34;
  el('rect', { class: 'sl-halo', x: -5, y: -5, width: w + 10, height: h + 10, rx: 14 }, g);
  el('path', { class: 'sl-header', d: `M0 10a10 10 0 0 1 10-10h${w - 20}a10 10 0 0 1 10 10v${head - 10}h${-w}z` }, g);
  el('rect', { class: 'sl-frame', width: w, height: h, rx: 10 }, g);
  el('path', { class: 'sl-glyph', d: GLYPHS[box.node.type] ?? GLYPHS.Parallel, transform: 'translate(13 9)' }, g);
  textEl(box.display.name, { class: 'sl-name', x: 38, y: 22 }, g);
  textEl(box.node.type.toUpperCase(), { class: 'sl-caption sl-owner-type', x: w - 16, y: 21, 'text-anchor': 'end' }, g);
  return { g, badge: badge(g, w) };
}

function drawContainer(box, layer) {
  const c = box.container;
  const g = el('g', { class: `sl-container sl-container-${c.kind === 'ItemProcessor' ? 'map' : 'branch'}`, 'data-container-id': c.id, 'data-owner-id': c.owner, transform: `translate(${box.x} ${box.y})` }, layer);
  if (c.kind === 'ItemProcessor') {
    // A stack of cards: one processor, many iterations.
    el('rect', { class: 'sl-container-stack', x: 6, y: 6, width: box.w - 6, height: box.h - 6, rx: 8 }, g);
    el('rect', { class: 'sl-container-stack', x: 3, y: 3, width: box.w - 3, height: box.h - 3, rx: 8 }, g);
    el('rect', { class: 'sl-container-box', width: box.w - 6, height: box.h - 6, rx: 8 }, g);
  } else {
    el('rect', { class: 'sl-container-box', width: box.w, height: box.h, rx: 8 }, g);
  }
  textEl(box.caption, { class: 'sl-caption', x: 12, y: 18 }, g);
  return g;
}

function drawMarker(box, layer, text) {
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const r = box.w / 2 - 1;
  const g = el('g', { class: `sl-marker sl-marker-${box.kind}`, 'data-marker': box.kind, role: 'img' }, layer);
  const label = text(box.kind === 'start' ? 'graph.start' : 'graph.end');
  g.setAttribute('aria-label', label);
  titleEl(label, g);
  if (box.kind === 'start') {
    el('circle', { cx, cy, r }, g);
    textEl(label, { class: 'sl-caption', x: cx - r - 6, y: cy + 4, 'text-anchor': 'end' }, g);
  } else {
    el('circle', { class: 'sl-marker-ring', cx, cy, r }, g);
    el('circle', { class: 'sl-marker-dot', cx, cy, r: r - 4.5 }, g);
  }
}

function drawEdge(e, layer, uid) {
  const attrs = { class: `sl-edge sl-edge-${e.kind}` };
  if (e.edge) {
    attrs['data-edge-id'] = e.edge.id;
    attrs['data-kind'] = e.kind;
    attrs['data-from'] = e.edge.from;
    attrs['data-to'] = e.edge.to;
  } else {
    attrs['data-marker-edge'] = e.marker;
  }
  const g = el('g', attrs, layer);
  if (e.points.length >= 2) {
    el('path', { class: 'sl-edge-path', d: roundedPath(e.points), 'marker-end': `url(#${uid}-arrow-${e.kind})` }, g);
  }
  if (e.label) {
    const l = e.label;
    const lg = el('g', { class: 'sl-edge-label', transform: `translate(${l.x} ${l.y})` }, g);
    titleEl(l.full, lg);
    el('rect', { width: l.w, height: l.h, rx: 4 }, lg);
    textEl(l.text, { x: l.w / 2, y: l.h / 2, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, lg);
  }
  return g;
}

/**
 * Draws `scene` into a fresh <g>. Returns it with a map from node id to
 * `{ g, badge, node }` for status updates.
 */
export function drawScene(scene, { uid, text }) {
  const root = el('g', { class: 'sl-scene' });
  const back = el('g', { class: 'sl-layer-boxes' }, root);
  const edgeLayer = el('g', { class: 'sl-layer-edges' }, root);
  const markerLayer = el('g', { class: 'sl-layer-markers' }, root);
  const nodeLayer = el('g', { class: 'sl-layer-nodes' }, root);
  const elements = new Map();

  // Boxes behind everything, outer ones first (an owner's level is below its containers').
  const boxes = [...scene.boxes].sort((a, b) => a.level - b.level);
  for (const box of boxes) {
    if (box.kind === 'container') drawContainer(box, back);
    else if (box.kind === 'owner') el('rect', { class: 'sl-owner-bg', x: box.x, y: box.y, width: box.w, height: box.h, rx: 10 }, back);
  }
  for (const e of scene.edges) drawEdge(e, edgeLayer, uid);
  for (const box of scene.boxes) {
    if (box.kind === 'start' || box.kind === 'end') drawMarker(box, markerLayer, text);
  }
  // States in definition order, so Tab follows the definition.
  const states = scene.boxes.filter((b) => b.kind === 'node' || b.kind === 'owner').sort((a, b) => a.order - b.order);
  for (const box of states) {
    const drawn = box.kind === 'owner' ? drawOwner(box, nodeLayer, text) : drawLeaf(box, nodeLayer, text);
    elements.set(box.node.id, { ...drawn, node: box.node, box });
  }
  return { root, elements };
}
