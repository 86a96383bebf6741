// End to end: the playground in headless Chromium (see helpers.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, open, runToEnd, waitForEnd, setDefinition, setInput, shot } from './helpers.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

const status = (page, id) => page.$eval(`[data-node-id="${id}"]`, (el) => el.dataset.status || null);

test('the default example runs to SUCCEEDED: events, node colours, inspector', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await shot(page, 'main-loaded');
  assert.equal(await runToEnd(page), 'SUCCEEDED');
  // The table follows the end of the history; rows are in the DOM only when visible.
  await page.waitForSelector('.ev-row[data-type="ExecutionSucceeded"]');
  const rows = await page.$$eval('.ev-body .ev-row', (els) => els.map((e) => Number(e.dataset.eventId)));
  assert.ok(rows.includes(39), `rows ${rows}`);
  assert.equal(await status(page, '/States/Done'), 'succeeded');
  assert.equal(await status(page, '/States/ProcessPayment'), 'retried');
  assert.equal(await status(page, '/States/Dispatch/Branches/1/States/NotifyCustomer'), 'succeeded');
  assert.equal(await status(page, '/States/OutOfStock'), null);
  assert.match(await page.textContent('#inspector'), /PICKED_UP/);
  await shot(page, 'main-succeeded');

  // A state's data flow: CheckStock's ResultSelector and ResultPath steps.
  await page.click('[data-node-id="/States/CheckStock"]');
  await page.waitForSelector('#inspector .step-afterResultSelector');
  const selector = await page.textContent('#inspector .step-afterResultSelector pre');
  assert.deepEqual(JSON.parse(selector), { available: true, warehouse: 'LIS-1' });
  assert.match(await page.textContent('#inspector .step-afterResultPath pre'), /"stock"/);
  await shot(page, 'main-inspector-state');

  // Its entered event is now selected in the table (scrolled into view).
  await page.waitForSelector('.ev-row.selected[data-event-id="4"]');
  // An event row: the event's details and its state's visit.
  await page.click('.ev-row[data-event-id="7"]');
  await page.waitForSelector('#inspector .insp-event');
  assert.match(await page.textContent('#inspector'), /Event #7: TaskSucceeded/);
  assert.match(await page.textContent('#inspector'), /Entered at event #4/);
  assert.deepEqual(page.errors, []);
});

test('the delivery example also fails as designed with another test case, with caught states', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await page.click('#tab-answers');
  await page.selectOption('.test-case', { label: 'PaymentDeclined' });
  assert.equal(await runToEnd(page), 'FAILED');
  assert.equal(await status(page, '/States/ProcessPayment'), 'caught');
  assert.equal(await status(page, '/States/ReleaseStock'), 'succeeded');
  assert.equal(await status(page, '/States/PaymentDeclined'), 'failed');
  // The caught state's visit names the error that its Catch handled.
  await page.click('[data-node-id="/States/ProcessPayment"]');
  await page.waitForSelector('#inspector .step-error');
  assert.match(await page.textContent('#inspector .step-error'), /Payment.Declined/);
  await shot(page, 'main-failed-caught');
});

test('an error in the editor shows an inline diagnostic at its line, listed in Problems', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  const text = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' }, B: { Type: 'Succeed' } } }, null, 2);
  await setDefinition(page, text);
  const line = text.split('\n').findIndex((l) => l.includes('Nowhere')) + 1;
  await page.waitForSelector('.cm-lintRange-error');
  assert.equal(await page.textContent('.cm-lintRange-error'), '"Nowhere"');
  const problem = await page.waitForSelector(`.problem[data-code="MISSING_TRANSITION_TARGET"]`);
  assert.equal(await problem.getAttribute('data-line'), String(line));
  // Hovering the underline shows the message.
  await page.hover('.cm-lintRange-error');
  await page.waitForSelector('.cm-tooltip-lint');
  assert.match(await page.textContent('.cm-tooltip-lint'), /Nowhere/);
  await page.waitForSelector('#graph-note:not([hidden])');
  assert.match(await page.textContent('#graph-note'), /last valid/);
  await shot(page, 'editor-diagnostic');
  // Clicking the problem moves the cursor there.
  await page.mouse.move(0, 0);
  await problem.click();
  assert.equal(await page.evaluate(() => window.__statelab.cursorLine()), line);
  // Run refuses and says why.
  await page.click('#run');
  await page.waitForSelector('.notice-error');
});

