// Every example of the gallery runs to its intended end in the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, open, waitForEnd, shot } from './helpers.mjs';

let env;
let page;
before(async () => {
  env = await setup();
  page = await env.newPage();
  await open(page, env.url);
});
after(async () => {
  await env?.close();
});

const ids = ['delivery', 'choice', 'parallel', 'map', 'retry', 'wait', 'intrinsics', 'callback', 'jsonata', 'variables'];

test('the picker lists every example', async () => {
  const values = await page.$$eval('#examples option', (els) => els.map((e) => e.value).filter(Boolean));
  assert.deepEqual(values, ids);
});

for (const id of ids) {
  test(`example ${id} runs to SUCCEEDED`, async () => {
    await page.selectOption('#examples', id);
    await page.waitForFunction(() => document.querySelectorAll('[data-node-id]').length > 0 && !document.querySelector('#graph[data-stale]'));
    await page.waitForFunction(() => document.querySelector('#problems-count')?.dataset.state === 'ok');
    await page.click('#run');
    if (id === 'callback') {
      const token = await page.waitForSelector('#tokens .token');
      assert.match(await token.textContent(), /Ask approval/);
      await shot(page, 'example-callback-token');
      await page.fill('#tokens .token textarea', '{"approved": true, "by": "Rita"}');
      await page.click('#tokens .token button.ok');
    }
    const status = await waitForEnd(page);
    const cause = status === 'SUCCEEDED' ? '' : await page.textContent('#inspector');
    assert.equal(status, 'SUCCEEDED', `${id}: ${cause} ${page.errors.join('\n')}`);
    if (['map', 'retry', 'jsonata', 'parallel'].includes(id)) await shot(page, `example-${id}`);
    const nodeStatuses = await page.$$eval('[data-node-id][data-status]', (els) => els.map((e) => e.dataset.status));
    assert.ok(nodeStatuses.length > 0);
    assert.ok(!nodeStatuses.includes('running'), `${id}: a state still running`);
  });
}

test('the retry example marks the retried and caught task', async () => {
  await page.selectOption('#examples', 'retry');
  await page.waitForSelector('[data-node-id="/States/Charge"]');
  await page.click('#run');
  assert.equal(await waitForEnd(page), 'SUCCEEDED');
  assert.equal(await page.$eval('[data-node-id="/States/Charge"]', (e) => e.dataset.status), 'caught');
  assert.equal(await page.$eval('[data-node-id="/States/Refund"]', (e) => e.dataset.status), 'succeeded');
});

test('a Map state: each inner visit can be picked in the inspector', async () => {
  await page.selectOption('#examples', 'map');
  await page.waitForSelector('[data-node-id="/States/PriceLines/ItemProcessor/States/Bulk?"]');
  await page.click('#run');
  assert.equal(await waitForEnd(page), 'SUCCEEDED');
  await page.click('[data-node-id="/States/PriceLines/ItemProcessor/States/Bulk?"]');
  const picker = await page.waitForSelector('#inspector .insp-visits');
  assert.equal(await picker.$$eval('option', (o) => o.length), 3);
  // Each visit names its Map item; the item with index 1 is sku B.
  const options = await picker.$$eval('option', (o) => o.map((x) => x.textContent));
  const one = options.findIndex((o) => /item 1\)/.test(o));
  assert.ok(one >= 0, options.join(' | '));
  await picker.selectOption(String(one));
  await page.waitForSelector('#inspector .step-input');
  assert.match(await page.textContent('#inspector .step-input pre'), /"sku": "B"/);
  assert.match(await page.textContent('#inspector .insp-visit-of'), /Map item 1 of PriceLines/);
  // The visit's entered event is selected in the table.
  const entered = await page.$eval('#inspector .insp-visits', (s) => s.selectedOptions[0].textContent.match(/#(\d+)/)[1]);
  await page.waitForSelector(`.ev-row.selected[data-event-id="${entered}"]`);
  await shot(page, 'inspector-map-visits');
});

test('the callback example fails through its Catch when the token gets a Failure', async () => {
  await page.selectOption('#examples', 'callback');
  await page.waitForSelector('[data-node-id="/States/Ask approval"]');
  await page.click('#run');
  await page.waitForSelector('#tokens .token');
  await page.fill('#tokens .token input[type=text] >> nth=1', 'over budget');
  await page.click('#tokens .token button.danger');
  assert.equal(await waitForEnd(page), 'FAILED');
  assert.match(await page.textContent('#inspector'), /Expense\.Rejected/);
  assert.match(await page.textContent('#inspector'), /over budget/);
  assert.equal(await page.$eval('[data-node-id="/States/Ask approval"]', (e) => e.dataset.status), 'caught');
  assert.ok(await page.$eval('#tokens', (e) => e.hidden));
});
