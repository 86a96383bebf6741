// The graph layout without a browser: the fixtures through buildElkGraph, ELK (the
// bundled build, in this thread) and readLayout, checked for geometry a reader needs:
// containers nest, edges end on the boxes they join, labels overlap nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import ELK from 'elkjs/lib/elk.bundled.js';
import { buildElkGraph, readLayout, resourceText } from '../src/graph/layout.js';
import { createMeasurer, fitText } from '../src/graph/measure.js';
import { textLookup } from '../src/graph/text.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name) => JSON.parse(readFileSync(join(here, `../src/graph/dev/fixtures/${name}.json`), 'utf8'));
const elk = new ELK();

async function layout(graph, t) {
  const input = buildElkGraph(graph, { measure: createMeasurer(), text: textLookup(t) });
  return readLayout(await elk.layout(input.elk), input);
}

const rect = (b) => ({ l: b.x, t: b.y, r: b.x + b.w, b: b.y + b.h });
const overlap = (a, b) => a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5;
const inside = (a, b) => a.l >= b.l - 0.5 && a.r <= b.r + 0.5 && a.t >= b.t - 0.5 && a.b <= b.b + 0.5;
/** Distance from a point to a rectangle's border. */
function borderDistance(p, r) {
  const dx = Math.max(r.l - p.x, 0, p.x - r.r);
  const dy = Math.max(r.t - p.y, 0, p.y - r.b);
  if (dx || dy) return Math.hypot(dx, dy);
  return Math.min(p.x - r.l, r.r - p.x, p.y - r.t, r.b - p.y);
}

for (const name of ['delivery', 'hundred', 'nested', 'choices', 'hostile', 'branch-order']) {
  test(`${name}: a clean layout`, async () => {
    const graph = fixture(name);
    const t0 = performance.now();
    const scene = await layout(graph);
    if (name === 'hundred') console.log(`hundred: ELK in Node ${Math.round(performance.now() - t0)} ms`);

    const states = new Map(scene.boxes.filter((b) => b.node).map((b) => [b.node.id, b]));
    const containers = new Map(scene.boxes.filter((b) => b.container).map((b) => [b.container.id, b]));
    assert.equal(states.size, graph.nodes.length);
    assert.equal(containers.size, graph.containers.length);

    // Nesting: states in their container, containers in their owner.
    for (const n of graph.nodes) {
      if (n.parent) assert.ok(inside(rect(states.get(n.id)), rect(containers.get(n.parent))), `${n.id} in ${n.parent}`);
    }
    for (const c of graph.containers) {
      assert.ok(inside(rect(containers.get(c.id)), rect(states.get(c.owner))), `${c.id} in ${c.owner}`);
    }

    // Edges start and end on the borders of the boxes they join.
    const drawn = scene.edges.filter((e) => e.edge);
    assert.equal(drawn.length, graph.edges.length);
    for (const e of drawn) {
      assert.ok(e.points.length >= 2, `${e.edge.id} has a route`);
      const from = rect(states.get(e.edge.from));
      const to = rect(states.get(e.edge.to));
      assert.ok(borderDistance(e.points[0], from) < 1, `${e.edge.id} leaves ${e.edge.from} at its border`);
      assert.ok(borderDistance(e.points.at(-1), to) < 1, `${e.edge.id} reaches ${e.edge.to} at its border`);
      // Orthogonal routing: every segment is horizontal or vertical.
      for (let i = 1; i < e.points.length; i++) {
        const [p, q] = [e.points[i - 1], e.points[i]];
        assert.ok(Math.abs(p.x - q.x) < 0.5 || Math.abs(p.y - q.y) < 0.5, `${e.edge.id} segment ${i} is orthogonal`);
      }
    }

    // Labels: one per labelled edge, overlapping no state, marker, header or other label.
    const labels = scene.edges.filter((e) => e.label).map((e) => ({ id: e.edge.id, r: rect(e.label) }));
    assert.equal(labels.length, graph.edges.filter((e) => e.kind !== 'Next').length);
    const solid = scene.boxes
      .filter((b) => b.kind === 'node' || b.kind === 'start' || b.kind === 'end')
      .map(rect)
      .concat(scene.boxes.filter((b) => b.kind === 'owner').map((b) => rect({ ...b, h: 34 })));
    for (const [i, a] of labels.entries()) {
      for (const s of solid) assert.ok(!overlap(a.r, s), `label of ${a.id} overlaps a box`);
      for (const b of labels.slice(i + 1)) assert.ok(!overlap(a.r, b.r), `labels of ${a.id} and ${b.id} overlap`);
    }

    // No other edge runs through a label.
    const labelled = scene.edges.filter((e) => e.label);
    for (const le of labelled) {
      const r = rect(le.label);
      for (const e of scene.edges) {
        if (e === le) continue;
        for (let i = 1; i < e.points.length; i++) {
          const [p, q] = [e.points[i - 1], e.points[i]];
          const seg = { l: Math.min(p.x, q.x), r: Math.max(p.x, q.x), t: Math.min(p.y, q.y), b: Math.max(p.y, q.y) };
          const crosses = seg.l < r.r - 1 && r.l + 1 < seg.r + 0.01 && seg.t < r.b - 1 && r.t + 1 < seg.b + 0.01;
          assert.ok(!crosses, `an edge ${e.edge?.id ?? e.marker} runs through the label of ${le.edge.id}`);
        }
      }
    }

    // States do not overlap each other (unless one holds the other).
    const leaves = scene.boxes.filter((b) => b.kind === 'node').map(rect);
    for (const [i, a] of leaves.entries()) for (const b of leaves.slice(i + 1)) assert.ok(!overlap(a, b), 'two states overlap');
  });
}

