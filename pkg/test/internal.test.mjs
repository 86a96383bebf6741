import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InternalError, StateMachine, StatelabError, validate } from 'statelab';
import { call, glue, trackedCount } from '../lib/engine.js';
import { one, task, tick } from './helpers.mjs';

test('an engine panic becomes an InternalError and everything else stays usable', async () => {
  const sm = new StateMachine(one(task({ End: true })));
  const before = await sm.run({ handlers: { S: () => 1 } });
  assert.equal(before.output, 1);
  // A running execution of the old instance.
  const pending = sm.start({ handlers: { S: () => new Promise(() => {}) } });
  await tick();

  let caught;
  try {
    call(() => glue.__statelabPanicForTests());
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof InternalError);
  assert.ok(caught instanceof StatelabError);
  assert.equal(caught.name, 'InternalError');
  assert.equal(caught.code, 'INTERNAL');
  assert.match(caught.message, /deliberate panic/);

  // The same StateMachine object keeps working on the new engine instance.
  const after = await sm.run({ handlers: { S: () => 2 } });
  assert.equal(after.output, 2);
  assert.deepEqual(validate({ StartAt: 'A', States: { A: { Type: 'Succeed' } } }), []);
  // The execution that lived in the old instance fails with an InternalError.
  await assert.rejects(pending.result, InternalError);
  assert.equal(pending.status, 'FAILED');
});

test('executions run with run() are no longer tracked once they end, however many run', async () => {
  const sm = new StateMachine(one({ Type: 'Succeed' }));
  const before = trackedCount();
  for (let i = 0; i < 10_000; i++) await sm.run({ input: { i } });
  // Tracking every one (the records of collected objects used to stay until a sweep
  // that ran over all of them) made each run slower than the one before.
  assert.ok(trackedCount() - before < 10, `${trackedCount() - before} still tracked`);
  // A started execution stays tracked until it is disposed.
  const ex = sm.start({ input: {} });
  await ex.result;
  assert.equal(trackedCount() - before, 1);
  ex.dispose();
  assert.equal(trackedCount() - before, 0);
});
