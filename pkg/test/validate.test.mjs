import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  InvalidArgumentError,
  InvalidDefinitionError,
  StateMachine,
  StatelabError,
  createStateMachine,
  engine,
  validate,
} from 'statelab';

test('validate: text gives code, severity, message, JSON Pointer, line and column', () => {
  const text = '{\n  "StartAt": "Missing",\n  "States": {\n    "A": {"Type": "Pass", "Next": "B"}\n  }\n}';
  const d = validate(text);
  assert.deepEqual(d[0], {
    code: 'MISSING_TRANSITION_TARGET',
    severity: 'ERROR',
    message: "Missing 'Next' target: Missing",
    location: '/StartAt',
    line: 2,
    column: 14,
  });
  assert.ok(d.some((x) => x.location === '/States/A/Next' && x.line === 4));
});

test('validate: an object gives pointers without positions', () => {
  const d = validate({ StartAt: 'A', States: { A: { Type: 'Pass' } } });
  assert.ok(d.length > 0);
  for (const x of d) {
    assert.equal(x.line, undefined);
    assert.equal(x.column, undefined);
    assert.equal(typeof x.code, 'string');
  }
});

test('validate: a valid definition has no diagnostics; warnings are not errors', () => {
  assert.deepEqual(validate({ StartAt: 'A', States: { A: { Type: 'Succeed' } } }), []);
  const dup = validate('{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "A": {"Type": "Succeed"}}}');
  assert.equal(dup.length, 1);
  assert.equal(dup[0].severity, 'WARNING');
  assert.equal(dup[0].code, 'DUPLICATE_STATE_NAME');
});

test('validate: columns count UTF-16 code units', () => {
  // "😀" is one character for the engine and two code units for JS.
  const text = '{"Comment": "😀", "StartAt": "X", "States": {"A": {"Type": "Succeed"}}}';
  const d = validate(text).find((x) => x.location === '/StartAt');
  assert.equal(text.slice(d.column - 1, d.column + 2), '"X"');
});

test('validate: EXPRESS machines reject .waitForTaskToken', () => {
  const def = {
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', End: true } },
  };
  assert.deepEqual(validate(def), []);
  assert.ok(validate(def, { type: 'EXPRESS' }).length > 0);
  assert.throws(() => validate(def, { type: 'BOTH' }), InvalidArgumentError);
});

test('validate: invalid JSON text is a diagnostic, not an exception', () => {
  const [d] = validate('{"StartAt": ');
  assert.equal(d.code, 'INVALID_JSON_DESCRIPTION');
  assert.equal(d.line, 1);
});

test('validate: bad arguments throw InvalidArgumentError', () => {
  assert.throws(() => validate(42), (e) => e instanceof InvalidArgumentError && e.code === 'INVALID_ARGUMENT');
  const cyclic = {};
  cyclic.self = cyclic;
  assert.throws(() => validate(cyclic), InvalidArgumentError);
});

test('StateMachine: an invalid definition throws InvalidDefinitionError with diagnostics', () => {
  let caught;
  try {
    new StateMachine('{"StartAt": "Nope", "States": {}}');
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof InvalidDefinitionError);
  assert.ok(caught instanceof StatelabError);
  assert.ok(caught instanceof Error);
  assert.equal(caught.name, 'InvalidDefinitionError');
  assert.equal(caught.code, 'INVALID_DEFINITION');
  assert.ok(caught.diagnostics.length >= 1);
  assert.match(caught.message, /Missing 'Next' target: Nope/);
  // The package stays usable after a failed call.
  const sm = createStateMachine({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
  assert.equal(sm.name, 'StateMachine');
  assert.deepEqual(sm.definition.States.A, { Type: 'Pass', End: true });
});

test('StateMachine: options are checked', () => {
  const def = { StartAt: 'A', States: { A: { Type: 'Succeed' } } };
  assert.throws(() => new StateMachine(def, { nmae: 'x' }), InvalidArgumentError);
  assert.throws(() => new StateMachine(def, { name: '' }), InvalidArgumentError);
  assert.throws(() => new StateMachine(null), InvalidArgumentError);
});

test('engine: version and features', () => {
  assert.match(engine.version, /^\d+\.\d+\.\d+/);
  assert.equal(typeof engine.jsonata, 'boolean');
});
