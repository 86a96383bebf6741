// Types of the statelab npm package. Hand-written and checked against the engine's
// JSON shapes (src/wasm.rs, src/history.rs, src/graph.rs, src/validate/mod.rs) and the
// package's tests.

// ---------------------------------------------------------------------------- JSON

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A state machine definition in the Amazon States Language (the parsed JSON object). */
export interface Definition {
  Comment?: string;
  StartAt: string;
  States: Record<string, StateDefinition>;
  TimeoutSeconds?: number;
  Version?: string;
  QueryLanguage?: 'JSONPath' | 'JSONata';
  [field: string]: unknown;
}

/** One state of a definition. The validator checks the fields; this type names the common ones. */
export interface StateDefinition {
  Type: 'Pass' | 'Task' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';
  Comment?: string;
  Next?: string;
  End?: boolean;
  [field: string]: unknown;
}

// ---------------------------------------------------------------------- validation

export type Severity = 'ERROR' | 'WARNING';

/** One validation finding, as `ValidateStateMachineDefinition` reports it. */
export interface Diagnostic {
  /** `SCHEMA_VALIDATION_FAILED`, `MISSING_TRANSITION_TARGET`, `MISSING_END_STATE`, `INVALID_JSON_DESCRIPTION`, … */
  code: string;
  severity: Severity;
  message: string;
  /** JSON Pointer (RFC 6901) of the offending value, e.g. `/States/A/Next`; absent for whole-document problems. */
  location?: string;
  /** 1-based line in the definition text (only when the definition was given as text). */
  line?: number;
  /** 1-based column in UTF-16 code units, as JS strings and editors count (text only). */
  column?: number;
}

export interface ValidateOptions {
  /** Validate for this state machine type: EXPRESS rejects `.sync`, `.waitForTaskToken` and activities. */
  type?: 'STANDARD' | 'EXPRESS';
}

/** Validates a definition (JSON text or an object); returns every diagnostic, errors and warnings. */
export function validate(definition: string | Definition, options?: ValidateOptions): Diagnostic[];

// -------------------------------------------------------------------------- mocks

/** A Step Functions Local `MockConfigFile`. */
export interface MockConfigFile {
  StateMachines: Record<string, { TestCases: Record<string, Record<string, string>> }>;
  MockedResponses?: Record<
    string,
    Record<string, { Return: Json } | { Throw: { Error: string; Cause?: string } }>
  >;
}

// --------------------------------------------------------------- state machines

export interface StateMachineOptions {
  /** The state machine's name: used in ARNs and to pick the mock config's entry. Default `StateMachine`. */
  name?: string;
}

/** What a task handler receives besides the task's input. */
export interface TaskContext {
  /** The Task state's name. */
  stateName: string;
  /** The Task state's `Resource`, as written. */
  resource: string;
  /** 0-based count of earlier invocations of this Task state (retries included). */
  invocation: number;
  /** For `.waitForTaskToken` resources: the token to answer with `sendTaskSuccess`/`sendTaskFailure`. */
  taskToken?: string;
  executionArn: string;
  execution: Execution;
  /** Aborted when the execution stops or ends. */
  signal: AbortSignal;
}

/**
 * Answers a Task state: returns (or resolves with) the task's result. Throwing (or
 * rejecting) fails the task with the error's `error` property or `name` as the ASL
 * error and its `message` as the cause; throw a `TaskFailure` to choose both. For
 * `.waitForTaskToken` resources the return value is ignored: the answer comes through
 * `sendTaskSuccess` / `sendTaskFailure`.
 */
export type TaskHandler = (input: Json, context: TaskContext) => unknown;

export interface Limits {
  /** History events per execution (default 25,000); 0 lifts the limit. */
  maxHistoryEvents?: number;
  /** Largest state input/output and task result in bytes (default 262,144); 0 lifts the limit. */
  maxPayloadBytes?: number;
  /** State transitions per execution, retries included (default 5,000,000); 0 lifts the limit. */
  maxTransitions?: number;
  /** Longest execution in seconds when the definition sets no `TimeoutSeconds` (default one year); 0 lifts it. */
  maxExecutionSeconds?: number;
  /** Inline Map iterations at once when `MaxConcurrency` is 0 (default 40). */
  inlineMapConcurrency?: number;
}

