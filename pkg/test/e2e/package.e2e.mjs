// End to end: `npm pack` of pkg/ installs into a fresh project, whose README examples
// then run in Node and in a page served to headless Chromium (playwright-core from
// scripts/npm-tools, Debian's /usr/bin/chromium; no browser download). Run by
// scripts/test-pkg.sh: `node --test pkg/test/e2e/package.e2e.mjs`.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const root = resolve(pkg, '..');
const examples = [...readFileSync(join(pkg, 'README.md'), 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map(
  (m) => m[1],
);

let project;

before(() => {
  project = mkdtempSync(join(tmpdir(), 'statelab-e2e-'));
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], {
    cwd: pkg,
    encoding: 'utf8',
  });
  const tarball = join(project, out.trim().split('\n').pop());
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'e2e', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', '--loglevel=error', tarball], {
    cwd: project,
    stdio: 'inherit',
  });
  examples.forEach((code, i) => writeFileSync(join(project, `example-${i}.mjs`), code));
});

after(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

test('the packed package holds the sources, the engine and no tests', () => {
  const files = readdirSync(join(project, 'node_modules', 'statelab'), { recursive: true }).sort();
  for (const f of ['README.md', 'LICENSE', 'browser.js', 'index.d.ts', 'node.js', 'package.json', 'wasm/statelab.js', 'wasm/statelab_bg.wasm']) {
    assert.ok(files.includes(f), `${f} missing from ${files}`);
  }
  assert.ok(!files.some((f) => f.startsWith('test')), 'tests are not published');
});

test('the README examples run in Node from the installed package', () => {
  assert.ok(examples.length >= 6, `found ${examples.length} examples`);
  for (let i = 0; i < examples.length; i++) {
    const r = spawnSync(process.execPath, [`example-${i}.mjs`], { cwd: project, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, `example ${i} failed:\n${r.stderr}\n${examples[i]}`);
    assert.ok(r.stdout.length > 0, `example ${i} printed nothing`);
  }
});

test('the README examples run in a page in headless Chromium', async (t) => {
  const chromium = '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    t.skip('no /usr/bin/chromium (scripts/test-pkg.sh installs it)');
    return;
  }
  const require = createRequire(join(root, 'scripts', 'npm-tools', 'package.json'));
  const { chromium: playwright } = require('playwright-core');
  const page = `<!doctype html><meta charset="utf-8"><title>statelab</title>
<script type="importmap">{ "imports": { "statelab": "/node_modules/statelab/browser.js" } }</script>
<script type="module">
  const results = [];
  for (let i = 0; i < ${examples.length}; i++) {
    try { await import('/example-' + i + '.mjs'); results.push('ok'); }
    catch (e) { results.push(String(e && e.stack || e)); }
  }
  window.__results = results;
</script>`;
  writeFileSync(join(project, 'index.html'), page);
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
  const server = createServer((req, res) => {
    const file = join(project, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!file.startsWith(project) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await playwright.launch({
    executablePath: chromium,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  try {
    const tab = await browser.newPage();
    const logs = [];
    tab.on('console', (m) => logs.push(m.text()));
    tab.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    await tab.goto(`http://127.0.0.1:${server.address().port}/index.html`);
    await tab.waitForFunction(() => window.__results, null, { timeout: 30_000 });
    const results = await tab.evaluate(() => window.__results);
    assert.deepEqual(results, examples.map(() => 'ok'), logs.join('\n'));
    assert.ok(logs.some((l) => l.includes('SUCCEEDED')), logs.join('\n'));
    assert.ok(!logs.some((l) => l.startsWith('pageerror')), logs.join('\n'));
  } finally {
    await browser.close();
    server.close();
  }
});
