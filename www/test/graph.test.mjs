// The graph view in Chromium: the dev page (www/src/graph/dev/) on an OS-chosen port,
// the system browser through playwright-core. Screenshots go to www/test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { startDevServer } from '../src/graph/dev/serve.mjs';
import { launch } from './browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, '../test-artifacts');
const fixture = (name) => JSON.parse(readFileSync(join(here, `../src/graph/dev/fixtures/${name}.json`), 'utf8'));

let server;
let ctx;
let page;
const dialogs = [];
const errors = [];

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await startDevServer();
  ctx = await launch();
  page = await ctx.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await ctx?.close();
  await server?.close();
});

async function open(name) {
  await page.goto(`${server.url}?fixture=${name}`);
  await page.evaluate(() => window.ready);
}

const count = (selector) => page.locator(selector).count();

test('delivery: every state, container, edge and marker is drawn', async () => {
  await open('delivery');
  const g = fixture('delivery');
  assert.equal(await count('[data-node-id]'), g.nodes.length);
  assert.equal(await count('[data-container-id]'), g.containers.length);
  assert.equal(await count('[data-edge-id]'), g.edges.length);
  for (const n of g.nodes) {
    const el = page.locator(`[data-node-id="${n.id}"]`);
    assert.equal(await el.getAttribute('data-type'), n.type);
    assert.equal(await el.getAttribute('data-status'), '');
    assert.equal(await el.getAttribute('tabindex'), '0');
  }
  for (const e of g.edges) {
    assert.equal(await page.locator(`[data-edge-id="${e.id}"]`).getAttribute('data-kind'), e.kind.toLowerCase());
  }
  assert.equal(await count('[data-marker="start"]'), 1);
  assert.equal(await count('[data-marker="end"]'), g.nodes.filter((n) => n.end && n.parent == null).length);
  // Labels: the Choice rule, Default, the Catch's error names.
  const label = (id) => page.locator(`[data-edge-id="${id}"] .sl-edge-label text`).textContent();
  assert.equal(await label('/States/InStock?/Choices/0'), '$.stock.available == true');
  assert.equal(await label('/States/InStock?/Default'), 'Default');
  assert.equal(await label('/States/ProcessPayment/Catch/0'), 'Payment.Declined');
  // Containers are captioned.
  const captions = await page.locator('[data-container-id] .sl-caption').allTextContents();
  assert.deepEqual(captions, ['Branch 1', 'Branch 2']);
  await page.screenshot({ path: join(artifacts, 'graph-test-delivery.png') });
});

test('edges attach to the borders of the boxes they join', async () => {
  await open('delivery');
  const gaps = await page.evaluate(() => {
    const out = [];
    const box = (id) => document.querySelector(`[data-node-id="${CSS.escape(id)}"] :is(.sl-box, .sl-frame)`).getBoundingClientRect();
    for (const g of document.querySelectorAll('[data-edge-id]')) {
      const path = g.querySelector('.sl-edge-path');
      const len = path.getTotalLength();
      const m = path.getScreenCTM();
      const at = (l) => new DOMPoint(path.getPointAtLength(l).x, path.getPointAtLength(l).y).matrixTransform(m);
      const dist = (p, r) => {
        // Distance from p to the border of r (0 when on it).
        const dx = Math.max(r.left - p.x, 0, p.x - r.right);
        const dy = Math.max(r.top - p.y, 0, p.y - r.bottom);
        const inside = dx === 0 && dy === 0;
        return inside ? Math.min(p.x - r.left, r.right - p.x, p.y - r.top, r.bottom - p.y) : Math.hypot(dx, dy);
      };
      out.push(dist(at(0), box(g.dataset.from)), dist(at(len), box(g.dataset.to)));
    }
    return out;
  });
  // Within a couple of pixels (stroke widths, halo).
  for (const gap of gaps) assert.ok(gap < 3, `an edge ends ${gap}px from its box`);
});

