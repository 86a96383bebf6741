import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExecutionStateError, InvalidTokenError, StateMachine } from 'statelab';
import { deferred, endless, one, task, tick, types } from './helpers.mjs';

const waitForToken = (extra = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
  Parameters: { 'token.$': '$$.Task.Token', 'order.$': '$.order' },
  ...extra,
});

test('stop: works while an async handler is pending; its signal aborts; late answers are ignored', async () => {
  const sm = new StateMachine(one(task({ End: true })));
  const answer = deferred();
  let signal;
  const ex = sm.start({
    handlers: {
      S: (_input, ctx) => {
        signal = ctx.signal;
        return answer.promise;
      },
    },
  });
  await tick();
  assert.equal(ex.status, 'RUNNING');
  assert.equal(signal.aborted, false);
  ex.stop('User.Cancelled', 'the user pressed stop');
  const r = await ex.result;
  assert.deepEqual([r.status, r.error, r.cause], ['ABORTED', 'User.Cancelled', 'the user pressed stop']);
  assert.equal(ex.status, 'ABORTED');
  assert.equal(signal.aborted, true);
  answer.resolve({ late: true });
  await tick();
  assert.equal(ex.history().at(-1).type, 'ExecutionAborted');
  ex.stop(); // stopping an ended execution does nothing
  assert.throws(() => ex.sendTaskHeartbeat('x'), ExecutionStateError);
});

test('stop: ends an endless loop (limits lifted) and an AbortSignal stops too', async () => {
  const sm = new StateMachine(endless);
  const limits = { maxHistoryEvents: 0, maxTransitions: 0 };
  const ex = sm.start({ limits });
  setTimeout(() => ex.stop(), 50);
  const r = await ex.result;
  assert.equal(r.status, 'ABORTED');
  assert.ok(ex.history().length > 2);

  const controller = new AbortController();
  const ex2 = sm.start({ limits, signal: controller.signal });
  setTimeout(() => controller.abort('enough'), 20);
  const r2 = await ex2.result;
  assert.deepEqual([r2.status, r2.error, r2.cause], ['ABORTED', 'Aborted', 'enough']);
});

test('task tokens: pendingTaskTokens and sendTaskSuccess / sendTaskFailure / sendTaskHeartbeat', async () => {
  const sm = new StateMachine({
    StartAt: 'Ask',
    States: {
      Ask: waitForToken({ HeartbeatSeconds: 60, Next: 'Again' }),
      Again: waitForToken({ End: true, Catch: [{ ErrorEquals: ['Rejected'], Next: 'No' }] }),
      No: { Type: 'Fail', Error: 'Denied' },
    },
  });
  const ex = sm.start({ input: { order: 7 } });
  await tick();
  let pending = ex.pendingTaskTokens();
  assert.equal(pending.length, 1);
  assert.equal(pending[0].stateName, 'Ask');
  assert.deepEqual(pending[0].input, { token: pending[0].taskToken, order: 7 });
  ex.sendTaskHeartbeat(pending[0].taskToken);
  assert.throws(() => ex.sendTaskSuccess('no-such-token', {}), (e) => e instanceof InvalidTokenError && e.code === 'INVALID_TOKEN');
  ex.sendTaskSuccess(pending[0].taskToken, { order: 8 });
  assert.throws(() => ex.sendTaskSuccess(pending[0].taskToken, {}), InvalidTokenError);
  await tick();
  pending = ex.pendingTaskTokens();
  assert.equal(pending[0].stateName, 'Again');
  assert.equal(pending[0].input.order, 8);
  ex.sendTaskFailure(pending[0].taskToken, 'Rejected', 'no thanks');
  const r = await ex.result;
  assert.deepEqual([r.status, r.error], ['FAILED', 'Denied']);
  assert.deepEqual(ex.pendingTaskTokens(), []);
});

