// Errors thrown by the package. Every one is an `Error` subclass with a `name` (its
// class name) and a stable `code`. A state machine that fails is not an error: its
// result says FAILED, with the ASL error and cause.

/** The base class of every error this package throws. */
export class StatelabError extends Error {
  constructor(message, code = 'STATELAB_ERROR', options) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The definition does not validate; `diagnostics` lists every problem. */
export class InvalidDefinitionError extends StatelabError {
  constructor(message, diagnostics = []) {
    super(message, 'INVALID_DEFINITION');
    this.diagnostics = diagnostics;
  }
}

/** The execution input is not acceptable (too large, not JSON-serializable). */
export class InvalidExecutionInputError extends StatelabError {
  constructor(message) {
    super(message, 'INVALID_EXECUTION_INPUT');
  }
}

/** A bad argument or option. */
export class InvalidArgumentError extends StatelabError {
  constructor(message) {
    super(message, 'INVALID_ARGUMENT');
  }
}

/** The mock config is malformed, or names no such state machine or test case. */
export class MockConfigError extends StatelabError {
  constructor(message, path = '') {
    super(message, 'INVALID_MOCK_CONFIG');
    this.path = path;
  }
}

/** The task token does not exist or was already answered. */
export class InvalidTokenError extends StatelabError {
  constructor(message) {
    super(message, 'INVALID_TOKEN');
  }
}

/** The operation needs a running execution (or a paused one, for `step`). */
export class ExecutionStateError extends StatelabError {
  constructor(message) {
    super(message, 'INVALID_EXECUTION_STATE');
  }
}

/** An engine bug. The engine instance was replaced; everything else stays usable. */
export class InternalError extends StatelabError {
  constructor(message, options) {
    super(message, 'INTERNAL', options);
  }
}

/**
 * Throw it from a task handler to fail the task with an ASL error name and cause
 * (what `Retry` and `Catch` match). Any other thrown `Error` fails the task with its
 * `name` (or an `error` property) as the error and its `message` as the cause.
 */
export class TaskFailure extends Error {
  constructor(error, cause) {
    super(cause === undefined ? String(error) : String(cause));
    this.name = 'TaskFailure';
    /** The ASL error name. */
    this.error = String(error);
    /** The ASL cause (absent when not given). */
    this.cause = cause === undefined ? undefined : String(cause);
  }
}

/** Turns an error the wasm bindings returned (JSON text) into the matching class. */
export function fromEngine(raw) {
  let e;
  try {
    e = typeof raw === 'string' ? JSON.parse(raw) : null;
  } catch {
    e = null;
  }
  if (!e || typeof e !== 'object') {
    return new InternalError(`unexpected engine error: ${String(raw)}`);
  }
  switch (e.code) {
    case 'INVALID_DEFINITION':
      return new InvalidDefinitionError(e.message, e.diagnostics ?? []);
    case 'INVALID_EXECUTION_INPUT':
      return new InvalidExecutionInputError(e.message);
    case 'INVALID_MOCK_CONFIG':
      return new MockConfigError(e.message, e.path ?? '');
    case 'INVALID_TOKEN':
      return new InvalidTokenError(e.message);
    case 'INVALID_ARGUMENT':
      return new InvalidArgumentError(e.message);
    default:
      return new StatelabError(e.message, e.code ?? 'STATELAB_ERROR');
  }
}