export interface StartOptions {
  /** The execution input (any JSON value; default `{}`). */
  input?: Json;
  /** The execution name (default: a UUID from the seed). */
  name?: string;
  /** Task handlers keyed by Task state name or by `Resource`; the state name wins. */
  handlers?: Record<string, TaskHandler>;
  /** Answers Task states from a mock config's test case (handlers take precedence). */
  mock?: MockConfigFile | string;
  /** The mock config's test case to use (required with `mock`). */
  testCase?: string;
  /**
   * `virtual` (default): waits, retry back-off and timeouts take no time, timestamps
   * still show them; the clock stands still while tasks wait for handlers or task
   * tokens (`execution.advanceTime` moves it). `real`: wall-clock time.
   */
  clock?: 'virtual' | 'real';
  /** The start time (default: 2025-01-01T00:00:00Z under the virtual clock, now under the real one). */
  startTime?: Date | number;
  /** Seed for UUIDs, task tokens, `States.MathRandom` and retry jitter (default 0). */
  seed?: number;
  limits?: Limits;
  /** Called with every history event as it happens. */
  onEvent?: (event: HistoryEvent) => void;
  /** Start in step mode: nothing runs until `step()` or `resume()`. */
  paused?: boolean;
  /** Stops the execution (ABORTED, error `Aborted`) when aborted. */
  signal?: AbortSignal;
  /** Record each state's data flow for `execution.inspection()` (copies every intermediate value). */
  inspect?: boolean;
  /** Workflow variables set before the first state. */
  variables?: Record<string, Json>;
  region?: string;
  account?: string;
  roleArn?: string;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

interface ResultBase {
  executionArn: string;
  startDate: Date;
  stopDate: Date;
}

/** How an execution ended. A failed execution is a result, not an exception. */
export type ExecutionResult =
  | (ResultBase & { status: 'SUCCEEDED'; output: Json })
  | (ResultBase & { status: 'FAILED' | 'TIMED_OUT' | 'ABORTED'; error?: string; cause?: string });

/** A compiled state machine: create it once, start many executions. */
export class StateMachine {
  /** Validates and compiles; throws `InvalidDefinitionError` with the diagnostics. */
  constructor(definition: string | Definition, options?: StateMachineOptions);
  readonly name: string;
  /** The definition as an object, key order kept. */
  readonly definition: Definition;
  /** Starts an execution. */
  start(options?: StartOptions): Execution;
  /** Starts an execution and resolves with its result. */
  run(options?: StartOptions): Promise<ExecutionResult>;
  /** The graph model for renderers. */
  graph(): Graph;
  /** The graph node id (JSON Pointer) of a state. */
  nodeIdOf(stateName: string): string | undefined;
}

/** `new StateMachine(definition, options)`. */
export function createStateMachine(
  definition: string | Definition,
  options?: StateMachineOptions,
): StateMachine;

/** A task waiting for `sendTaskSuccess` / `sendTaskFailure`. */
export interface PendingTaskToken {
  taskToken: string;
  stateName: string;
  resource: string;
  /** The task's effective input (after InputPath and Parameters). */
  input: Json;
}

/** A running or finished execution. */
export class Execution implements AsyncIterable<HistoryEvent> {
  private constructor();
  /** Settles when the execution ends (rejects only on an internal error). */
  readonly result: Promise<ExecutionResult>;
  readonly executionArn: string;
  readonly stateMachine: StateMachine;
  readonly status: ExecutionStatus;
  readonly paused: boolean;
  /** The events so far (in step mode: those `step()` returned). */
  history(): HistoryEvent[];
  /** Calls `listener` with each event as it happens; returns a function that unsubscribes. */
  onEvent(listener: (event: HistoryEvent) => void): () => void;
  /** Every event from the first, as they happen; ends with the execution. */
  events(): AsyncGenerator<HistoryEvent, void, undefined>;
  [Symbol.asyncIterator](): AsyncGenerator<HistoryEvent, void, undefined>;
  /** `StopExecution`: ends as ABORTED now, even while a handler is pending. */
  stop(error?: string, cause?: string): void;
  pendingTaskTokens(): PendingTaskToken[];
  /** Throws `InvalidTokenError` for an unknown or already answered token. */
  sendTaskSuccess(taskToken: string, output: Json): void;
  sendTaskFailure(taskToken: string, error?: string, cause?: string): void;
  sendTaskHeartbeat(taskToken: string): void;
  /** Step mode: runs to the next history event and returns it; `undefined` after the last. Pauses. */
  step(): Promise<HistoryEvent | undefined>;
  pause(): void;
  resume(): void;
  /** Virtual clock: moves time forward (time otherwise stands still while tasks wait for handlers or tokens). */
  advanceTime(ms: number): void;
  /** The execution's clock. */
  readonly now: Date;
  /** The data flow of the state visit that this `*StateEntered` event (or id) starts; needs `inspect: true`. */
  inspection(event: HistoryEvent | number): StateInspection | undefined;
  /** Every state visit's data flow so far (needs `inspect: true`). */
  inspections(): StateInspection[];
  /** Frees the engine's memory for this execution now (stops it first if running). */
  dispose(): void;
  [Symbol.dispose](): void;
  /** The graph node a history event belongs to (`undefined` for execution events). */
  nodeIdOf(event: HistoryEvent | number): string | undefined;
  /** The state a history event belongs to (`undefined` for execution events). */
  stateNameOf(event: HistoryEvent | number): string | undefined;
}

// --------------------------------------------------------------- data flow, TestState

/** How an error in the state was handled. */
export interface InspectionErrorDetails {
  retryIndex?: number;
  retryBackoffIntervalSeconds?: number;
  catchIndex?: number;
}

/**
 * A state's data flow, with the names of the TestState API's `inspectionData` (DEBUG
 * level). Payloads are JSON values. Fields appear where the state has the step.
 */
export interface InspectionData {
  input?: Json;
  afterInputPath?: Json;
  afterParameters?: Json;
  /** JSONata states: the evaluated `Arguments`. */
  afterArguments?: Json;
  result?: Json;
  afterResultSelector?: Json;
  afterResultPath?: Json;
  afterItemsPath?: Json;
  afterItemSelector?: Json[];
  output?: Json;
  maxConcurrency?: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  /** Every variable visible after the state. */
  variables?: Record<string, Json>;
  errorDetails?: InspectionErrorDetails;
}

/** One state visit of an execution. */
export interface StateInspection extends InspectionData {
  stateName: string;
  /** The id of the visit's `*StateEntered` history event. */
  enteredEventId: number;
}

/** `TestState`'s request: a state (or a whole definition with `stateName`), an input, an optional mock. */
export interface TestStateRequest {
  definition: string | StateDefinition | Definition;
  /** Required when `definition` is a whole state machine. */
  stateName?: string;
  input?: Json;
  /** `INFO` (default), `DEBUG` (adds `inspectionData`) or `TRACE` (as DEBUG). */
  inspectionLevel?: 'INFO' | 'DEBUG' | 'TRACE';
  variables?: Record<string, Json>;
  /** The result (or error) of a Task, Map or Parallel state under test. */
  mock?: { result: Json } | { errorOutput: { error: string; cause?: string } };
  /** Replaces the context object (`$$`, `$states.context`). */
  context?: Json;
  /** The retrier's count so far, for `RETRIABLE` decisions. */
  retrierRetryCount?: number;
}

export interface TestStateResponse {
  status: 'SUCCEEDED' | 'FAILED' | 'RETRIABLE' | 'CAUGHT_ERROR';
  output?: Json;
  error?: string;
  cause?: string;
  nextState?: string;
  inspectionData?: InspectionData;
}

/** The TestState API: runs one state. Tasks need a `mock` (no AWS service is called). */
export function testState(request: TestStateRequest): TestStateResponse;

// -------------------------------------------------------------------------- graph

/** A state. Its id is the JSON Pointer of the state in the definition. */
export interface GraphNode {
  id: string;
  name: string;
  type: StateDefinition['Type'];
  /** The container holding it; `null` at the top level. */
  parent: string | null;
  /** Containers around it (0 at the top level). */
  depth: number;
  /** The first state of its container (or of the machine). */
  start: boolean;
  /** Ends its container or the execution (`End`, Succeed, Fail). */
  end: boolean;
  /** Task states: the `Resource`. */
  resource?: string;
  /** Parallel and Map states: the containers they own. */
  containers?: string[];
  /** Retriers' `ErrorEquals` lists. */
  retry?: string[][];
  comment?: string;
}

/** A Parallel branch or a Map item processor; its id is the JSON Pointer of the block. */
export interface GraphContainer {
  id: string;
  kind: 'Branch' | 'ItemProcessor';
  /** The Parallel or Map node. */
  owner: string;
  /** The branch number (0 for an item processor). */
  index: number;
  /** The container around the owner; `null` when the owner is at the top level. */
  parent: string | null;
  depth: number;
  startAt: string;
  /** Item processors: the Map's processor mode. */
  mode?: 'INLINE' | 'DISTRIBUTED';
}

/** A transition; its id is the JSON Pointer of the field that makes it (`/States/A/Next`, `/States/C/Choices/0`). */
export interface GraphEdge {
  id: string;
  from: string;
  to: string;
  kind: 'Next' | 'Default' | 'Choice' | 'Catch';
  /** Choice: the rule as text (`$.n < 10`); Catch: the error names; Default: `Default`; Next: `null`. */
  label: string | null;
  /** Choice rules and catchers: the position in `Choices` / `Catch`. */
  index?: number;
  /** Catchers: `ErrorEquals`. */
  errors?: string[];
}

export interface Graph {
  startAt: string;
  nodes: GraphNode[];
  containers: GraphContainer[];
  edges: GraphEdge[];
}

// ---------------------------------------------------------------- history events

/** `{ truncated: false }`: payloads are never truncated here. */
export interface PayloadDetails {
  truncated: boolean;
}

export interface ErrorDetails {
  error?: string;
  cause?: string;
}

export interface ExecutionStartedEventDetails {
  /** The input as JSON text. */
  input: string;
  inputDetails: PayloadDetails;
  roleArn: string;
}

export interface OutputEventDetails {
  /** The output as JSON text. */
  output: string;
  outputDetails: PayloadDetails;
}

export interface StateEnteredEventDetails {
  name: string;
  /** The state input as JSON text. */
  input: string;
  inputDetails: PayloadDetails;
}

export interface StateExitedEventDetails {
  name: string;
  /** The state output as JSON text. */
  output: string;
  outputDetails: PayloadDetails;
  /** Variables the state assigned: name → JSON text of the value. */
  assignedVariables?: Record<string, string>;
  assignedVariablesDetails?: PayloadDetails;
}

export interface MapStateStartedEventDetails {
  length: number;
}

export interface MapIterationEventDetails {
  /** The Map state's name. */
  name: string;
  index: number;
}

export interface MapRunStartedEventDetails {
  mapRunArn: string;
}

export interface TaskScheduledEventDetails {
  resourceType: string;
  resource: string;
  region: string;
  /** The task's parameters as JSON text. */
  parameters: string;
  timeoutInSeconds?: number;
  heartbeatInSeconds?: number;
}

export interface TaskStartedEventDetails {
  resourceType: string;
  resource: string;
}

export interface TaskOutputEventDetails extends TaskStartedEventDetails {
  output: string;
  outputDetails: PayloadDetails;
}

export interface TaskErrorEventDetails extends TaskStartedEventDetails, ErrorDetails {}

export interface LambdaFunctionScheduledEventDetails {
  resource: string;
  /** The function's input as JSON text. */
  input: string;
  inputDetails: PayloadDetails;
  timeoutInSeconds?: number;
}

export interface EvaluationFailedEventDetails {
  error: string;
  cause: string;
  location?: string;
  state: string;
}

/** Event type → the details member it carries. */
export interface HistoryEventDetailsByType {
  ActivityFailed: { activityFailedEventDetails?: ErrorDetails };
  ActivityScheduled: { activityScheduledEventDetails: LambdaFunctionScheduledEventDetails };
  ActivityScheduleFailed: { activityScheduleFailedEventDetails?: ErrorDetails };
  ActivityStarted: {};
  ActivitySucceeded: { activitySucceededEventDetails: OutputEventDetails };
  ActivityTimedOut: { activityTimedOutEventDetails?: ErrorDetails };
  ChoiceStateEntered: { stateEnteredEventDetails: StateEnteredEventDetails };
  ChoiceStateExited: { stateExitedEventDetails: StateExitedEventDetails };
  ExecutionAborted: { executionAbortedEventDetails?: ErrorDetails };
  ExecutionFailed: { executionFailedEventDetails?: ErrorDetails };
  ExecutionStarted: { executionStartedEventDetails: ExecutionStartedEventDetails };
  ExecutionSucceeded: { executionSucceededEventDetails: OutputEventDetails };
  ExecutionTimedOut: { executionTimedOutEventDetails?: ErrorDetails };
  FailStateEntered: { stateEnteredEventDetails: StateEnteredEventDetails };
  LambdaFunctionFailed: { lambdaFunctionFailedEventDetails?: ErrorDetails };
  LambdaFunctionScheduled: { lambdaFunctionScheduledEventDetails: LambdaFunctionScheduledEventDetails };
  LambdaFunctionScheduleFailed: { lambdaFunctionScheduleFailedEventDetails?: ErrorDetails };
  LambdaFunctionStarted: {};
  LambdaFunctionStartFailed: { lambdaFunctionStartFailedEventDetails?: ErrorDetails };
  LambdaFunctionSucceeded: { lambdaFunctionSucceededEventDetails: OutputEventDetails };
  LambdaFunctionTimedOut: { lambdaFunctionTimedOutEventDetails?: ErrorDetails };
  MapIterationAborted: { mapIterationAbortedEventDetails: MapIterationEventDetails };
  MapIterationFailed: { mapIterationFailedEventDetails: MapIterationEventDetails };
  MapIterationStarted: { mapIterationStartedEventDetails: MapIterationEventDetails };
  MapIterationSucceeded: { mapIterationSucceededEventDetails: MapIterationEventDetails };
  MapStateAborted: {};
  MapStateEntered: { stateEnteredEventDetails: StateEnteredEventDetails };
  MapStateExited: { stateExitedEventDetails: StateExitedEventDetails };
  MapStateFailed: {};
  MapStateStarted: { mapStateStartedEventDetails: MapStateStartedEventDetails };
  MapStateSucceeded: {};
  ParallelStateAborted: {};
  ParallelStateEntered: { stateEnteredEventDetails: StateEnteredEventDetails };
  ParallelStateExited: { stateExitedEventDetails: StateExitedEventDetails };
  ParallelStateFailed: {};
  ParallelStateStarted: {};
  ParallelStateSucceeded: {};
  PassStateEntered: { stateEnteredEventDetails: StateEnteredEventDetails };
  PassStateExited: { stateExitedEventDetails: StateExitedEventDetails };
  SucceedStateEntered: { stateEnteredEventDetails: StateEnteredEventDetails };
  SucceedStateExited: { stateExitedEventDetails: StateExitedEventDetails };
  TaskFailed: { taskFailedEventDetails: TaskErrorEventDetails };
  TaskScheduled: { taskScheduledEventDetails: TaskScheduledEventDetails };
  TaskStarted: { taskStartedEventDetails: TaskStartedEventDetails };
  TaskStartFailed: { taskStartFailedEventDetails: TaskErrorEventDetails };
  TaskStateAborted: {};
  TaskStateEntered: { stateEnteredEventDetails: StateEnteredEventDetails };
  TaskStateExited: { stateExitedEventDetails: StateExitedEventDetails };
  TaskSubmitFailed: { taskSubmitFailedEventDetails: TaskErrorEventDetails };
  TaskSubmitted: { taskSubmittedEventDetails: TaskOutputEventDetails };
  TaskSucceeded: { taskSucceededEventDetails: TaskOutputEventDetails };
  TaskTimedOut: { taskTimedOutEventDetails: TaskErrorEventDetails };
  WaitStateAborted: {};
  WaitStateEntered: { stateEnteredEventDetails: StateEnteredEventDetails };
  WaitStateExited: { stateExitedEventDetails: StateExitedEventDetails };
  MapRunAborted: {};
  MapRunFailed: { mapRunFailedEventDetails?: ErrorDetails };
  MapRunStarted: { mapRunStartedEventDetails: MapRunStartedEventDetails };
  MapRunSucceeded: {};
  ExecutionRedriven: { executionRedrivenEventDetails?: { redriveCount: number } };
  MapRunRedriven: { mapRunRedrivenEventDetails?: { mapRunArn: string; redriveCount: number } };
  EvaluationFailed: { evaluationFailedEventDetails: EvaluationFailedEventDetails };
}

export type HistoryEventType = keyof HistoryEventDetailsByType;

/** One history event in the shape of `GetExecutionHistory` (as the AWS SDK returns it). */
export type HistoryEvent = {
  [T in HistoryEventType]: {
    type: T;
    /** 1-based, in order. */
    id: number;
    /** The event this one follows (0 for the first). */
    previousEventId: number;
    timestamp: Date;
  } & HistoryEventDetailsByType[T];
}[HistoryEventType];

/** The history event of one type: `EventOf<'TaskScheduled'>`. */
export type EventOf<T extends HistoryEventType> = Extract<HistoryEvent, { type: T }>;

// ------------------------------------------------------------------------- errors

export type ErrorCode =
  | 'INVALID_DEFINITION'
  | 'INVALID_EXECUTION_INPUT'
  | 'INVALID_ARGUMENT'
  | 'INVALID_MOCK_CONFIG'
  | 'INVALID_TOKEN'
  | 'INVALID_EXECUTION_STATE'
  | 'INTERNAL'
  | 'STATELAB_ERROR';

/** The base class of every error the package throws; `name` is the class name. */
export class StatelabError extends Error {
  readonly code: ErrorCode;
}
/** The definition does not validate. */
export class InvalidDefinitionError extends StatelabError {
  readonly code: 'INVALID_DEFINITION';
  /** The errors (severity ERROR) that prevent compiling. */
  readonly diagnostics: Diagnostic[];
}
export class InvalidExecutionInputError extends StatelabError {
  readonly code: 'INVALID_EXECUTION_INPUT';
}
export class InvalidArgumentError extends StatelabError {
  readonly code: 'INVALID_ARGUMENT';
}
export class MockConfigError extends StatelabError {
  readonly code: 'INVALID_MOCK_CONFIG';
  /** Where in the mock config, e.g. `MockedResponses.R1."0-2".Throw.Error`. */
  readonly path: string;
}
export class InvalidTokenError extends StatelabError {
  readonly code: 'INVALID_TOKEN';
}
export class ExecutionStateError extends StatelabError {
  readonly code: 'INVALID_EXECUTION_STATE';
}
/** An engine bug; the engine was restarted and everything else stays usable. */
export class InternalError extends StatelabError {
  readonly code: 'INTERNAL';
}

/** Throw it from a task handler to fail the task with this ASL error and cause. */
export class TaskFailure extends Error {
  constructor(error: string, cause?: string);
  readonly error: string;
  readonly cause: string | undefined;
}

/** The engine's version and build features. */
export const engine: { readonly version: string; readonly jsonata: boolean };
