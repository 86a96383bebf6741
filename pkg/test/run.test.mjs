import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  InvalidArgumentError,
  InvalidExecutionInputError,
  MockConfigError,
  StateMachine,
  TaskFailure,
} from 'statelab';
import { endless, one, task, tick } from './helpers.mjs';

const RESOURCE = 'arn:aws:lambda:us-east-1:123456789012:function:Work';

test('run: sync handlers keyed by state name', async () => {
  const sm = new StateMachine({
    StartAt: 'Double',
    States: {
      Double: task({ Next: 'Inc' }),
      Inc: task({ End: true }),
    },
  });
  const r = await sm.run({
    input: { n: 4 },
    handlers: { Double: ({ n }) => ({ n: n * 2 }), Inc: ({ n }) => ({ n: n + 1 }) },
  });
  assert.equal(r.status, 'SUCCEEDED');
  assert.deepEqual(r.output, { n: 9 });
  assert.match(r.executionArn, /^arn:aws:states:us-east-1:123456789012:execution:StateMachine:/);
  assert.ok(r.startDate instanceof Date);
  assert.ok(r.stopDate instanceof Date);
});

test('run: async handlers are awaited; handlers keyed by resource; the state name wins', async () => {
  const sm = new StateMachine({ StartAt: 'A', States: { A: task({ Next: 'B' }), B: task({ End: true }) } });
  const seen = [];
  const r = await sm.run({
    input: { v: 1 },
    handlers: {
      [RESOURCE]: async (input, ctx) => {
        seen.push(`resource:${ctx.stateName}`);
        await new Promise((res) => setTimeout(res, 5));
        return { v: input.v + 10 };
      },
      B: async (input, ctx) => {
        seen.push(`state:${ctx.stateName}:${ctx.resource === RESOURCE}:${ctx.invocation}`);
        return { v: input.v * 2 };
      },
    },
  });
  assert.deepEqual(r.output, { v: 22 });
  assert.deepEqual(seen, ['resource:A', 'state:B:true:0']);
});

test('run: a thrown Error fails the task with its name and message; Retry and Catch see them', async () => {
  const machine = new StateMachine({
    StartAt: 'S',
    States: {
      S: task({
        Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 2, IntervalSeconds: 30 }],
        Catch: [{ ErrorEquals: ['RangeError'], ResultPath: '$.err', Next: 'Caught' }],
        End: true,
      }),
      Caught: { Type: 'Pass', End: true },
    },
  });
  let calls = 0;
  const r = await machine.run({
    handlers: {
      S: (_input, ctx) => {
        calls++;
        if (ctx.invocation < 2) {
          const e = new Error('try again');
          e.error = 'Flaky';
          throw e;
        }
        throw new RangeError('out of range');
      },
    },
  });
  assert.equal(calls, 3);
  assert.equal(r.status, 'SUCCEEDED');
  assert.deepEqual(r.output, { err: { Error: 'RangeError', Cause: 'out of range' } });
});

test('run: TaskFailure and rejected promises fail the execution with error and cause', async () => {
  const sm = new StateMachine(one(task({ End: true })));
  let r = await sm.run({ handlers: { S: () => { throw new TaskFailure('Payment.Declined', 'card expired'); } } });
  assert.deepEqual([r.status, r.error, r.cause], ['FAILED', 'Payment.Declined', 'card expired']);
  r = await sm.run({ handlers: { S: async () => { throw new TypeError('nope'); } } });
  assert.deepEqual([r.status, r.error, r.cause], ['FAILED', 'TypeError', 'nope']);
  r = await sm.run({ handlers: { S: () => Promise.reject('plain string') } });
  assert.deepEqual([r.status, r.error, r.cause], ['FAILED', 'Error', 'plain string']);
  r = await sm.run({ handlers: { S: () => 10n } });
  assert.equal(r.status, 'FAILED');
  assert.equal(r.error, 'TypeError');
  assert.match(r.cause, /not JSON-serializable/);
  r = await sm.run({ handlers: { S: () => undefined } });
  assert.deepEqual([r.status, r.output], ['SUCCEEDED', null]);
});

test('run: a Task nobody answers fails with an error that names it', async () => {
  const r = await new StateMachine(one(task({ End: true }))).run();
  assert.equal(r.status, 'FAILED');
  assert.equal(r.error, 'States.Runtime');
  assert.match(r.cause, /'S'/);
});