test('nested containers: a Parallel inside a Map inside a Map', async () => {
  await open('nested');
  const g = fixture('nested');
  assert.equal(await count('[data-container-id]'), 4);
  assert.equal(await count('[data-node-id]'), g.nodes.length);
  const rect = (sel) => page.locator(sel).first().evaluate((el) => el.getBoundingClientRect().toJSON());
  const inside = (a, b) => a.left >= b.left && a.right <= b.right && a.top >= b.top && a.bottom <= b.bottom;
  // Each container lies inside its owner's box; each state inside its container.
  for (const c of g.containers) {
    const cr = await rect(`[data-container-id="${c.id}"]`);
    const or = await rect(`[data-node-id="${c.owner}"] .sl-frame`);
    assert.ok(inside(cr, or), `${c.id} is inside ${c.owner}`);
  }
  for (const n of g.nodes.filter((n) => n.parent)) {
    const nr = await rect(`[data-node-id="${n.id}"] :is(.sl-box, .sl-frame)`);
    const cr = await rect(`[data-container-id="${n.parent}"]`);
    assert.ok(inside(nr, cr), `${n.id} is inside ${n.parent}`);
  }
  const captions = await page.locator('[data-container-id] .sl-caption').allTextContents();
  assert.ok(captions.includes('Map iterations'));
  assert.ok(captions.includes('Map iterations · distributed'));
  await page.screenshot({ path: join(artifacts, 'graph-test-nested.png') });
});

test('setStatus colours a node, resetStatuses clears, statuses survive a new layout', async () => {
  await open('delivery');
  const id = '/States/ProcessPayment';
  const status = () => page.locator(`[data-node-id="${id}"]`).getAttribute('data-status');
  for (const s of ['running', 'succeeded', 'failed', 'caught', 'retried', 'aborted']) {
    await page.evaluate(([id, s]) => window.view.setStatus(id, s), [id, s]);
    assert.equal(await status(), s);
  }
  await page.evaluate((id) => window.view.setStatus(id, 'bogus'), id);
  assert.equal(await status(), '');
  await page.evaluate((id) => window.view.setStatus(id, null), id);
  assert.equal(await status(), '');

  // The colour really changes.
  const stroke = () => page.locator(`[data-node-id="${id}"] .sl-box`).evaluate((el) => getComputedStyle(el).stroke);
  const plain = await stroke();
  await page.evaluate((id) => window.view.setStatus(id, 'failed'), id);
  assert.notEqual(await stroke(), plain);

  // Thousands of calls stay cheap.
  const ms = await page.evaluate(() => {
    const ids = [...document.querySelectorAll('[data-node-id]')].map((e) => e.dataset.nodeId);
    const states = ['running', 'succeeded', 'retried', 'caught', null];
    const t0 = performance.now();
    for (let i = 0; i < 10000; i++) window.view.setStatus(ids[i % ids.length], states[i % states.length]);
    return performance.now() - t0;
  });
  console.log(`10000 setStatus calls: ${ms.toFixed(1)} ms`);

  await page.evaluate((id) => window.view.setStatus(id, 'caught'), id);
  // The same graph again is not laid out again; a changed one is, and keeps the statuses.
  const same = await page.evaluate(async () => {
    const scene = document.querySelector('.sl-scene');
    await window.view.setGraph(await (await fetch('fixtures/delivery.json')).json());
    return scene === document.querySelector('.sl-scene');
  });
  assert.equal(same, true);
  await page.evaluate(async () => {
    const g = await (await fetch('fixtures/delivery.json')).json();
    g.nodes.push({ id: '/States/Extra', name: 'Extra', type: 'Pass', parent: null, depth: 0, start: false, end: true });
    await window.view.setGraph(g);
  });
  assert.equal(await count('[data-node-id]'), 14);
  assert.equal(await status(), 'caught');
  assert.equal(await page.locator('.sl-legend').isVisible(), true);
  await page.screenshot({ path: join(artifacts, 'graph-test-statuses.png') });
  await page.evaluate(() => window.view.resetStatuses());
  assert.equal(await count('[data-node-id]:not([data-status=""])'), 0);
  assert.equal(await page.locator('.sl-legend').isVisible(), false);
  assert.equal(await status(), '');
});

