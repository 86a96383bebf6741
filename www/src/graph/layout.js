// From the package's Graph model to an ELK graph (sizes measured, labels truncated),
// and from ELK's answer to a scene in absolute coordinates that draw.js renders.
//
// ELK ids are short generated ones (`n3`, `c1`, `e7`): state names are data and JSON
// Pointers can hold any character. Each state is a node; a Parallel or Map state is a
// compound node holding its containers (branches, item processor), which hold their
// states. An edge lives in the ELK node of its endpoints' nearest common ancestor;
// ELK reports its coordinates relative to `edge.container`.

import { FONTS, fitText } from './measure.js';

export const SIZES = {
  nodeHeight: 46,
  nodeMinWidth: 132,
  nodeMaxWidth: 248,
  /** Left padding, glyph, gap: where the text starts. */
  textLeft: 38,
  textRight: 16,
  marker: 20,
  labelMaxWidth: 190,
  labelPadX: 7,
  labelHeight: 19,
  ownerHeader: 40,
  containerHeader: 26,
  pad: 14,
};

const SPACING = {
  'elk.spacing.nodeNode': '28',
  'elk.layered.spacing.nodeNodeBetweenLayers': '34',
  'elk.spacing.edgeNode': '16',
  'elk.spacing.edgeEdge': '12',
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '10',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.labelNode': '6',
};

const ROOT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
  // Brandes-Köpf keeps a long machine's main path straight (network simplex let it
  // drift sideways stage after stage: 4000 px wide for the 100-state fixture, not 1300)
  // and is faster. Its default alignment (the narrowest of four) beat BALANCED, which
  // drifted too (2600 px).
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.crossingMinimization.semiInteractive': 'false',
  'elk.edgeLabels.inline': 'false',
  'elk.padding': '[top=24,left=24,bottom=24,right=24]',
  ...SPACING,
};

const KIND = { Next: 'next', Default: 'default', Choice: 'choice', Catch: 'catch' };

/** A short description of a Task's resource: `lambda:invoke`, `lambda my-fn`, `sns:publish`. */
export function resourceText(resource) {
  if (typeof resource !== 'string') return '';
  const integration = /^arn:[^:]+:states:::(.+)$/.exec(resource);
  if (integration) return integration[1];
  const fn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(resource);
  if (fn) return `lambda ${fn[1]}`;
  const activity = /^arn:[^:]+:states:[^:]*:[^:]*:activity:(.+)$/.exec(resource);
  if (activity) return `activity ${activity[1]}`;
  return resource.split(':').slice(-2).join(':');
}

/** The second line of a state's box. */
function subText(node) {
  if (node.type === 'Task') {
    const r = resourceText(node.resource);
    return r ? `Task · ${r}` : 'Task';
  }
  return node.type;
}

/**
 * A compound node's minimum width. elkjs 0.12.1 applies `nodeSize.minimum` to a
 * compound node in the layered algorithm's rotated frame when the direction is DOWN
 * (a `(w, 0)` minimum became the height), so the width goes second.
 */
function minimumWidth(w) {
  return `(0, ${w})`;
}

function padding(top, side) {
  return `[top=${top},left=${side},bottom=${side},right=${side}]`;
}

/**
 * The ELK input for `graph`, plus an index to read the answer with.
 * `measure(text, font)` gives text widths; `text(key, vars)` the UI strings;
 * `layoutOptions` overrides the root's ELK options.
 */