test('run: a MockConfigFile answers tasks; handlers take precedence', async () => {
  const sm = new StateMachine(
    { StartAt: 'Check', States: { Check: task({ Next: 'Pay' }), Pay: task({ End: true }) } },
    { name: 'Orders' },
  );
  const mock = {
    StateMachines: { Orders: { TestCases: { Happy: { Check: 'InStock', Pay: 'Paid' }, Broke: { Check: 'InStock', Pay: 'Declined' } } } },
    MockedResponses: {
      InStock: { 0: { Return: { stock: 3 } } },
      Paid: { 0: { Return: { paid: true } } },
      Declined: { '0-2': { Throw: { Error: 'Card.Declined', Cause: 'insufficient funds' } } },
    },
  };
  assert.deepEqual((await sm.run({ mock, testCase: 'Happy' })).output, { paid: true });
  const broke = await sm.run({ mock: JSON.stringify(mock), testCase: 'Broke' });
  assert.deepEqual([broke.status, broke.error, broke.cause], ['FAILED', 'Card.Declined', 'insufficient funds']);
  const mixed = await sm.run({ mock, testCase: 'Happy', handlers: { Pay: (input) => ({ override: input }) } });
  assert.deepEqual(mixed.output, { override: { stock: 3 } });
  assert.throws(() => sm.start({ mock, testCase: 'Missing' }), (e) => e instanceof MockConfigError && /Missing/.test(e.message));
  assert.throws(() => sm.start({ mock: { StateMachines: 3 }, testCase: 'Happy' }), (e) => e instanceof MockConfigError && e.path === 'StateMachines');
  assert.throws(() => sm.start({ mock }), InvalidArgumentError);
});

test('run: the virtual clock skips waits and keeps honest timestamps', async () => {
  const sm = new StateMachine(one({ Type: 'Wait', Seconds: 86400, End: true }));
  const t0 = Date.now();
  const ex = sm.start({ startTime: new Date('2030-01-01T00:00:00Z') });
  const r = await ex.result;
  assert.ok(Date.now() - t0 < 1000);
  assert.equal(r.startDate.toISOString(), '2030-01-01T00:00:00.000Z');
  assert.equal(r.stopDate.toISOString(), '2030-01-02T00:00:00.000Z');
  const last = ex.history().at(-1);
  assert.equal(last.type, 'ExecutionSucceeded');
  assert.equal(last.timestamp.toISOString(), '2030-01-02T00:00:00.000Z');
});

test('run: the real clock waits for real', async () => {
  const start = Date.now();
  const at = new Date(start + 300).toISOString();
  const sm = new StateMachine(one({ Type: 'Wait', Timestamp: at, End: true }));
  const r = await sm.run({ clock: 'real' });
  const took = Date.now() - start;
  assert.equal(r.status, 'SUCCEEDED');
  assert.ok(took >= 250, `took ${took} ms`);
  assert.ok(r.stopDate.getTime() >= start + 250);
});

test('run: the virtual clock stands still while a handler is pending', async () => {
  // Branch A's handler answers after real time passes; branch B waits 10 virtual
  // seconds. A's result still lands at the start time.
  const sm = new StateMachine({
    StartAt: 'P',
    States: {
      P: {
        Type: 'Parallel',
        End: true,
        Branches: [
          { StartAt: 'A', States: { A: task({ End: true }) } },
          { StartAt: 'B', States: { B: { Type: 'Wait', Seconds: 10, End: true } } },
        ],
      },
    },
  });
  const ex = sm.start({
    startTime: 0,
    handlers: { A: () => new Promise((res) => setTimeout(() => res('a'), 20)) },
  });
  await ex.result;
  const succeeded = ex.history().find((e) => e.type === 'LambdaFunctionSucceeded');
  assert.equal(succeeded.timestamp.getTime(), 0);
  assert.equal(ex.history().at(-1).timestamp.getTime(), 10000);
});

test('run: the same seed gives the same history', async () => {
  const sm = new StateMachine(
    one({ Type: 'Pass', Parameters: { 'r.$': 'States.MathRandom(1, 1000000)', 'u.$': 'States.UUID()' }, End: true }),
  );
  const a = sm.start({ seed: 42 });
  const b = sm.start({ seed: 42 });
  const c = sm.start({ seed: 43 });
  await Promise.all([a.result, b.result, c.result]);
  assert.deepEqual(a.history(), b.history());
  assert.equal(a.executionArn, b.executionArn);
  assert.notDeepEqual((await a.result).output, (await c.result).output);
});