test('a state that failed shows its error and cause in the inspector', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  const definition = { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', Output: '{% $states.input.nope %}', End: true } } };
  await setDefinition(page, JSON.stringify(definition, null, 2));
  await page.waitForSelector('[data-node-id="/States/A"]');
  assert.equal(await runToEnd(page), 'FAILED');
  await page.click('[data-node-id="/States/A"]');
  await page.waitForSelector('#inspector .step-error');
  assert.match(await page.textContent('#inspector .step-error'), /States.QueryEvaluationError/);
  assert.match(await page.textContent('#inspector .step-cause'), /field 'Output'/);
  // A JSONPath state failing without an event of its own: the execution's error.
  await setDefinition(page, JSON.stringify({ StartAt: 'B', States: { B: { Type: 'Pass', InputPath: '$.nope', End: true } } }, null, 2));
  await page.waitForSelector('[data-node-id="/States/B"]');
  assert.equal(await runToEnd(page), 'FAILED');
  await page.click('[data-node-id="/States/B"]');
  await page.waitForSelector('#inspector .step-error');
  assert.match(await page.textContent('#inspector .step-error'), /States.Runtime/);
});

test('a JSONata expression that does not parse is underlined where it is written', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  const text = JSON.stringify(
    { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', Output: '{% $states.input.( %}', End: true } } },
    null,
    2,
  );
  await setDefinition(page, text);
  const line = text.split('\n').findIndex((l) => l.includes('$states.input.(')) + 1;
  const problem = await page.waitForSelector('.problem[data-code="SCHEMA_VALIDATION_FAILED"]');
  assert.equal(await problem.getAttribute('data-line'), String(line));
  assert.match(await problem.textContent(), /S0207/);
  assert.equal(await page.textContent('.cm-lintRange-error'), '"{% $states.input.( %}"');
});

test('Problems lists the diagnostics in the order of the text', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await setDefinition(page, JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B', End: true } } }, null, 2));
  await page.waitForFunction(() => document.querySelectorAll('#problems li').length >= 2);
  const lines = await page.$$eval('#problems .problem', (els) => els.map((e) => Number(e.dataset.line)));
  assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
});

test('a JSON syntax error is placed at its line too', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await setDefinition(page, '{\n  "StartAt": "A",\n  "States": {\n    "A": { "Type": "Pass" "End": true }\n  }\n}');
  const problem = await page.waitForSelector('.problem');
  assert.equal(await problem.getAttribute('data-line'), '4');
  await page.waitForSelector('.cm-lintRange-error');
});

test('Stop ends an endless handler within 2 s (the worker is replaced), and an endless real-time loop', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await setDefinition(
    page,
    JSON.stringify({ StartAt: 'Spin', States: { Spin: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } }, null, 2),
  );
  await page.click('#tab-answers');
  await page.waitForSelector('.answer-card[data-state="Spin"] select');
  await page.selectOption('.answer-card[data-state="Spin"] select', 'handler');
  await page.fill('.answer-card[data-state="Spin"] textarea', 'while (true) {}');
  await page.click('#run');
  await page.waitForSelector('.ev-row[data-type="TaskScheduled"]', { timeout: 10000 });
  const t0 = Date.now();
  await page.click('#stop');
  assert.equal(await waitForEnd(page, 2000), 'ABORTED');
  assert.ok(Date.now() - t0 < 2000);
  assert.equal(await status(page, '/States/Spin'), 'aborted');
  await shot(page, 'stop-handler');
  // The fresh worker runs the next execution.
  await page.fill('.answer-card[data-state="Spin"] textarea', 'return 42;');
  assert.equal(await runToEnd(page), 'SUCCEEDED');

  await setDefinition(
    page,
    JSON.stringify(
      {
        StartAt: 'Tick',
        States: {
          Tick: { Type: 'Wait', Seconds: 1, Next: 'Again?' },
          'Again?': { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }], Default: 'Tick' },
          Done: { Type: 'Succeed' },
        },
      },
      null,
      2,
    ),
  );
  await page.selectOption('#clock', 'real');
  await page.click('#run');
  await page.waitForSelector('.ev-row[data-type="WaitStateEntered"]');
  const t1 = Date.now();
  await page.click('#stop');
  assert.equal(await waitForEnd(page, 2000), 'ABORTED');
  assert.ok(Date.now() - t1 < 2000);
  await page.waitForSelector('.ev-row[data-type="ExecutionAborted"]');
});

