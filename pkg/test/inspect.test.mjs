import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError, InvalidDefinitionError, StateMachine, testState } from 'statelab';

const enrich = {
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  InputPath: '$.order',
  Parameters: { 'id.$': '$.id', kind: 'lookup' },
  ResultSelector: { 'customer.$': '$.Payload.name' },
  ResultPath: '$.found',
  OutputPath: '$.found',
  End: true,
};

test('inspection: each state visit reports its data flow step by step', async () => {
  const sm = new StateMachine({ StartAt: 'Enrich', States: { Enrich: enrich } });
  const ex = sm.start({
    input: { order: { id: 7 }, other: true },
    inspect: true,
    handlers: { Enrich: ({ id }) => ({ Payload: { name: `customer ${id}` } }) },
  });
  const r = await ex.result;
  assert.deepEqual(r.output, { customer: 'customer 7' });
  const entered = ex.history().find((e) => e.type === 'TaskStateEntered');
  const data = ex.inspection(entered);
  assert.deepEqual(data, {
    stateName: 'Enrich',
    enteredEventId: entered.id,
    input: { order: { id: 7 }, other: true },
    afterInputPath: { id: 7 },
    afterParameters: { id: 7, kind: 'lookup' },
    result: { Payload: { name: 'customer 7' } },
    afterResultSelector: { customer: 'customer 7' },
    afterResultPath: { order: { id: 7 }, other: true, found: { customer: 'customer 7' } },
    output: { customer: 'customer 7' },
    variables: {},
  });
  assert.deepEqual(ex.inspection(entered.id), data);
  assert.deepEqual(ex.inspections(), [data]);
  assert.equal(ex.inspection(1), undefined);
  assert.throws(() => ex.inspection('x'), InvalidArgumentError);
});

test('inspection: off unless asked for', async () => {
  const ex = new StateMachine({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }).start();
  await ex.result;
  assert.deepEqual(ex.inspections(), []);
});

test('testState: one state with a mock, at the DEBUG level', () => {
  const r = testState({
    definition: { ...enrich, End: undefined, Next: 'After' },
    input: { order: { id: 1 } },
    mock: { result: { Payload: { name: 'Ada' } } },
    inspectionLevel: 'DEBUG',
  });
  assert.equal(r.status, 'SUCCEEDED');
  assert.deepEqual(r.output, { customer: 'Ada' });
  assert.equal(r.nextState, 'After');
  assert.deepEqual(r.inspectionData.afterParameters, { id: 1, kind: 'lookup' });
  assert.deepEqual(r.inspectionData.afterResultSelector, { customer: 'Ada' });
});

test('testState: errors are FAILED, CAUGHT_ERROR or RETRIABLE as the service says', () => {
  const state = {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Retry: [{ ErrorEquals: ['Busy'], MaxAttempts: 2 }],
    Catch: [{ ErrorEquals: ['Gone'], Next: 'Handle' }],
    End: true,
  };
  const fail = (error) => testState({ definition: state, mock: { errorOutput: { error, cause: 'why' } } });
  assert.deepEqual([fail('Other').status, fail('Other').error, fail('Other').cause], ['FAILED', 'Other', 'why']);
  const caught = fail('Gone');
  assert.deepEqual([caught.status, caught.nextState], ['CAUGHT_ERROR', 'Handle']);
  assert.equal(fail('Busy').status, 'RETRIABLE');
  const exhausted = testState({
    definition: state,
    mock: { errorOutput: { error: 'Busy' } },
    retrierRetryCount: 2,
  });
  assert.equal(exhausted.status, 'FAILED');
});

test('testState: a state inside a whole definition (text or object), and bad requests', () => {
  const machine = { StartAt: 'A', States: { A: { Type: 'Pass', Result: 1, Next: 'B' }, B: { Type: 'Pass', ResultPath: '$.b', Result: 2, End: true } } };
  const r = testState({ definition: JSON.stringify(machine), stateName: 'B', input: { a: 0 } });
  assert.deepEqual([r.status, r.output, r.nextState], ['SUCCEEDED', { a: 0, b: 2 }, undefined]);
  assert.throws(() => testState({ definition: machine }), InvalidArgumentError);
  assert.throws(() => testState({ definition: '{"StartAt": ' , stateName: 'A' }), InvalidDefinitionError);
  assert.throws(() => testState({ definition: machine, stateName: 'A', inspectionLevel: 'LOUD' }), InvalidArgumentError);
  assert.throws(() => testState({ definition: machine, stateName: 'A', mock: { result: 1 } }), InvalidArgumentError);
  const task = testState({ definition: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } });
  assert.equal(task.status, 'FAILED');
  assert.match(task.cause, /mock/);
});