test('task tokens: a handler receives the token and answers later; a missed heartbeat times out', async () => {
  const sm = new StateMachine(one(waitForToken({ End: true })));
  const ex = sm.start({
    input: { order: 1 },
    handlers: {
      S: (input, ctx) => {
        assert.equal(ctx.taskToken, input.token);
        setTimeout(() => ctx.execution.sendTaskSuccess(ctx.taskToken, { done: input.order }), 10);
        return 'ignored: the answer comes with the token';
      },
    },
  });
  assert.deepEqual((await ex.result).output, { done: 1 });

  // Nobody sends a heartbeat: once virtual time is moved on, the task times out.
  const hb = new StateMachine(one(waitForToken({ HeartbeatSeconds: 5, End: true })));
  const waiting = hb.start({ input: { order: 1 } });
  await tick();
  assert.equal(waiting.status, 'RUNNING', 'virtual time stands still while a token is out');
  waiting.advanceTime(4000);
  await tick();
  assert.equal(waiting.status, 'RUNNING');
  waiting.advanceTime(1000);
  const r = await waiting.result;
  assert.equal(r.status, 'FAILED');
  assert.match(r.error, /^States\.(Heartbeat)?Timeout$/);
  assert.equal(r.stopDate - r.startDate, 5000);
});

test('events: onEvent, the async iterator and history() agree, in order, as they happen', async () => {
  const sm = new StateMachine({
    StartAt: 'A',
    States: { A: task({ Next: 'W' }), W: { Type: 'Wait', Seconds: 5, End: true } },
  });
  const seen = [];
  const ex = sm.start({
    input: { x: 1 },
    handlers: {
      A: async (input) => {
        // The events before the task was scheduled were delivered already.
        assert.deepEqual(types(seen), ['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted']);
        return input;
      },
    },
    onEvent: (e) => seen.push(e),
  });
  const iterated = [];
  for await (const e of ex) iterated.push(e);
  const r = await ex.result;
  assert.equal(r.status, 'SUCCEEDED');
  assert.deepEqual(types(seen), [
    'ExecutionStarted',
    'TaskStateEntered',
    'LambdaFunctionScheduled',
    'LambdaFunctionStarted',
    'LambdaFunctionSucceeded',
    'TaskStateExited',
    'WaitStateEntered',
    'WaitStateExited',
    'ExecutionSucceeded',
  ]);
  assert.deepEqual(iterated, seen);
  assert.deepEqual(ex.history(), seen);
  assert.deepEqual(seen.map((e) => e.id), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // As on the service, the first state follows event 0.
  assert.deepEqual(seen.slice(0, 3).map((e) => e.previousEventId), [0, 0, 2]);
  assert.ok(seen.every((e) => e.timestamp instanceof Date));
  assert.deepEqual(seen[0].executionStartedEventDetails.input, '{"x":1}');
  assert.equal(seen[1].stateEnteredEventDetails.name, 'A');
  // An iterator started after the end replays everything.
  const replay = [];
  for await (const e of ex.events()) replay.push(e.type);
  assert.deepEqual(replay, types(seen));
});

test('events: unsubscribe, and a throwing listener does not disturb the execution', async () => {
  const sm = new StateMachine({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', End: true } } });
  const ex = sm.start();
  const got = [];
  const off = ex.onEvent((e) => {
    got.push(e.type);
    if (got.length === 2) off();
  });
  assert.deepEqual((await ex.result).status, 'SUCCEEDED');
  assert.deepEqual(got, ['ExecutionStarted', 'PassStateEntered']);
});

test('events: each event maps to its graph node', async () => {
  const sm = new StateMachine({
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Parallel',
        Next: 'Each',
        Branches: [
          { StartAt: 'Left', States: { Left: task({ End: true }) } },
          { StartAt: 'Right', States: { Right: { Type: 'Pass', End: true } } },
        ],
      },
      Each: {
        Type: 'Map',
        End: true,
        ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
      },
    },
  });
  const ex = sm.start({ handlers: { Left: () => [1, 2] } });
  await ex.result;
  const rows = ex.history().map((e) => `${e.type} ${ex.nodeIdOf(e) ?? '-'}`);
  assert.deepEqual(rows, [
    'ExecutionStarted -',
    'ParallelStateEntered /States/Fan',
    'ParallelStateStarted /States/Fan',
    'TaskStateEntered /States/Fan/Branches/0/States/Left',
    'LambdaFunctionScheduled /States/Fan/Branches/0/States/Left',
    'LambdaFunctionStarted /States/Fan/Branches/0/States/Left',
    'PassStateEntered /States/Fan/Branches/1/States/Right',
    'PassStateExited /States/Fan/Branches/1/States/Right',
    'LambdaFunctionSucceeded /States/Fan/Branches/0/States/Left',
    'TaskStateExited /States/Fan/Branches/0/States/Left',
    'ParallelStateSucceeded /States/Fan',
    'ParallelStateExited /States/Fan',
    'MapStateEntered /States/Each',
    'MapStateStarted /States/Each',
    'MapIterationStarted /States/Each',
    'MapIterationStarted /States/Each',
    'PassStateEntered /States/Each/ItemProcessor/States/Item',
    'PassStateExited /States/Each/ItemProcessor/States/Item',
    'MapIterationSucceeded /States/Each',
    'PassStateEntered /States/Each/ItemProcessor/States/Item',
    'PassStateExited /States/Each/ItemProcessor/States/Item',
    'MapIterationSucceeded /States/Each',
    'MapStateSucceeded /States/Each',
    'MapStateExited /States/Each',
    'ExecutionSucceeded -',
  ]);
  assert.equal(ex.stateNameOf(4), 'Left');
});

test('step mode: one history event at a time; handlers run only when reached', async () => {
  const sm = new StateMachine({
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Result: { n: 1 }, Next: 'Call' },
      Call: task({ Next: 'Pause' }),
      Pause: { Type: 'Wait', Seconds: 30, End: true },
    },
  });
  const calls = [];
  const ex = sm.start({
    paused: true,
    handlers: { Call: async (input) => { calls.push(input); return { n: input.n + 1 }; } },
  });
  assert.equal(ex.paused, true);
  await tick();
  assert.deepEqual(ex.history(), []);
  const stepped = [];
  for (let i = 0; i < 4; i++) stepped.push((await ex.step()).type);
  assert.deepEqual(stepped, ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'TaskStateEntered']);
  assert.deepEqual(types(ex.history()), stepped);
  await tick();
  assert.equal(calls.length, 0, 'the handler has not run yet');
  // Steps taken together still come one at a time, in order.
  const [a, b, c] = await Promise.all([ex.step(), ex.step(), ex.step()]);
  assert.deepEqual([a.type, b.type, c.type], ['LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded']);
  assert.deepEqual(calls, [{ n: 1 }]);
  let e;
  const rest = [];
  while ((e = await ex.step())) rest.push(e.type);
  assert.deepEqual(rest, ['TaskStateExited', 'WaitStateEntered', 'WaitStateExited', 'ExecutionSucceeded']);
  assert.equal(await ex.step(), undefined);
  assert.deepEqual((await ex.result).output, { n: 2 });
});

