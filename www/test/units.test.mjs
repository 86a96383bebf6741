// The playground's pure modules, in Node: JSON Pointer placement, diagnostics ranges,
// node statuses from events, task answers ↔ MockConfigFile, share-link encoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locatePointer } from '../src/json-pointer.js';
import { diagnosticRange, lineColumn, stateNames } from '../src/editor.js';
import { createStatusTracker } from '../src/statuses.js';
import { answersFromMock, runAnswers, testCasesOf } from '../src/answers.js';
import { decodeShare, encodeShare } from '../src/share.js';
import { elapsed } from '../src/events-table.js';

const text = '{\n  "StartAt": "A",\n  "States": {\n    "A": { "Type": "Pass", "Next": "B" },\n    "C": [1, { "x": 2 }]\n  }\n}';

test('JSON Pointers find their value, escaped tokens too', () => {
  const at = (p) => {
    const r = locatePointer(text, p);
    return r && text.slice(r.from, r.to);
  };
  assert.equal(at('/StartAt'), '"A"');
  assert.equal(at('/States/A/Next'), '"B"');
  assert.equal(at('/States/C/1/x'), '2');
  assert.equal(locatePointer('{"a/b": {"m~n": 5}}', '/a~1b/m~0n').from, 16);
  assert.equal(locatePointer('not json', '/a'), null);
});

test('diagnostics go to their line and column, else their pointer, else the start', () => {
  const byLine = diagnosticRange(text, { line: 4, column: 36 });
  assert.equal(text.slice(byLine.from, byLine.to), '"B"');
  const byPointer = diagnosticRange(text, { location: '/States/C' });
  assert.equal(text.slice(byPointer.from, byPointer.to), '"C"');
  assert.deepEqual(diagnosticRange(text, {}), { from: 0, to: 1 });
  assert.deepEqual(lineColumn(text, byLine.from), { line: 4, column: 36 });
});

test('state names of nested blocks', () => {
  const def = {
    StartAt: 'P',
    States: {
      P: { Type: 'Parallel', Branches: [{ StartAt: 'B1', States: { B1: { Type: 'Pass', End: true } } }], Next: 'M' },
      M: { Type: 'Map', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, End: true },
    },
  };
  assert.deepEqual(stateNames(def), ['P', 'B1', 'M', 'I']);
});

test('node statuses: retried, caught, failed at the end, aborted', () => {
  const statuses = new Map();
  const parents = { '/States/Pay': null, '/States/Refund': null, '/States/Fail': null, '/States/B/Branches/0/States/X': '/States/B/Branches/0' };
  const tr = createStatusTracker({ parentOf: (id) => parents[id] ?? null, setStatus: (id, s) => statuses.set(id, s) });
  const ev = (type, nodeId) => tr.apply({ event: { type }, nodeId });
  ev('TaskStateEntered', '/States/Pay');
  ev('TaskScheduled', '/States/Pay');
  ev('TaskFailed', '/States/Pay');
  ev('TaskScheduled', '/States/Pay');
  assert.equal(statuses.get('/States/Pay'), 'retried');
  ev('TaskFailed', '/States/Pay');
  assert.equal(statuses.get('/States/Pay'), 'failed');
  ev('TaskStateExited', '/States/Pay');
  assert.equal(statuses.get('/States/Pay'), 'caught');
  ev('PassStateEntered', '/States/Refund');
  ev('PassStateExited', '/States/Refund');
  assert.equal(statuses.get('/States/Refund'), 'succeeded');
  ev('FailStateEntered', '/States/Fail');
  ev('ExecutionFailed', null);
  assert.equal(statuses.get('/States/Fail'), 'failed');
  tr.reset();
  ev('TaskStateEntered', '/States/B/Branches/0/States/X');
  tr.abortRunning();
  assert.equal(statuses.get('/States/B/Branches/0/States/X'), 'aborted');
});

test('task answers become a MockConfigFile and come back from one', () => {
  const answers = {
    A: { mode: 'mock', responses: [{ kind: 'Throw', error: 'E', cause: 'c' }, { kind: 'Return', value: '{"ok": 1}' }], handler: '' },
    B: { mode: 'handler', responses: [], handler: 'return 1;' },
    C: { mode: 'none', responses: [], handler: '' },
  };
  const { mock, handlers } = runAnswers(answers, ['A', 'B', 'C']);
  assert.deepEqual(handlers, { B: 'return 1;' });
  assert.deepEqual(mock, {
    StateMachines: { Playground: { TestCases: { Playground: { A: 'R0' } } } },
    MockedResponses: { R0: { 0: { Throw: { Error: 'E', Cause: 'c' } }, 1: { Return: { ok: 1 } } } },
  });
  assert.deepEqual(testCasesOf(mock), [{ machine: 'Playground', testCase: 'Playground' }]);
  const back = answersFromMock(mock, 'Playground', 'Playground');
  assert.deepEqual(back.A.responses, [{ kind: 'Throw', error: 'E', cause: 'c' }, { kind: 'Return', value: '{\n  "ok": 1\n}' }]);
  const ranged = answersFromMock({ StateMachines: { M: { TestCases: { T: { A: 'R' } } } }, MockedResponses: { R: { '0-2': { Return: 1 }, 3: { Throw: { Error: 'X' } } } } }, 'M', 'T');
  assert.deepEqual(ranged.A.responses.map((r) => r.kind), ['Return', 'Return', 'Return', 'Throw']);
  assert.throws(() => runAnswers({ A: { mode: 'mock', responses: [{ kind: 'Return', value: '{' }] } }, ['A']), /A #1/);
});

test('share links round-trip, unicode included, and refuse garbage', async () => {
  const content = { definition: '{"Comment": "çã ✓ 🚀"}', input: '{}', answers: { A: { mode: 'none' } } };
  const hash = await encodeShare(content);
  assert.match(hash, /^#s=[A-Za-z0-9_-]+$/);
  assert.deepEqual(await decodeShare(hash), { v: 1, ...content });
  assert.equal(await decodeShare('#other'), null);
  await assert.rejects(decodeShare('#s=AAAA'));
});

test('elapsed times stay short enough for their column', () => {
  const start = Date.parse('2025-01-01T00:00:00Z');
  const at = (iso) => elapsed({ timestamp: iso }, start);
  assert.equal(at('2025-01-01T00:30:02Z'), '+1802.000s');
  assert.equal(at('2025-01-01T05:07:00Z'), '+5h 7m');
  // A one-year Wait in virtual time read "+3153600…".
  assert.equal(at('2026-01-01T00:00:00.001Z'), '+365d 0h');
});
