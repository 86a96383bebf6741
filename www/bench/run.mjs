// The playground's speed, in headless Chromium on this machine (issue: "time from page
// load to first graph, and the time to run and display a 10,000-item Map").
//
//   node www/bench/run.mjs [--runs N]      (after scripts/playground.sh --build-only)
//
// 1. First graph: a new page opens the playground (the default example); the time from
//    navigation start to the first state drawn in the graph (a MutationObserver installed
//    before any script runs notes it), cold (a new browser profile: nothing cached) and
//    warm (the same profile again).
// 2. 10,000-item Map: the shared benchmark workload map10k (inline Map, Pass -> Choice ->
//    Succeed per item; 80,000+ history events, so the history limit is lifted) loaded
//    into the editors, then Run pressed; the time until the run shows SUCCEEDED and the
//    events table shows the last event, and until every event has reached the table.
// Each figure is the median of --runs runs (default 3); every run is printed.
import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../test/browser.mjs';
import { serve } from '../serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const workloads = join(root, '..', 'shared', 'bench', 'workloads');

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error('--runs needs a positive integer');
  process.exit(2);
}
if (!existsSync(join(here, '..', 'dist', 'index.html'))) {
  console.error('www/dist/ is not built: run scripts/playground.sh --build-only first');
  process.exit(2);
}

const browser = (profile) => launch({ profile, viewport: { width: 1366, height: 768 } });

// Notes performance.now() when the first graph node appears.
function watchFirstGraph() {
  const seen = () => {
    if (window.__firstGraphAt === undefined && document.querySelector('[data-node-id]')) {
      window.__firstGraphAt = performance.now();
      return true;
    }
    return false;
  };
  new MutationObserver((_, observer) => {
    if (seen()) observer.disconnect();
  }).observe(document, { childList: true, subtree: true });
}

async function firstGraph(context, url) {
  const page = await context.newPage();
  await page.addInitScript(watchFirstGraph);
  await page.goto(url);
  await page.waitForFunction(() => window.__firstGraphAt !== undefined, null, { timeout: 60000 });
  const ms = await page.evaluate(() => window.__firstGraphAt);
  await page.close();
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${Math.round(ms).toLocaleString('en-US')} ms`;

const { server, url } = await serve({ port: 0, quiet: true });
const cold = [];
const warm = [];
const mapRuns = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const profile = mkdtempSync(join(tmpdir(), 'statelab-bench-'));
    const context = await browser(profile);
    try {
      cold.push(await firstGraph(context, url));
      warm.push(await firstGraph(context, url));
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
    console.log(`run ${i + 1}: first graph cold ${fmt(cold.at(-1))}, warm ${fmt(warm.at(-1))}`);
  }

  if (!existsSync(join(workloads, 'map10k.asl.json'))) {
    console.log(`map10k: skipped (${workloads} is missing)`);
  } else {
    const definition = readFileSync(join(workloads, 'map10k.asl.json'), 'utf8');
    const input = readFileSync(join(workloads, 'map10k.input.json'), 'utf8');
    const profile = mkdtempSync(join(tmpdir(), 'statelab-bench-'));
    const context = await browser(profile);
    try {
      for (let i = 0; i < RUNS; i++) {
        const page = await context.newPage();
        await page.goto(url);
        await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
        await page.evaluate(
          ([d, inp]) => {
            window.__statelab.setDefinition(d);
            window.__statelab.setInput(inp);
            window.__statelab.setLimits('lifted');
          },
          [definition, input],
        );
        await page.waitForFunction(() => document.querySelectorAll('[data-node-id]').length === 5, null, {
          timeout: 60000,
        });
        const t0 = await page.evaluate(() => {
          const t = performance.now();
          document.getElementById('run').click();
          return t;
        });
        await page.waitForSelector('body[data-run="SUCCEEDED"]', { timeout: 300000 });
        const done = await page.evaluate(() => performance.now());
        await page.waitForFunction(() => window.__statelab.eventCount() > 80000, null, { timeout: 300000 });
        const shown = await page.evaluate(() => performance.now());
        const events = await page.evaluate(() => window.__statelab.eventCount());
        mapRuns.push({ done: done - t0, shown: shown - t0, events });
        console.log(
          `run ${i + 1}: map10k SUCCEEDED after ${fmt(done - t0)}, ${events.toLocaleString('en-US')} events in the table after ${fmt(shown - t0)}`,
        );
        await page.close();
      }
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }
} finally {
  await new Promise((r) => server.close(r));
}

console.log('');
console.log('| measure | median of ' + RUNS + ' |');
console.log('| --- | ---: |');
console.log(`| page load to first graph, cold (new profile) | ${fmt(median(cold))} |`);
console.log(`| page load to first graph, warm (cached) | ${fmt(median(warm))} |`);
if (mapRuns.length) {
  console.log(`| 10,000-item Map: Run to SUCCEEDED shown | ${fmt(median(mapRuns.map((r) => r.done)))} |`);
  console.log(
    `| 10,000-item Map: Run to all ${mapRuns[0].events.toLocaleString('en-US')} events in the table | ${fmt(median(mapRuns.map((r) => r.shown)))} |`,
  );
}