test('run: limits apply and bad options are refused', async () => {
  const loop = new StateMachine(endless);
  const r = await loop.run({ limits: { maxHistoryEvents: 100 } });
  assert.equal(r.status, 'FAILED');
  assert.match(r.cause, /25,000|100|history/i);
  const t = await loop.run({ limits: { maxTransitions: 50, maxHistoryEvents: 0 } });
  assert.equal(t.status, 'FAILED');
  assert.throws(() => loop.start({ limits: { maxHistory: 1 } }), InvalidArgumentError);
  assert.throws(() => loop.start({ limits: { maxTransitions: -1 } }), InvalidArgumentError);
  assert.throws(() => loop.start({ clock: 'fast' }), InvalidArgumentError);
  assert.throws(() => loop.start({ handlers: { L: 'not a function' } }), InvalidArgumentError);
  assert.throws(() => loop.start({ seed: -1 }), InvalidArgumentError);
  assert.throws(() => loop.start({ inptu: {} }), InvalidArgumentError);
  await assert.rejects(loop.run({ startTime: 'yesterday' }), InvalidArgumentError);
});

test('run: inputs must be JSON and within the payload limit', async () => {
  const sm = new StateMachine(one({ Type: 'Pass', End: true }));
  assert.throws(() => sm.start({ input: 1n }), InvalidExecutionInputError);
  assert.throws(() => sm.start({ input: () => 1 }), InvalidExecutionInputError);
  assert.throws(
    () => sm.start({ input: 'x'.repeat(300_000) }),
    (e) => e instanceof InvalidExecutionInputError && e.code === 'INVALID_EXECUTION_INPUT',
  );
  const r = await sm.run({ input: 'x'.repeat(300_000), limits: { maxPayloadBytes: 0 } });
  assert.equal(r.output.length, 300_000);
  for (const input of [null, 7, 'text', [1, { a: [] }], { deep: { key: 'ü😀' } }]) {
    assert.deepEqual((await sm.run({ input })).output, input);
  }
});

test('run: key order and number formatting survive the round trip', async () => {
  const sm = new StateMachine(one({ Type: 'Pass', End: true }));
  const input = { z: 1, a: 2.5, m: [1e21, 0.1, -0, 12345678901234567890] };
  const r = await sm.run({ input });
  assert.deepEqual(Object.keys(r.output), ['z', 'a', 'm']);
  assert.deepEqual(r.output.m, [1e21, 0.1, 0, 12345678901234567000]);
});

test('run: long inputs and results (sent to the engine as UTF-8 bytes) keep every character', async () => {
  const sm = new StateMachine(
    { StartAt: 'Echo', States: { Echo: task({ ResultPath: '$.echo', End: true }) } },
    { name: 'Big' },
  );
  const text = 'é✓ 😀 \u0000 "quoted" ' + 'x'.repeat(600);
  const input = { text, list: Array.from({ length: 50 }, (_, i) => ({ i, s: `ünïcødé ${i}` })) };
  const handlers = { Echo: (x) => ({ back: x.text, n: x.list.length }) };
  const r = await sm.run({ input, handlers });
  assert.equal(r.status, 'SUCCEEDED');
  assert.deepEqual(r.output, { ...input, echo: { back: text, n: 50 } });
  // The same through the mocked start.
  const mock = {
    StateMachines: { Big: { TestCases: { T: { Echo: 'R' } } } },
    MockedResponses: { R: { 0: { Return: { back: text } } } },
  };
  const m = await sm.run({ input, mock, testCase: 'T' });
  assert.deepEqual(m.output, { ...input, echo: { back: text } });
  // A lone surrogate is not JSON the engine can hold: the input is refused, as before.
  await assert.rejects(sm.run({ input: { s: '\ud800' + 'x'.repeat(600) } }));
});

test('run: short task inputs reach handlers with every character (ASCII or not)', async () => {
  const sm = new StateMachine(one(task({ End: true })));
  const seen = [];
  const handlers = { S: (x) => (seen.push(x), x) };
  for (const input of [{ s: 'é' }, { s: '😀' }, { s: 'ascii only' }, 'ü', { a: '\u0000\n"' }, []]) {
    const r = await sm.run({ input, handlers });
    assert.deepEqual(r.output, input);
    assert.deepEqual(seen.pop(), input);
  }
});

test('run: many executions of one machine run concurrently', async () => {
  const sm = new StateMachine(one(task({ End: true })));
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      sm.run({ input: i, handlers: { S: async (n) => { await tick(); return n * n; } } }),
    ),
  );
  assert.deepEqual(results.map((r) => r.output), Array.from({ length: 50 }, (_, i) => i * i));
});
