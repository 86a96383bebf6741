// Shared set-up of the browser tests: the built site (www/dist/) served on an OS-chosen
// port, and headless Chromium through playwright-core with the flags of STACK.md.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../serve.mjs';
import { launch } from './browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = join(here, '..', 'test-artifacts');
mkdirSync(artifacts, { recursive: true });

/** Starts the server and the browser; returns { url, newPage, close }. */
export async function setup() {
  const { server, url } = await serve({ port: 0, quiet: true });
  const profile = mkdtempSync(join(tmpdir(), 'statelab-www-'));
  const context = await launch({ profile, viewport: { width: 1366, height: 768 } });
  const pages = [];
  return {
    url,
    context,
    /** A page with its console errors and dialogs recorded. */
    async newPage({ lang = 'en-US', viewport } = {}) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      page.errors = [];
      page.dialogs = [];
      page.on('pageerror', (e) => page.errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error') page.errors.push(m.text());
      });
      page.on('dialog', (d) => {
        page.dialogs.push(d.message());
        d.dismiss().catch(() => {});
      });
      await page.addInitScript((l) => {
        Object.defineProperty(navigator, 'language', { get: () => l });
        Object.defineProperty(navigator, 'languages', { get: () => [l] });
      }, lang);
      pages.push(page);
      return page;
    },
    async close() {
      await context.close();
      await new Promise((r) => server.close(r));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the playground and waits until the engine is loaded. */
export async function open(page, url) {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  await page.waitForSelector('[data-node-id]');
}

/** Replaces the definition editor's text. */
export async function setDefinition(page, text) {
  await page.evaluate((t) => window.__statelab.setDefinition(t), text);
}

export async function setInput(page, text) {
  await page.evaluate((t) => window.__statelab.setInput(t), text);
}

/** Presses Run and waits for a final status; returns it. */
export async function runToEnd(page, { timeout = 20000 } = {}) {
  await page.click('#run');
  return waitForEnd(page, timeout);
}

export async function waitForEnd(page, timeout = 20000) {
  await page.waitForFunction(
    () => /^(SUCCEEDED|FAILED|TIMED_OUT|ABORTED)$/.test(document.querySelector('#run-status').dataset.status ?? ''),
    null,
    { timeout },
  );
  return page.$eval('#run-status', (el) => el.dataset.status);
}

export function shot(page, name) {
  return page.screenshot({ path: join(artifacts, `${name}.png`) });
}