test('start and end markers', async () => {
  const graph = fixture('delivery');
  const scene = await layout(graph);
  assert.equal(scene.boxes.filter((b) => b.kind === 'start').length, 1);
  const ends = graph.nodes.filter((n) => n.end && n.parent == null);
  assert.equal(scene.boxes.filter((b) => b.kind === 'end').length, ends.length);
  const markerEdges = scene.edges.filter((e) => e.marker);
  assert.equal(markerEdges.length, 1 + ends.length);
});

test('long text is cut with an ellipsis; labels keep their full text', async () => {
  const scene = await layout(fixture('hostile'));
  const long = scene.boxes.find((b) => b.node?.name.startsWith('A state with a very long name'));
  assert.ok(long.display.name.endsWith('…'));
  assert.ok(long.w <= 248);
  const choice = scene.edges.find((e) => e.kind === 'choice');
  assert.equal(choice.label.full, '$.x == "\\"><svg onload=alert(3)>"');
  const measure = createMeasurer();
  assert.deepEqual(fitText('short', 100, '12px sans-serif', measure), { text: 'short', width: measure('short', '12px sans-serif'), cut: false });
  const cut = fitText('😀'.repeat(50), 60, '12px sans-serif', measure);
  assert.ok(cut.cut && cut.width <= 60 && !cut.text.includes('\uFFFD'));
  assert.equal(Array.from(cut.text).at(-1), '…');
});

test('UI text comes from t() with English for the keys it lacks', async () => {
  const t = (key) => ({ 'graph.branch': 'Zweig {n}', 'graph.mapIterations': 'Map-Durchläufe' })[key] ?? key;
  const scene = await layout(fixture('delivery'), t);
  const captions = scene.boxes.filter((b) => b.container).map((b) => b.caption);
  assert.deepEqual(captions, ['Zweig 1', 'Zweig 2']);
  const nested = await layout(fixture('nested'), t);
  assert.ok(nested.boxes.some((b) => b.caption === 'Map-Durchläufe'));
  assert.ok(nested.boxes.some((b) => b.caption === 'Map-Durchläufe · distributed'));
});

test('resource descriptions', () => {
  assert.equal(resourceText('arn:aws:states:::lambda:invoke'), 'lambda:invoke');
  assert.equal(resourceText('arn:aws:states:::dynamodb:putItem'), 'dynamodb:putItem');
  assert.equal(resourceText('arn:aws:lambda:us-east-1:123456789012:function:check-stock'), 'lambda check-stock');
  assert.equal(resourceText('arn:aws:states:us-east-1:123456789012:activity:approve'), 'activity approve');
  assert.equal(resourceText(undefined), '');
});

test('an empty or odd graph model does not throw', async () => {
  for (const g of [{ startAt: 'x', nodes: [], containers: [], edges: [] }, {}, null]) {
    const input = buildElkGraph(g, { measure: createMeasurer(), text: textLookup() });
    assert.equal(input.elk.children.length, 0);
  }
  // An edge to an unknown node is left out rather than failing the layout.
  const g = fixture('delivery');
  g.edges.push({ id: '/bogus', from: '/States/Done', to: '/States/Nowhere', kind: 'Next', label: null });
  const scene = await layout(g);
  assert.equal(scene.edges.filter((e) => e.edge).length, g.edges.length - 1);
});

test('branch-order: a Parallel draws its branches left to right in definition order', async () => {
  // ELK alone put the one-state Branch 3 left of the two-state Branches 1 and 2.
  const scene = await layout(fixture('branch-order'));
  const branches = scene.boxes.filter((b) => b.kind === 'container');
  assert.equal(branches.length, 3);
  const xs = [...branches].sort((a, b) => a.container.index - b.container.index).map((b) => b.x);
  assert.ok(xs[0] < xs[1] && xs[1] < xs[2], `branch x positions in definition order: ${xs.join(', ')}`);
  for (let i = 1; i < branches.length; i++) {
    for (let j = 0; j < i; j++) assert.ok(!overlap(rect(branches[i]), rect(branches[j])), 'branch boxes do not overlap');
  }
});
