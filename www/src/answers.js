// Task answers: for each Task state, a list of mocked responses (Return a JSON value or
// Throw an error and cause, one per invocation) or a small JS handler (compiled in the
// worker, only when Run is pressed). Import and export a Step Functions Local
// MockConfigFile.
import { h, download } from './dom.js';

export const DEFAULT_HANDLER = '// input, context and TaskFailure are in scope; may await.\nreturn { ok: true, input };';

/** An empty answer for a Task state. */
export function emptyAnswer() {
  return { mode: 'none', responses: [], handler: DEFAULT_HANDLER };
}

/** Responses of a MockedResponses entry in invocation order ("0", "1-3", …). */
function expandResponses(entry) {
  const out = [];
  const keys = Object.keys(entry ?? {}).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
  for (const key of keys) {
    const [a, b] = key.split('-').map((n) => parseInt(n, 10));
    const count = Number.isInteger(b) ? Math.min(20, Math.max(1, b - a + 1)) : 1;
    const r = entry[key];
    for (let i = 0; i < count; i++) {
      if (r && 'Throw' in r) out.push({ kind: 'Throw', error: r.Throw?.Error ?? '', cause: r.Throw?.Cause ?? '' });
      else out.push({ kind: 'Return', value: JSON.stringify(r?.Return ?? null, null, 2) });
    }
  }
  return out;
}

/** The test cases of a MockConfigFile: [{ machine, testCase }]. */
export function testCasesOf(mock) {
  const cases = [];
  for (const [machine, m] of Object.entries(mock?.StateMachines ?? {})) {
    for (const testCase of Object.keys(m?.TestCases ?? {})) cases.push({ machine, testCase });
  }
  return cases;
}

/** The answers of one test case of a MockConfigFile: { stateName: answer }. */
export function answersFromMock(mock, machine, testCase) {
  const states = {};
  const tc = mock?.StateMachines?.[machine]?.TestCases?.[testCase] ?? {};
  for (const [stateName, responseName] of Object.entries(tc)) {
    states[stateName] = { ...emptyAnswer(), mode: 'mock', responses: expandResponses(mock.MockedResponses?.[responseName]) };
  }
  return states;
}

/**
 * What the worker needs: `{ mock, handlers }` from the answers of these Task states.
 * Throws an Error naming the state when a Return value is not JSON.
 */
export function runAnswers(answers, taskNames) {
  const testCase = {};
  const responses = {};
  const handlers = {};
  let n = 0;
  for (const name of taskNames) {
    const a = answers[name];
    if (!a) continue;
    if (a.mode === 'handler') handlers[name] = a.handler;
    else if (a.mode === 'mock' && a.responses.length) {
      const key = `R${n++}`;
      testCase[name] = key;
      const entry = {};
      a.responses.forEach((r, i) => {
        if (r.kind === 'Throw') entry[String(i)] = { Throw: { Error: r.error || 'Error', ...(r.cause ? { Cause: r.cause } : {}) } };
        else {
          let value;
          try {
            value = JSON.parse(r.value.trim() === '' ? 'null' : r.value);
          } catch (e) {
            const err = new Error(`${name} #${i + 1}: ${e.message}`);
            err.stateName = name;
            throw err;
          }
          entry[String(i)] = { Return: value };
        }
      });
      responses[key] = entry;
    }
  }
  const mock = n ? { StateMachines: { Playground: { TestCases: { Playground: testCase } } }, MockedResponses: responses } : null;
  return { mock, handlers };
}