test('hostile names render as text, and nothing runs', async () => {
  await open('hostile');
  const g = fixture('hostile');
  assert.equal(await count('[data-node-id]'), g.nodes.length);
  const img = '<img src=x onerror=alert(1)>';
  const node = page.locator('[data-node-id="/States/<img src=x onerror=alert(1)>"]');
  assert.equal(await node.count(), 1);
  assert.ok((await node.locator('title').textContent()).startsWith(img));
  assert.ok((await node.locator('.sl-name').textContent()).startsWith('<img src=x'));
  // The long name is cut with an ellipsis; the <title> holds all of it.
  const long = g.nodes.find((n) => n.name.startsWith('A state with a very long name'));
  const longNode = page.locator(`[data-node-id="${long.id}"]`);
  assert.ok((await longNode.locator('.sl-name').textContent()).endsWith('…'));
  assert.ok((await longNode.locator('title').textContent()).startsWith(long.name));
  const catchLabel = await page.locator('[data-kind="catch"] .sl-edge-label text').textContent();
  assert.equal(catchLabel, '<b>Bold</b>, Custom.Error');
  assert.equal(await page.locator('.sl-graph img, .sl-graph script, .sl-graph b, .sl-graph foreignObject').count(), 0);
  await page.waitForTimeout(300);
  assert.deepEqual(dialogs, []);
  await page.screenshot({ path: join(artifacts, 'graph-test-hostile.png') });
});

test('click and Enter on a state call onSelect; select() highlights', async () => {
  await open('delivery');
  await page.evaluate(() => (window.selectedIds.length = 0));
  await page.locator('[data-node-id="/States/CheckStock"] .sl-box').click();
  assert.deepEqual(await page.evaluate(() => window.selectedIds), ['/States/CheckStock']);
  assert.equal(await page.locator('[data-node-id="/States/CheckStock"]').getAttribute('data-selected'), 'true');

  await page.locator('[data-node-id="/States/Dispatch/Branches/1/States/NotifyCustomer"]').focus();
  await page.keyboard.press('Enter');
  assert.deepEqual(await page.evaluate(() => window.selectedIds), ['/States/CheckStock', '/States/Dispatch/Branches/1/States/NotifyCustomer']);

  // Tab moves through the states in definition order.
  await page.locator('[data-node-id="/States/ReceiveOrder"]').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.nodeId), '/States/CheckStock');

  // A drag pans and selects nothing.
  const before = await page.evaluate(() => document.querySelector('.sl-viewport').style.transform);
  const box = await page.locator('[data-node-id="/States/Delivered"] .sl-box').boundingBox();
  await page.mouse.move(box.x + 10, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + 80, box.y + 60, { steps: 5 });
  await page.mouse.up();
  assert.notEqual(await page.evaluate(() => document.querySelector('.sl-viewport').style.transform), before);
  assert.equal((await page.evaluate(() => window.selectedIds)).length, 2);

  // A branch's background (off its states) picks the Parallel; so does its header.
  const branch = await page.locator('[data-container-id="/States/Dispatch/Branches/0"]').boundingBox();
  await page.mouse.click(branch.x + 6, branch.y + branch.height - 6);
  await page.locator('[data-node-id="/States/Dispatch"] .sl-header').click();
  assert.deepEqual((await page.evaluate(() => window.selectedIds)).slice(2), ['/States/Dispatch', '/States/Dispatch']);

  await page.evaluate(() => window.view.select('/States/Done'));
  assert.equal(await page.locator('[data-node-id="/States/Done"]').getAttribute('data-selected'), 'true');
  assert.equal(await page.locator('[data-node-id="/States/CheckStock"]').getAttribute('data-selected'), null);
  assert.equal((await page.evaluate(() => window.selectedIds)).length, 4, 'select() does not call onSelect');
});

test('zoom buttons, wheel and fit change the view', async () => {
  await open('delivery');
  const scale = () =>
    page.evaluate(() => Number(/scale\(([\d.]+)\)/.exec(document.querySelector('.sl-viewport').style.transform)[1]));
  const k0 = await scale();
  await page.click('.sl-tool[data-action="zoomIn"]');
  assert.ok((await scale()) > k0);
  await page.click('.sl-tool[data-action="zoomOut"]');
  await page.click('.sl-tool[data-action="zoomOut"]');
  assert.ok((await scale()) < k0);
  const svg = await page.locator('.sl-graph-svg').boundingBox();
  await page.mouse.move(svg.x + svg.width / 2, svg.y + svg.height / 2);
  const k1 = await scale();
  await page.mouse.wheel(0, -300);
  assert.ok((await scale()) > k1);
  await page.click('.sl-tool[data-action="fit"]');
  await page.waitForTimeout(300);
  const r = await page.locator('.sl-scene').boundingBox();
  assert.ok(r.x >= svg.x - 1 && r.y >= svg.y - 1 && r.x + r.width <= svg.x + svg.width + 1 && r.y + r.height <= svg.y + svg.height + 1);
  assert.equal(await page.locator('.sl-tool[data-action="fit"]').getAttribute('aria-label'), 'Fit to view');
});