test('Step advances one event at a time, then Resume finishes', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await page.click('#step');
  await page.waitForSelector('.ev-row[data-event-id="1"]');
  assert.equal(await page.$eval('#run-status', (el) => el.dataset.status), 'paused');
  await page.click('#step');
  await page.waitForSelector('.ev-row[data-event-id="2"]');
  await page.click('#step');
  await page.waitForSelector('.ev-row[data-event-id="3"]');
  assert.equal(await page.$$eval('.ev-body .ev-row', (els) => els.length), 3);
  assert.equal(await status(page, '/States/ReceiveOrder'), 'succeeded');
  assert.equal(await status(page, '/States/CheckStock'), null);
  await page.click('#step');
  await page.waitForSelector('.ev-row[data-event-id="4"]');
  assert.equal(await status(page, '/States/CheckStock'), 'running');
  await shot(page, 'step-mode');
  assert.equal(await page.textContent('#run'), 'Resume');
  // Ctrl+Enter resumes (runs) from the editor.
  await page.click('#definition-editor .cm-content');
  await page.keyboard.press('Control+Enter');
  assert.equal(await waitForEnd(page), 'SUCCEEDED');
});

test('a shared link loads the content and does not run it', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  const definition = JSON.stringify({ Comment: 'shared ✓ çã', StartAt: 'Only', States: { Only: { Type: 'Pass', Result: 1, End: true } } }, null, 2);
  await setDefinition(page, definition);
  await setInput(page, '{"shared": true}');
  await page.click('#share');
  const url = await page.inputValue('.share-url');
  assert.match(url, /#s=[A-Za-z0-9_-]+$/);

  const other = await env.newPage();
  await other.goto(url);
  await other.waitForSelector('body[data-ready="true"]');
  await other.waitForSelector('[data-node-id="/States/Only"]');
  assert.equal(await other.evaluate(() => window.__statelab.definitionText()), definition);
  assert.equal(await other.evaluate(() => window.__statelab.inputText()), '{"shared": true}');
  await other.waitForTimeout(500);
  assert.equal(await other.$$eval('.ev-body .ev-row', (els) => els.length), 0);
  assert.equal(await other.$eval('#run-status', (el) => el.dataset.status), 'idle');
  assert.match(await other.textContent('#notice'), /Nothing has run/);
  await shot(other, 'shared-link');
  assert.equal(await runToEnd(other), 'SUCCEEDED');

  // A link with JS handlers says so, and still runs nothing.
  await page.selectOption('#examples', 'retry');
  await page.click('#tab-answers');
  await page.selectOption('.answer-card[data-state="Charge"] select', 'handler');
  await page.fill('.answer-card[data-state="Charge"] textarea', 'throw new TaskFailure("Card.Declined", "from a shared handler");');
  await page.click('#share');
  await page.waitForFunction((first) => document.querySelector('.share-url')?.value !== first, url);
  const withCode = await page.inputValue('.share-url');
  const third = await env.newPage();
  await third.goto(withCode);
  await third.waitForSelector('body[data-ready="true"]');
  assert.match(await third.textContent('#notice'), /JavaScript/);
  assert.equal(await third.$$eval('.ev-body .ev-row', (els) => els.length), 0);
  await third.click('#tab-answers');
  assert.match(await third.inputValue('.answer-card[data-state="Charge"] textarea'), /from a shared handler/);
  assert.equal(await runToEnd(third), 'SUCCEEDED');
  assert.match(await third.textContent('#inspector'), /refunded/);

  // A link too long for chat apps and mail says so.
  await page.evaluate(() => window.__statelab.setInput(JSON.stringify({ noise: Array.from({ length: 8000 }, () => Math.random().toString(36)).join('') })));
  await page.click('#share');
  await page.waitForFunction(() => /KB: chat apps|KB long/.test(document.querySelector('#notice').textContent));
  assert.ok(await page.$('#notice.notice-warning'));

  // The same link pasted into an open playground (a hash change, no reload) warns too.
  await other.goto(withCode);
  await other.waitForFunction(() => /Charge/.test(window.__statelab.definitionText()));
  assert.match(await other.textContent('#notice'), /JavaScript/);
  assert.equal(await other.$eval('#run-status', (el) => el.dataset.status), 'idle');
});

