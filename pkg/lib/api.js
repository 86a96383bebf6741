// The public API, shared by the Node and browser entry points.
export { StateMachine, createStateMachine, testState, validate } from './machine.js';
export { Execution } from './execution.js';
export {
  StatelabError,
  InvalidDefinitionError,
  InvalidExecutionInputError,
  InvalidArgumentError,
  MockConfigError,
  InvalidTokenError,
  ExecutionStateError,
  InternalError,
  TaskFailure,
} from './errors.js';
import { glue } from './engine.js';

/** The engine's version and build features. */
export const engine = Object.freeze({
  get version() {
    return glue.engineVersion();
  },
  get jsonata() {
    return glue.hasJsonata();
  },
});