export function buildElkGraph(graph, { measure, text, layoutOptions }) {
  const nodes = Array.isArray(graph?.nodes) ? graph.nodes : [];
  const containers = Array.isArray(graph?.containers) ? graph.containers : [];
  const edges = Array.isArray(graph?.edges) ? graph.edges : [];

  const elkRoot = { id: 'root', layoutOptions: { ...ROOT_OPTIONS, ...layoutOptions }, children: [], edges: [] };
  /** ELK node id → { elk, parent (ELK id), kind, ... } */
  const items = new Map([['root', { elk: elkRoot, parent: null, kind: 'root' }]]);
  /** Graph id → ELK id, for nodes and containers. */
  const elkIdOf = new Map();

  nodes.forEach((n, i) => elkIdOf.set(n.id, `n${i}`));
  containers.forEach((c, i) => elkIdOf.set(c.id, `c${i}`));

  const parentOf = (graphParent) => (graphParent != null && elkIdOf.has(graphParent) ? elkIdOf.get(graphParent) : 'root');

  // State nodes. Compound ones (Parallel, Map with containers) get their size from ELK.
  const owners = new Set(containers.map((c) => c.owner));
  nodes.forEach((n, i) => {
    const id = `n${i}`;
    const name = String(n.name ?? '');
    const compound = owners.has(n.id);
    let elk;
    let display;
    if (compound) {
      const title = fitText(name, SIZES.nodeMaxWidth + 60, FONTS.name, measure);
      const typeWidth = measure(n.type.toUpperCase(), FONTS.caption);
      const minWidth = Math.ceil(SIZES.textLeft + title.width + 14 + typeWidth + SIZES.textRight);
      display = { name: title.text, sub: n.type };
      elk = {
        id,
        children: [],
        edges: [],
        layoutOptions: {
          'elk.padding': padding(SIZES.ownerHeader + 8, SIZES.pad),
          'elk.nodeSize.constraints': 'MINIMUM_SIZE',
          'elk.nodeSize.minimum': minimumWidth(minWidth),
          ...SPACING,
          'elk.spacing.nodeNode': '18',
        },
      };
    } else {
      const textMax = SIZES.nodeMaxWidth - SIZES.textLeft - SIZES.textRight;
      const title = fitText(name, textMax, FONTS.name, measure);
      // A retrier's mark sits after the second line.
      const retryMark = Array.isArray(n.retry) && n.retry.length ? 14 : 0;
      const sub = fitText(subText(n), textMax - retryMark, FONTS.sub, measure);
      const width = Math.ceil(
        Math.min(
          SIZES.nodeMaxWidth,
          Math.max(SIZES.nodeMinWidth, SIZES.textLeft + Math.max(title.width, sub.width + retryMark) + SIZES.textRight),
        ),
      );
      display = { name: title.text, sub: sub.text };
      elk = { id, width, height: SIZES.nodeHeight };
    }
    items.set(id, { elk, parent: parentOf(n.parent), kind: compound ? 'owner' : 'node', node: n, order: i, display });
  });

  // Containers: branch boxes and item processors, inside their owner.
  containers.forEach((c, i) => {
    const id = `c${i}`;
    const caption =
      c.kind === 'ItemProcessor'
        ? text('graph.mapIterations') + (c.mode === 'DISTRIBUTED' ? ` · ${text('graph.distributed')}` : '')
        : text('graph.branch', { n: Number(c.index) + 1 });
    const captionWidth = measure(caption, FONTS.caption);
    const elk = {
      id,
      children: [],
      edges: [],
      layoutOptions: {
        'elk.padding': padding(SIZES.containerHeader + 6, SIZES.pad),
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': minimumWidth(Math.ceil(captionWidth + 2 * SIZES.pad)),
        ...SPACING,
      },
    };
    const owner = elkIdOf.get(c.owner);
    items.set(id, { elk, parent: owner ?? 'root', kind: 'container', container: c, caption });
  });

  // Attach children in model order: nodes and containers keep the definition's order.
  const attach = (id) => {
    const item = items.get(id);
    const parent = items.get(item.parent) ?? items.get('root');
    (parent.elk.children ??= []).push(item.elk);
  };
  nodes.forEach((_, i) => attach(`n${i}`));
  containers.forEach((_, i) => attach(`c${i}`));

  const ancestors = (id) => {
    const out = [];
    for (let cur = id; cur != null; cur = items.get(cur)?.parent ?? null) out.push(cur);
    return out;
  };
  const commonAncestor = (a, b) => {
    const up = new Set(ancestors(a).slice(1));
    for (const cur of ancestors(b).slice(1)) if (up.has(cur)) return cur;
    return 'root';
  };

  /** ELK edge id → { edge (graph) | marker kind, label display } */
  const edgeInfo = new Map();
  const addEdge = (id, from, to, info, label) => {
    const containerId = commonAncestor(from, to);
    const elkEdge = { id, sources: [from], targets: [to] };
    if (label) {
      const fit = fitText(label, SIZES.labelMaxWidth, FONTS.label, measure);
      elkEdge.labels = [
        {
          id: `${id}l`,
          text: fit.text,
          width: Math.ceil(fit.width + 2 * SIZES.labelPadX),
          height: SIZES.labelHeight,
          layoutOptions: { 'elk.edgeLabels.placement': 'CENTER' },
        },
      ];
      info.label = { text: fit.text, full: label, cut: fit.cut };
    }
    const container = items.get(containerId).elk;
    (container.edges ??= []).push(elkEdge);
    edgeInfo.set(id, info);
  };

  // The start marker, before the first state in model order.
  const startElk = elkIdOf.get(graph?.startAt);
  if (startElk) {
    const marker = { id: 'start', width: SIZES.marker, height: SIZES.marker };
    elkRoot.children.unshift(marker);
    items.set('start', { elk: marker, parent: 'root', kind: 'start' });
  }

  edges.forEach((e, i) => {
    const from = elkIdOf.get(e.from);
    const to = elkIdOf.get(e.to);
    if (!from || !to || !from.startsWith('n') || !to.startsWith('n')) return;
    const kind = KIND[e.kind] ?? 'next';
    let label = null;
    if (kind === 'choice') label = e.label || '';
    else if (kind === 'default') label = e.label || 'Default';
    else if (kind === 'catch') label = e.label || (Array.isArray(e.errors) ? e.errors.join(', ') : '');
    addEdge(`e${i}`, from, to, { edge: e, kind }, label || null);
  });

  if (startElk) addEdge('start-edge', 'start', startElk, { kind: 'marker', marker: 'start' }, null);

  // End markers after the top-level states that end the execution.
  nodes.forEach((n, i) => {
    if (!n.end || n.parent != null) return;
    const id = `end${i}`;
    const marker = { id, width: SIZES.marker, height: SIZES.marker };
    elkRoot.children.push(marker);
    items.set(id, { elk: marker, parent: 'root', kind: 'end' });
    addEdge(`${id}-edge`, `n${i}`, id, { kind: 'marker', marker: 'end' }, null);
  });

  return { elk: elkRoot, items, edgeInfo };
}