test('state names and payloads are shown as text, never as markup', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  const evil = '<img src=x onerror=alert(1)>';
  await setDefinition(
    page,
    JSON.stringify({ StartAt: evil, States: { [evil]: { Type: 'Pass', Next: 'Fail <b>bold</b>' }, 'Fail <b>bold</b>': { Type: 'Fail', Error: '<script>alert(3)</script>', Cause: '<img src=y onerror=alert(4)>' } } }, null, 2),
  );
  await setInput(page, '{"html": "<script>alert(2)</script>", "img": "<img src=z onerror=alert(5)>"}');
  await page.waitForSelector('[data-node-id="/States/<img src=x onerror=alert(1)>"]');
  assert.equal(await runToEnd(page), 'FAILED');
  await page.click('[data-node-id="/States/<img src=x onerror=alert(1)>"]');
  await page.waitForSelector('#inspector .step-input');
  await page.waitForTimeout(300);
  assert.deepEqual(page.dialogs, []);
  assert.equal(await page.$$eval('img', (els) => els.length), 0);
  assert.equal(await page.$$eval('b, script:not([src])', (els) => els.filter((e) => e.closest('#graph, #inspector, #events-table')).length), 0);
  assert.match(await page.textContent('#graph'), /<img src=x onerror=alert\(1\)>/);
  assert.match(await page.textContent('#inspector'), /<script>alert\(2\)<\/script>/);
  assert.match(await page.textContent('#events-table'), /<img src=x onerror=alert\(1\)>/);
  await shot(page, 'xss');
});

test('Portuguese: switch, remembered, and the default for a pt browser', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await page.selectOption('#lang', 'pt-BR');
  assert.equal(await page.textContent('#run'), 'Executar');
  assert.equal(await page.textContent('#tab-input'), 'Entrada');
  assert.equal(await page.getAttribute('html', 'lang'), 'pt-BR');
  assert.equal(await runToEnd(page), 'SUCCEEDED');
  assert.equal(await page.textContent('#run-status'), 'Sucesso');
  // CodeMirror's own texts too: the search panel.
  await page.click('#definition-editor .cm-content');
  await page.keyboard.press('Control+f');
  assert.equal(await page.getAttribute('#definition-editor .cm-search input[name="search"]', 'placeholder'), 'Procurar');
  await shot(page, 'portuguese');
  await page.keyboard.press('Escape');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.textContent('#run'), 'Executar');
  await page.selectOption('#lang', 'en');

  const pt = await env.newPage({ lang: 'pt-BR' });
  await page.evaluate(() => localStorage.removeItem('statelab.lang'));
  await open(pt, env.url);
  assert.equal(await pt.textContent('#step'), 'Passo');
});

