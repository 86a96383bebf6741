import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InternalError, StateMachine, StatelabError, validate } from 'statelab';
import { call, glue } from '../lib/engine.js';
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
