// Screenshots of every fixture to www/test-artifacts/ (to look at while iterating).
//   node www/src/graph/dev/screenshot.mjs [fixture...] [--status] [--fit]
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { startDevServer } from './serve.mjs';
import { launch } from '../../../test/browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '../../../test-artifacts');
mkdirSync(out, { recursive: true });
const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('--'));
const elkArg = args.find((a) => a.startsWith('--elk='))?.slice(6) ?? '';
const tag = args.find((a) => a.startsWith('--tag='))?.slice(6) ?? '';
const fixtures = names.length ? names : ['delivery', 'hundred', 'nested', 'choices', 'hostile'];

const server = await startDevServer();
const ctx = await launch();
const page = await ctx.newPage();
page.on('console', (m) => console.log('page:', m.text()));
page.on('pageerror', (e) => console.log('page error:', e.message));
for (const name of fixtures) {
  await page.goto(`${server.url}?fixture=${name}&elk=${encodeURIComponent(elkArg)}`);
  await page.evaluate(() => window.ready);
  if (args.includes('--status')) await page.click('#simulate');
  if (args.includes('--fit')) await page.evaluate(() => window.view.fit());
  await page.waitForTimeout(400);
  const ms = await page.evaluate(() => document.querySelector('.sl-graph').dataset.layoutMs);
  const file = join(out, `graph-${name}${tag ? '-' + tag : ''}${args.includes('--status') ? '-status' : ''}${args.includes('--fit') ? '-fit' : ''}.png`);
  await page.screenshot({ path: file });
  console.log(`${name}: layout ${ms} ms → ${file}`);
}
await ctx.close();
await server.close();
