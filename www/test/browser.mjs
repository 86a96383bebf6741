// Headless Chromium for the playground's tests, the graph's dev scripts and the
// benchmark: playwright-core driving the system browser with the flags of STACK.md.
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * A persistent context of /usr/bin/chromium (or $CHROMIUM) on `profile`, its
 * --user-data-dir (default: a fresh temporary folder; the caller removes its own).
 */
export async function launch({ viewport = { width: 1280, height: 800 }, profile } = {}) {
  const dir = profile ?? mkdtempSync(join(tmpdir(), 'statelab-chromium-'));
  return chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
}