test('step mode: pause and resume a running execution', async () => {
  const sm = new StateMachine({ StartAt: 'A', States: { A: task({ Next: 'B' }), B: task({ End: true }) } });
  const gate = deferred();
  const ex = sm.start({ handlers: { A: () => gate.promise, B: (x) => x } });
  const events = [];
  ex.onEvent((e) => events.push(e.type));
  await tick();
  ex.pause();
  gate.resolve({ ok: 1 });
  await tick();
  const next = await ex.step();
  assert.equal(next.type, 'LambdaFunctionSucceeded');
  ex.resume();
  assert.deepEqual((await ex.result).output, { ok: 1 });
  assert.equal(events.at(-1), 'ExecutionSucceeded');
  assert.equal(new Set(events).size > 5, true);
});

test('dispose frees a finished execution and stops a running one', async () => {
  const sm = new StateMachine(one(task({ End: true })));
  const ex = sm.start({ handlers: { S: () => new Promise(() => {}) } });
  await tick();
  ex.dispose();
  assert.equal((await ex.result).status, 'ABORTED');
  assert.equal(ex.status, 'ABORTED');
  ex.dispose();
  const done = sm.start({ handlers: { S: (x) => x } });
  await done.result;
  done[Symbol.dispose]();
  assert.equal(done.status, 'SUCCEEDED');
});
