// Files in and out: history export, mock file export and import, input errors, the seed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setup, open, runToEnd, setInput, artifacts, shot } from './helpers.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

async function downloaded(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return JSON.parse(readFileSync(await download.path(), 'utf8'));
}

test('Export history saves the events as GetExecutionHistory JSON', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  // Before any run there is nothing to save: a word instead of an empty file.
  await page.click('#export-history');
  await page.waitForFunction(() => /No events yet/.test(document.querySelector('#notice').textContent));
  assert.equal(await runToEnd(page), 'SUCCEEDED');
  const history = await downloaded(page, () => page.click('#export-history'));
  assert.equal(history.events.length, 39);
  assert.equal(history.events[0].type, 'ExecutionStarted');
  assert.equal(history.events.at(-1).type, 'ExecutionSucceeded');
  assert.match(history.events[0].timestamp, /^2025-01-01T00:00:00/);
});

test('task answers export as a MockConfigFile and import back with a test-case picker', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await page.click('#tab-answers');
  const mock = await downloaded(page, () => page.click('text=Export mock file'));
  const cases = mock.StateMachines.Playground.TestCases.Playground;
  assert.deepEqual(Object.keys(cases).sort(), ['CheckStock', 'NotifyCustomer', 'ProcessPayment', 'ReserveCourier']);
  const payment = mock.MockedResponses[cases.ProcessPayment];
  assert.equal(payment['0'].Throw.Error, 'Payment.GatewayTimeout');
  assert.equal(payment['1'].Return.Payload.transactionId, 'TX-778899');

  // Import a file with two test cases; the second one fails the stock check.
  const file = join(artifacts, 'mock-import.json');
  writeFileSync(
    file,
    JSON.stringify({
      StateMachines: { Shop: { TestCases: { Fine: cases, Empty: { CheckStock: 'Missing' } } } },
      MockedResponses: { ...mock.MockedResponses, Missing: { '0-2': { Return: { Payload: { available: false, warehouse: null } } } } },
    }),
  );
  await page.setInputFiles('#answers input[type=file]', file);
  await page.waitForSelector('.test-case');
  assert.match(await page.textContent('#notice'), /Test case Fine imported: it answers 4 Task state/);
  assert.equal(await runToEnd(page), 'SUCCEEDED');
  await page.selectOption('.test-case', { label: 'Empty' });
  assert.equal(await page.$eval('.answer-card[data-state="ProcessPayment"] select', (s) => s.value), 'none');
  await shot(page, 'answers-imported');
  assert.equal(await runToEnd(page), 'FAILED');
  assert.match(await page.textContent('#inspector'), /Order.OutOfStock/);

  // A file about other states says so (it was silent); a file without test cases is explained.
  writeFileSync(file, JSON.stringify({ StateMachines: { M: { TestCases: { Other: { Elsewhere: 'R' } } } }, MockedResponses: { R: { 0: { Return: 1 } } } }));
  await page.setInputFiles('#answers input[type=file]', file);
  await page.waitForFunction(() => /Other answers none/.test(document.querySelector('#notice').textContent));
  writeFileSync(file, JSON.stringify({ hello: 1 }));
  await page.setInputFiles('#answers input[type=file]', file);
  await page.waitForFunction(() => /could not be read: it has no StateMachines/.test(document.querySelector('#notice').textContent));
});

test('a bad input or a bad mocked value stops Run with a message', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await setInput(page, '{"orderId": ');
  await page.click('#run');
  await page.waitForSelector('.notice-error');
  assert.equal(await page.getAttribute('#tab-input', 'aria-selected'), 'true');
  await page.waitForSelector('#panel-input .cm-lintRange-error, #panel-input .cm-lintPoint-error', { state: 'attached' });
  await setInput(page, '{}');
  await page.click('#tab-answers');
  await page.fill('.answer-card[data-state="CheckStock"] textarea', '{ nope');
  await page.waitForSelector('.answer-card[data-state="CheckStock"] .field-error:not(:empty)');
  await page.click('#run');
  await page.waitForFunction(() => /CheckStock/.test(document.querySelector('#notice').textContent));
  assert.equal(await page.$eval('#run-status', (el) => el.dataset.status), 'idle');
});

test('an input over the service size limit is refused with a readable message', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await setInput(page, JSON.stringify({ data: 'x'.repeat(300 * 1024) }));
  await page.click('#run');
  await page.waitForSelector('.notice-error');
  const text = await page.$eval('#notice .notice-text', (el) => el.textContent);
  // The error class keeps its name in the minified bundle (it read "E: ..." before).
  assert.match(text, /^InvalidExecutionInputError: .*262144 bytes/);
  assert.deepEqual(page.errors, []);
});

test('the seed makes UUIDs repeatable and changes them', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await page.selectOption('#examples', 'intrinsics');
  await page.waitForSelector('[data-node-id="/States/Compute"]');
  const id = async () => {
    assert.equal(await runToEnd(page), 'SUCCEEDED');
    return JSON.parse(await page.textContent('#inspector pre')).id;
  };
  const a = await id();
  const b = await id();
  await page.fill('#seed', '7');
  const c = await id();
  assert.equal(a, b);
  assert.notEqual(a, c);
});

test('a JS handler that does not compile is reported when Run is pressed', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await page.click('#tab-answers');
  await page.selectOption('.answer-card[data-state="CheckStock"] select', 'handler');
  await page.fill('.answer-card[data-state="CheckStock"] textarea', 'return {');
  await page.click('#run');
  await page.waitForFunction(() => /CheckStock.*does not compile/.test(document.querySelector('#notice').textContent));
  assert.equal(await page.$eval('#run-status', (el) => el.dataset.status), 'idle');
  // A working handler answers the task (handlers take precedence over mocks).
  await page.fill('.answer-card[data-state="CheckStock"] textarea', 'return { Payload: { available: context.invocation === 0, warehouse: input.Payload.orderId } };');
  assert.equal(await runToEnd(page), 'SUCCEEDED');
  await page.click('[data-node-id="/States/CheckStock"]');
  await page.waitForSelector('#inspector .step-afterResultSelector');
  assert.deepEqual(JSON.parse(await page.textContent('#inspector .step-afterResultSelector pre')), { available: true, warehouse: 'ORD-1001' });

  // In Portuguese the message is Portuguese (it came from the worker in English).
  await page.selectOption('#lang', 'pt-BR');
  await page.click('#tab-answers');
  await page.fill('.answer-card[data-state="CheckStock"] textarea', 'return {');
  await page.click('#run');
  await page.waitForFunction(() => /O handler de "CheckStock" não compila/.test(document.querySelector('#notice').textContent));
  await page.selectOption('#lang', 'en');
});

test('Copy puts the definition on the clipboard', async () => {
  await env.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.url.replace(/\/$/, '') });
  const page = await env.newPage();
  await open(page, env.url);
  await page.click('#copy-definition');
  await page.waitForSelector('#notice:not([hidden])');
  assert.match(await page.textContent('#notice'), /copied/);
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, await page.evaluate(() => window.__statelab.definitionText()));
  // It goes with the definition: not offered on the other tabs.
  await page.click('#tab-input');
  assert.equal(await page.isVisible('#copy-definition'), false);
  await page.click('#tab-definition');
  assert.equal(await page.isVisible('#copy-definition'), true);
});