/** The answers panel. `getTasks()` → Task nodes of the current graph; `answers` is shared state. */
export function createAnswersPanel(container, { t, getTasks, getAnswers, setAnswers, onError, onNotice }) {
  let imported = null; // { mock, cases }
  let chosenCase = '';

  function update(name, f) {
    const answers = getAnswers();
    const a = (answers[name] ??= emptyAnswer());
    f(a);
    setAnswers(answers);
  }

  function responseRow(name, r, i) {
    const kind = h(
      'select',
      {
        'aria-label': t('answers.kind'),
        onchange: () => {
          update(name, (a) => {
            a.responses[i] = kind.value === 'Throw' ? { kind: 'Throw', error: 'Error', cause: '' } : { kind: 'Return', value: '{}' };
          });
          render();
        },
      },
      h('option', { value: 'Return', selected: r.kind === 'Return' }, t('answers.return')),
      h('option', { value: 'Throw', selected: r.kind === 'Throw' }, t('answers.throw')),
    );
    const remove = h(
      'button',
      {
        type: 'button',
        class: 'small',
        'aria-label': t('answers.removeResponse', { n: i + 1 }),
        onclick: () => {
          update(name, (a) => a.responses.splice(i, 1));
          render();
        },
      },
      '×',
    );
    const head = h('div', { class: 'resp-head' }, h('span', { class: 'resp-n' }, t('answers.invocation', { n: i + 1 })), kind, remove);
    if (r.kind === 'Throw') {
      const error = h('input', {
        type: 'text',
        value: r.error,
        'aria-label': t('answers.error'),
        placeholder: t('answers.error'),
        oninput: () => update(name, (a) => (a.responses[i].error = error.value)),
      });
      const cause = h('input', {
        type: 'text',
        value: r.cause,
        'aria-label': t('answers.cause'),
        placeholder: t('answers.cause'),
        oninput: () => update(name, (a) => (a.responses[i].cause = cause.value)),
      });
      return h('div', { class: 'resp' }, head, h('div', { class: 'resp-throw' }, error, cause));
    }
    const bad = h('p', { class: 'field-error', role: 'status' });
    const check = (text) => {
      try {
        JSON.parse(text.trim() === '' ? 'null' : text);
        bad.textContent = '';
      } catch (e) {
        bad.textContent = e.message;
      }
    };
    const value = h('textarea', {
      rows: String(Math.min(8, Math.max(2, r.value.split('\n').length))),
      spellcheck: 'false',
      'aria-label': t('answers.returnValue', { n: i + 1 }),
      value: r.value,
      oninput: () => {
        check(value.value);
        update(name, (a) => (a.responses[i].value = value.value));
      },
    });
    check(r.value);
    return h('div', { class: 'resp' }, head, value, bad);
  }

  function card(node) {
    const name = node.name;
    const a = getAnswers()[name] ?? emptyAnswer();
    const mode = h(
      'select',
      {
        'aria-label': t('answers.mode', { name }),
        onchange: () => {
          update(name, (x) => {
            x.mode = mode.value;
            if (x.mode === 'mock' && !x.responses.length) x.responses.push({ kind: 'Return', value: '{}' });
          });
          render();
        },
      },
      h('option', { value: 'mock', selected: a.mode === 'mock' }, t('answers.modeMock')),
      h('option', { value: 'handler', selected: a.mode === 'handler' }, t('answers.modeHandler')),
      h('option', { value: 'none', selected: a.mode === 'none' }, t('answers.modeNone')),
    );
    const body = [];
    if (a.mode === 'mock') {
      a.responses.forEach((r, i) => body.push(responseRow(name, r, i)));
      body.push(
        h(
          'button',
          {
            type: 'button',
            class: 'small',
            onclick: () => {
              update(name, (x) => x.responses.push({ kind: 'Return', value: '{}' }));
              render();
            },
          },
          t('answers.addResponse'),
        ),
      );
    } else if (a.mode === 'handler') {
      const code = h('textarea', {
        class: 'handler-code',
        rows: '6',
        spellcheck: 'false',
        'aria-label': t('answers.handlerCode', { name }),
        value: a.handler,
        oninput: () => update(name, (x) => (x.handler = code.value)),
      });
      body.push(h('p', { class: 'hint' }, t('answers.handlerHint')), code);
    } else {
      body.push(h('p', { class: 'hint' }, node.resource?.endsWith('.waitForTaskToken') ? t('answers.noneToken') : t('answers.noneHint')));
    }
    return h(
      'section',
      { class: 'answer-card', dataset: { state: name } },
      h('div', { class: 'answer-title' }, h('h3', {}, name), mode),
      node.resource ? h('p', { class: 'resource' }, node.resource) : null,
      ...body,
    );
  }

  function toolbar() {
    const file = h('input', {
      type: 'file',
      accept: '.json,application/json',
      class: 'visually-hidden',
      'aria-label': t('answers.import'),
      onchange: async () => {
        const f = file.files?.[0];
        if (!f) return;
        try {
          importMock(JSON.parse(await f.text()));
          // Say what was imported: a test case about other states changes nothing.
          const names = new Set(getTasks().map((n) => n.name));
          const answered = Object.entries(getAnswers()).filter(([n, a]) => names.has(n) && a.mode === 'mock' && a.responses.length).length;
          const testCase = chosenCase.slice(chosenCase.indexOf('/') + 1);
          if (answered) onNotice?.(t('answers.imported', { testCase, n: answered }));
          else onError(t('answers.importedNone', { testCase }));
        } catch (e) {
          onError(t('answers.importFailed', { message: e.message }));
        }
        file.value = '';
      },
    });
    const items = [
      h('button', { type: 'button', onclick: () => file.click() }, t('answers.import')),
      file,
      h('button', { type: 'button', onclick: exportMock }, t('answers.export')),
    ];
    // The test-case picker, while the imported file still speaks of this definition's tasks.
    const names = new Set(getTasks().map((n) => n.name));
    const relevant =
      imported &&
      imported.cases.some((c) => Object.keys(imported.mock.StateMachines[c.machine].TestCases[c.testCase] ?? {}).some((n) => names.has(n)));
    if (relevant && imported.cases.length > 1) {
      const select = h(
        'select',
        {
          class: 'test-case',
          'aria-label': t('answers.testCase'),
          onchange: () => applyCase(select.value),
        },
        imported.cases.map((c) => h('option', { value: `${c.machine}/${c.testCase}`, selected: `${c.machine}/${c.testCase}` === chosenCase }, c.testCase)),
      );
      items.push(h('label', { class: 'inline' }, t('answers.testCase'), ' ', select));
    }
    return h('div', { class: 'answers-toolbar' }, ...items);
  }

  function applyCase(id) {
    const c = imported.cases.find((x) => `${x.machine}/${x.testCase}` === id) ?? imported.cases[0];
    if (!c) return;
    chosenCase = `${c.machine}/${c.testCase}`;
    const from = answersFromMock(imported.mock, c.machine, c.testCase);
    const answers = getAnswers();
    for (const [name, a] of Object.entries(answers)) if (a.mode === 'mock') answers[name] = { ...a, mode: 'none', responses: [] };
    Object.assign(answers, from);
    setAnswers(answers);
    render();
  }

  function importMock(mock, testCase) {
    const cases = testCasesOf(mock);
    if (!cases.length) throw new Error(t('answers.noTestCases'));
    imported = { mock, cases };
    const c = cases.find((x) => x.testCase === testCase) ?? cases[0];
    applyCase(`${c.machine}/${c.testCase}`);
  }

  function exportMock() {
    try {
      const { mock } = runAnswers(getAnswers(), getTasks().map((n) => n.name));
      download('mock-config.json', `${JSON.stringify(mock ?? { StateMachines: {}, MockedResponses: {} }, null, 2)}\n`);
    } catch (e) {
      onError(e.message);
    }
  }

  function render() {
    const tasks = getTasks();
    const cards = tasks.map(card);
    container.replaceChildren(toolbar(), ...(cards.length ? cards : [h('p', { class: 'hint' }, t('answers.noTasks'))]));
  }

  return {
    render,
    importMock(mock, testCase) {
      importMock(mock, testCase);
    },
    reset() {
      imported = null;
      chosenCase = '';
    },
    exportMock,
  };
}