test('Portuguese at 1366 px: the header stays on one line while a run is paused or running', async () => {
  const page = await env.newPage({ lang: 'pt-BR' });
  await open(page, env.url);
  const height = () => page.$eval('header.top', (el) => el.offsetHeight);
  const idle = await height();
  await page.click('#step');
  await page.waitForFunction(() => document.querySelector('#run-status').dataset.status === 'paused');
  assert.equal(await page.textContent('#run'), 'Continuar');
  assert.equal(await height(), idle, 'paused');
  // The callback example waits (running) for its token.
  await page.click('#stop');
  await waitForEnd(page);
  await page.selectOption('#examples', 'callback');
  await page.click('#run');
  await page.waitForSelector('#tokens:not([hidden]) button', { timeout: 10000 });
  assert.equal(await page.$eval('#run-status', (el) => el.dataset.status), 'running');
  assert.equal(await height(), idle, 'running');
  await shot(page, 'portuguese-running');
});

test('a 24,000-event history stays virtualised', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await setDefinition(
    page,
    JSON.stringify(
      {
        StartAt: 'Init',
        States: {
          Init: { Type: 'Pass', Result: 0, ResultPath: '$.n', Next: 'Inc' },
          Inc: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'More?' },
          'More?': { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 5999, Next: 'Inc' }], Default: 'Done' },
          Done: { Type: 'Succeed' },
        },
      },
      null,
      2,
    ),
  );
  await page.waitForSelector('[data-node-id="/States/More?"]');
  assert.equal(await runToEnd(page, { timeout: 60000 }), 'SUCCEEDED');
  const count = await page.$$eval('.ev-body .ev-row', (els) => els.length);
  assert.ok(count < 100, `${count} rows in the DOM`);
  const total = await page.$eval('.ev-grid', (el) => Number(el.getAttribute('aria-rowcount')) - 1);
  assert.ok(total > 23000, `${total} events`);
  await page.$eval('.ev-scroll', (el) => (el.scrollTop = el.scrollHeight / 2));
  await page.waitForTimeout(100);
  const ids = await page.$$eval('.ev-body .ev-row', (els) => els.map((e) => Number(e.dataset.eventId)));
  assert.ok(ids.some((id) => id > 10000 && id < 14000), `ids around the middle: ${ids.slice(0, 3)}`);
  await shot(page, 'big-history');
});

test('an endless loop with the limits lifted ends cleanly at 500,000 events (not in an engine crash)', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await page.evaluate(() => window.__statelab.setLimits('lifted'));
  await setDefinition(
    page,
    JSON.stringify({
      StartAt: 'P',
      States: {
        P: { Type: 'Pass', Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'D' }], Default: 'P' },
        D: { Type: 'Succeed' },
      },
    }),
  );
  await page.waitForSelector('[data-node-id="/States/D"]');
  assert.equal(await runToEnd(page, { timeout: 90000 }), 'FAILED');
  assert.match(await page.textContent('#inspector'), /maximum number of history events \(500000\)/);
  assert.equal(await page.$$eval('.notice-error:not([hidden])', (els) => els.length), 0);
});

test('6-digit event ids fit the events table (limits lifted)', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await page.evaluate(() => window.__statelab.setLimits('lifted'));
  await setDefinition(
    page,
    JSON.stringify({
      StartAt: 'Init',
      States: {
        Init: { Type: 'Pass', Result: 0, ResultPath: '$.n', Next: 'Inc' },
        Inc: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'More?' },
        'More?': { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 26000, Next: 'Inc' }], Default: 'Done' },
        Done: { Type: 'Succeed' },
      },
    }),
  );
  await page.waitForSelector('[data-node-id="/States/More?"]');
  assert.equal(await runToEnd(page, { timeout: 60000 }), 'SUCCEEDED');
  await page.waitForFunction(() => Number(document.querySelector('.ev-body .ev-row:last-child')?.dataset.eventId) > 100000);
  const cell = await page.$eval('.ev-body .ev-row:last-child .ev-c0', (el) => ({ text: el.textContent, fits: el.scrollWidth <= el.clientWidth }));
  assert.ok(cell.fits, `id ${cell.text} is cut`);
  await shot(page, 'six-digit-ids');
});