/**
 * Puts a Parallel's branch boxes side by side in definition order. They have no edges
 * between them, so ELK is free to order them, and it sometimes draws Branch 3 left of
 * Branch 1 (no model-order option changed that). Boxes are re-packed left to right in
 * the slots ELK chose (same left edge, same gaps); what is inside a box, its edges
 * included, is relative to the box and moves with it. Only when the owner's branch boxes
 * share one row (they overlap vertically) and the owner holds no edges of its own.
 */
function orderBranches(node, items) {
  const children = node.children ?? [];
  const boxes = children.filter((c) => items.get(c.id)?.kind === 'container');
  if (
    boxes.length > 1 &&
    boxes.length === children.length &&
    !(node.edges ?? []).length &&
    boxes.every((b) => (b.y ?? 0) < (boxes[0].y ?? 0) + (boxes[0].height ?? 0) && (boxes[0].y ?? 0) < (b.y ?? 0) + (b.height ?? 0))
  ) {
    const byX = [...boxes].sort((a, b) => (a.x ?? 0) - (b.x ?? 0));
    let gap = Infinity;
    for (let i = 1; i < byX.length; i++) {
      gap = Math.min(gap, (byX[i].x ?? 0) - ((byX[i - 1].x ?? 0) + (byX[i - 1].width ?? 0)));
    }
    if (!Number.isFinite(gap) || gap < 0) gap = 0;
    const modelOrder = [...boxes].sort((a, b) => (items.get(a.id).container?.index ?? 0) - (items.get(b.id).container?.index ?? 0));
    let x = byX[0].x ?? 0;
    for (const b of modelOrder) {
      b.x = x;
      x += (b.width ?? 0) + gap;
    }
  }
  for (const child of children) orderBranches(child, items);
}

/**
 * The scene: every box and edge in absolute coordinates.
 *   { width, height, boxes: [...], edges: [...] }
 * Boxes are states (`node`, `owner`), containers and markers, each with x, y, w, h
 * and a `level` (paint order: outer boxes first).
 */
export function readLayout(result, { items, edgeInfo }) {
  orderBranches(result, items);
  const abs = new Map();
  const boxes = [];
  const walk = (elkNode, ox, oy, level) => {
    const x = ox + (elkNode.x ?? 0);
    const y = oy + (elkNode.y ?? 0);
    abs.set(elkNode.id, { x, y });
    const item = items.get(elkNode.id);
    if (item && item.kind !== 'root') {
      boxes.push({
        kind: item.kind,
        level,
        x,
        y,
        w: elkNode.width ?? 0,
        h: elkNode.height ?? 0,
        node: item.node,
        order: item.order ?? 0,
        container: item.container,
        display: item.display,
        caption: item.caption,
      });
    }
    for (const child of elkNode.children ?? []) walk(child, x, y, item?.kind === 'root' ? 0 : level + 1);
  };
  walk(result, 0, 0, 0);

  const edges = [];
  const collect = (elkNode) => {
    for (const e of elkNode.edges ?? []) {
      const info = edgeInfo.get(e.id);
      if (!info) continue;
      const origin = abs.get(e.container ?? elkNode.id) ?? abs.get(elkNode.id) ?? { x: 0, y: 0 };
      const points = [];
      for (const s of e.sections ?? []) {
        const add = (p) => {
          const q = { x: origin.x + p.x, y: origin.y + p.y };
          const last = points[points.length - 1];
          if (!last || Math.abs(last.x - q.x) > 0.01 || Math.abs(last.y - q.y) > 0.01) points.push(q);
        };
        add(s.startPoint);
        for (const b of s.bendPoints ?? []) add(b);
        add(s.endPoint);
      }
      const l = e.labels?.[0];
      edges.push({
        kind: info.kind,
        marker: info.marker,
        edge: info.edge,
        points,
        label:
          info.label && l
            ? { ...info.label, x: origin.x + (l.x ?? 0), y: origin.y + (l.y ?? 0), w: l.width, h: l.height }
            : null,
      });
    }
    for (const child of elkNode.children ?? []) collect(child);
  };
  collect(result);

  return { width: result.width ?? 0, height: result.height ?? 0, boxes, edges };
}