test('a newer setGraph supersedes a pending one', async () => {
  await open('delivery');
  const drawn = await page.evaluate(async () => {
    const load = async (n) => (await fetch(`fixtures/${n}.json`)).json();
    const [hundred, choices] = await Promise.all([load('hundred'), load('choices')]);
    const a = window.view.setGraph(hundred);
    const b = window.view.setGraph(choices);
    await Promise.all([a, b]);
    return document.querySelectorAll('[data-node-id]').length;
  });
  assert.equal(drawn, fixture('choices').nodes.length);
});

test('a layout worker that cannot load rejects setGraph and says so', async () => {
  await open('delivery');
  const result = await page.evaluate(async () => {
    const host = document.createElement('div');
    host.style.cssText = 'position:fixed;left:0;top:0;width:300px;height:200px';
    document.body.appendChild(host);
    const view = window.createGraphView(host, { workerUrl: './no-such-worker.js' });
    const graph = await (await fetch('fixtures/delivery.json')).json();
    const outcome = await Promise.race([
      view.setGraph(graph).then(
        () => 'resolved',
        (e) => `rejected: ${e.message}`,
      ),
      new Promise((r) => setTimeout(() => r('hung'), 5000)),
    ]);
    const message = host.querySelector('.sl-message').textContent;
    view.destroy();
    host.remove();
    return { outcome, message };
  });
  assert.match(result.outcome, /^rejected: /);
  assert.match(result.message, /could not be laid out/);
});

test('a 100-state machine lays out in a few seconds and reads at its first view', async () => {
  await open('delivery');
  const g = fixture('hundred');
  const ms = await page.evaluate(async (graph) => {
    const t0 = performance.now();
    await window.view.setGraph(graph);
    return performance.now() - t0;
  }, g);
  const workerMs = await page.locator('.sl-graph').getAttribute('data-layout-ms');
  console.log(`100-state fixture (${g.nodes.length} states, ${g.edges.length} edges): setGraph ${Math.round(ms)} ms, of which ELK in the worker ${workerMs} ms`);
  assert.equal(await count('[data-node-id]'), g.nodes.length);
  assert.ok(ms < 15000);
  // The first view of a graph too big to fit is at a readable scale.
  await page.goto(`${server.url}?fixture=hundred`);
  await page.evaluate(() => window.ready);
  const k = await page.evaluate(() => Number(/scale\(([\d.]+)\)/.exec(document.querySelector('.sl-viewport').style.transform)[1]));
  assert.ok(k >= 0.6, `first view at scale ${k}`);
  await page.screenshot({ path: join(artifacts, 'graph-test-hundred.png') });
  await page.click('#simulate');
  await page.click('.sl-tool[data-action="fit"]');
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(artifacts, 'graph-test-hundred-fit.png') });
  assert.deepEqual(errors, []);
});

const scaleOf = () =>
  page.evaluate(() => Number(/scale\(([\d.]+)\)/.exec(document.querySelector('.sl-viewport').style.transform)[1]));

test('a similar graph keeps the zoom; a different one gets a fresh view', async () => {
  await open('delivery');
  await page.click('.sl-tool[data-action="zoomIn"]');
  await page.click('.sl-tool[data-action="zoomIn"]');
  await page.waitForTimeout(300);
  const k = await scaleOf();
  const before = await page.locator('[data-node-id="/States/CheckStock"] .sl-box').boundingBox();
  await page.evaluate(async () => {
    const g = await (await fetch('fixtures/delivery.json')).json();
    g.nodes.push({ id: '/States/Extra', name: 'Extra', type: 'Pass', parent: null, depth: 0, start: false, end: true });
    await window.view.setGraph(g);
  });
  assert.equal(await scaleOf(), k);
  assert.equal(await count('[data-node-id]'), fixture('delivery').nodes.length + 1);
  // The state nearest the middle stays where it was.
  const after = await page.locator('[data-node-id="/States/CheckStock"] .sl-box').boundingBox();
  console.log(`CheckStock moved by ${Math.round(after.x - before.x)}, ${Math.round(after.y - before.y)} px on a re-layout`);
  await page.evaluate(async () => window.view.setGraph(await (await fetch('fixtures/choices.json')).json()));
  assert.notEqual(await scaleOf(), k);
});