test('a shared definition with errors shows them although the engine loads slowly', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await setDefinition(page, JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } }, null, 2));
  await page.click('#share');
  const url = await page.inputValue('.share-url');
  const slow = await env.newPage();
  // The first check of the text happens before the engine is there.
  await slow.route('**/statelab_bg.wasm', async (route) => {
    await new Promise((r) => setTimeout(r, 1200));
    await route.continue();
  });
  await slow.goto(url);
  await slow.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 20000 });
  await slow.waitForSelector('#problems li', { timeout: 3000 });
  assert.match(await slow.textContent('#problems'), /Nowhere/);
  assert.match(await slow.textContent('#problems-count'), /Errors: [1-9]/);
});

test('a clear message when the engine cannot be loaded', async () => {
  const page = await env.newPage();
  await page.route('**/statelab_bg.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto(env.url);
  await page.waitForSelector('#load-error:not([hidden])');
  assert.match(await page.textContent('#load-error'), /could not be loaded/);
  assert.ok(await page.$eval('#run', (b) => b.disabled));
  await shot(page, 'engine-failed');
});

test('an edited example can be restored by picking it again', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  const original = await page.evaluate(() => window.__statelab.definitionText());
  assert.equal(await page.inputValue('#examples'), 'delivery');
  await page.click('#definition-editor .cm-content');
  await page.keyboard.press('Control+Home');
  await page.keyboard.type(' ');
  assert.equal(await page.inputValue('#examples'), '');
  await page.selectOption('#examples', 'delivery');
  await page.waitForFunction((t) => window.__statelab.definitionText() === t, original);
});

test('completion offers state names after "Next" and fields of the state type', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await setDefinition(page, '{\n  "StartAt": "A",\n  "States": {\n    "A": { "Type": "Task", "Resource": "x", "Next": "" },\n    "Bee": { "Type": "Succeed" }\n  }\n}');
  const pos = await page.evaluate(() => window.__statelab.definitionText().indexOf('"Next": ""') + 9);
  await page.evaluate((p) => window.__statelab.setCursor(p), pos);
  await page.keyboard.press('Control+Space');
  await page.waitForSelector('.cm-tooltip-autocomplete');
  assert.match(await page.textContent('.cm-tooltip-autocomplete'), /Bee/);
  await page.keyboard.press('Escape');
  const keyPos = await page.evaluate(() => window.__statelab.definitionText().indexOf('"Resource"') + 1);
  await page.evaluate((p) => window.__statelab.setCursor(p), keyPos);
  await page.keyboard.press('Control+Space');
  await page.waitForSelector('.cm-tooltip-autocomplete');
  const options = await page.textContent('.cm-tooltip-autocomplete');
  assert.match(options, /ResultSelector/);
  assert.match(options, /TimeoutSeconds/);
  assert.doesNotMatch(options, /Choices/);
});

test('readable on a phone (stacked)', async () => {
  const page = await env.newPage({ viewport: { width: 390, height: 844 } });
  await open(page, env.url);
  assert.equal(await runToEnd(page), 'SUCCEEDED');
  await shot(page, 'phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
});

test('keyboard only: Run, the events table and a graph node', async () => {
  const page = await env.newPage();
  await open(page, env.url);
  await page.focus('#run');
  await page.keyboard.press('Enter');
  assert.equal(await waitForEnd(page), 'SUCCEEDED');
  await page.focus('.ev-scroll');
  await page.keyboard.press('Home');
  await page.waitForSelector('.ev-row.selected[data-event-id="1"]');
  await page.keyboard.press('ArrowDown');
  await page.waitForSelector('.ev-row.selected[data-event-id="2"]');
  await page.waitForFunction(() => /ReceiveOrder/.test(document.querySelector('#inspector').textContent));
  await page.keyboard.press('End');
  await page.waitForSelector('.ev-row.selected[data-event-id="39"]');
  await page.focus('[data-node-id="/States/CheckStock"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#inspector .step-afterResultSelector');
  await shot(page, 'keyboard');
  await page.click('#show-result');
  assert.match(await page.textContent('#inspector'), /PICKED_UP/);
});