test('focusing a state off screen brings it into view', async () => {
  await open('hundred');
  const inView = (id) =>
    page.evaluate((id) => {
      const r = document.querySelector(`[data-node-id="${id}"]`).getBoundingClientRect();
      const v = document.querySelector('.sl-graph-svg').getBoundingClientRect();
      return r.left >= v.left && r.right <= v.right && r.top >= v.top && r.bottom <= v.bottom;
    }, id);
  const far = '/States/Stage12Load';
  assert.equal(await inView(far), false);
  await page.evaluate((id) => document.querySelector(`[data-node-id="${id}"]`).focus(), far);
  await page.waitForTimeout(400);
  assert.equal(await inView(far), true);
  // select() too.
  await page.evaluate(() => window.view.select('/States/Stage1Load'));
  await page.waitForTimeout(400);
  assert.equal(await inView('/States/Stage1Load'), true);
  // Its transitions stand out: Next and Catch out, the Wait's loop in.
  assert.equal(await count('.sl-edge[data-active="out"]'), 2);
  assert.equal(await count('.sl-edge[data-active="in"]'), 1);
});

test('a view created in a hidden panel places its drawing once shown', async () => {
  await open('delivery');
  const result = await page.evaluate(async () => {
    const host = document.createElement('div');
    host.style.cssText = 'position:fixed;left:0;top:0;width:600px;height:500px;display:none';
    document.body.appendChild(host);
    const view = window.createGraphView(host, { workerUrl: './elk-worker.js' });
    await view.setGraph(await (await fetch('fixtures/delivery.json')).json());
    host.style.display = 'block';
    await new Promise((r) => setTimeout(r, 200));
    const scene = host.querySelector('.sl-scene').getBoundingClientRect();
    view.destroy();
    host.remove();
    return { left: scene.left, top: scene.top, right: scene.right, bottom: scene.bottom };
  });
  // Centred across, from the top (delivery is too tall to fit at a readable scale).
  assert.ok(result.left >= 0 && result.right <= 600 && result.top >= 0 && result.top < 60, JSON.stringify(result));
  assert.ok(Math.abs(result.left - (600 - result.right)) < 2, JSON.stringify(result));
});

test('relabel() takes the new language', async () => {
  await open('delivery');
  const result = await page.evaluate(async () => {
    const host = document.createElement('div');
    host.style.cssText = 'position:fixed;left:0;top:0;width:700px;height:600px';
    document.body.appendChild(host);
    let lang = 'en';
    const pt = { 'graph.fit': 'Ajustar à tela', 'graph.branch': 'Ramo {n}', 'status.running': 'executando' };
    const view = window.createGraphView(host, { workerUrl: './elk-worker.js', t: (k) => (lang === 'pt' ? pt[k] : undefined) ?? k });
    await view.setGraph(await (await fetch('fixtures/delivery.json')).json());
    view.setStatus('/States/CheckStock', 'running');
    const before = [...host.querySelectorAll('[data-container-id] .sl-caption')].map((e) => e.textContent);
    lang = 'pt';
    await view.relabel();
    const out = {
      before,
      after: [...host.querySelectorAll('[data-container-id] .sl-caption')].map((e) => e.textContent),
      fit: host.querySelector('[data-action="fit"]').getAttribute('aria-label'),
      legend: host.querySelector('.sl-legend-item[data-status="running"]').textContent,
      label: host.querySelector('[data-node-id="/States/CheckStock"]').getAttribute('aria-label'),
    };
    view.destroy();
    host.remove();
    return out;
  });
  assert.deepEqual(result.before, ['Branch 1', 'Branch 2']);
  assert.deepEqual(result.after, ['Ramo 1', 'Ramo 2']);
  assert.equal(result.fit, 'Ajustar à tela');
  assert.equal(result.legend, 'executando');
  assert.equal(result.label, 'CheckStock (Task): executando');
});
