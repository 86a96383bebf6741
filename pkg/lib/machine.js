// State machines and validation.

import { UTF8_FROM, call, currentGeneration, glue, track, utf8 } from './engine.js';
import { InvalidArgumentError } from './errors.js';
import { Execution, startOptions } from './execution.js';

function definitionText(definition) {
  if (typeof definition === 'string') return definition;
  if (definition !== null && typeof definition === 'object') {
    try {
      return JSON.stringify(definition);
    } catch (e) {
      throw new InvalidArgumentError(`the definition is not JSON-serializable: ${e.message}`);
    }
  }
  throw new InvalidArgumentError('a definition is a JSON string or an object');
}

/**
 * Validates a definition like `ValidateStateMachineDefinition`: every problem at once,
 * each with a code, a severity, a message, a JSON Pointer (`location`) and, for text, a
 * 1-based line and column (UTF-16 code units, as JS strings and editors count).
 */
export function validate(definition, options = {}) {
  const text = definitionText(definition);
  const type = options?.type ?? 'STANDARD';
  if (type !== 'STANDARD' && type !== 'EXPRESS') {
    throw new InvalidArgumentError(`type must be 'STANDARD' or 'EXPRESS', got ${JSON.stringify(type)}`);
  }
  const diagnostics = JSON.parse(call(() => glue.validate(text, type === 'EXPRESS')));
  if (typeof definition !== 'string') {
    // Positions in text the caller never wrote would mislead.
    for (const d of diagnostics) {
      delete d.line;
      delete d.column;
    }
  } else {
    utf16Columns(text, diagnostics);
  }
  return diagnostics;
}

/** The engine counts columns in characters; editors count UTF-16 code units. */
function utf16Columns(text, diagnostics) {
  let lines = null;
  for (const d of diagnostics) {
    if (d.line === undefined || d.column === undefined) continue;
    lines ??= text.split(/\r\n|\n|\r/);
    const line = lines[d.line - 1];
    if (line === undefined) continue;
    let units = 0;
    let chars = 1;
    for (const ch of line) {
      if (chars >= d.column) break;
      units += ch.length;
      chars++;
    }
    d.column = units + 1 + Math.max(0, d.column - chars);
  }
}

/** Mock configs already parsed, by object identity (or text), per engine instance. */
const mocks = new WeakMap();
let lastMockText = null;

function engineMock(mock) {
  const gen = currentGeneration();
  if (typeof mock === 'string') {
    if (lastMockText?.text === mock && lastMockText.gen === gen) return lastMockText.handle;
    const handle = track(call(() => new glue.WasmMock(mock)));
    lastMockText = { text: mock, gen, handle };
    return handle;
  }
  if (mock === null || typeof mock !== 'object') {
    throw new InvalidArgumentError('mock must be a MockConfigFile object or its JSON text');
  }
  const cached = mocks.get(mock);
  if (cached && cached.gen === gen) return cached.handle;
  const handle = track(call(() => new glue.WasmMock(JSON.stringify(mock))));
  mocks.set(mock, { gen, handle });
  return handle;
}

/** A compiled state machine: create it once, start many executions. */
export class StateMachine {
  #text;
  #handle;
  #gen;
  #definition;
  #graph;
  #nodeIds;

  /**
   * Validates and compiles a definition (a JSON string or an object). Throws an
   * `InvalidDefinitionError` listing the diagnostics when it does not validate.
   */
  constructor(definition, options = {}) {
    this.#text = definitionText(definition);
    const { name = 'StateMachine', ...rest } = options ?? {};
    const unknown = Object.keys(rest);
    if (unknown.length) {
      throw new InvalidArgumentError(`unknown state machine option(s): ${unknown.join(', ')}`);
    }
    if (typeof name !== 'string' || name === '') {
      throw new InvalidArgumentError('name must be a non-empty string');
    }
    /** The name used in ARNs and to pick the mock config's entry. */
    this.name = name;
    this.#compile();
  }

  #compile() {
    const text = this.#text;
    this.#handle = track(call(() => new glue.WasmMachine(text)));
    this.#gen = currentGeneration();
  }

  /** The engine object, rebuilt if the engine instance was replaced. */
  #engine() {
    if (this.#gen !== currentGeneration()) this.#compile();
    return this.#handle;
  }

  /** The definition as an object (key order kept). */
  get definition() {
    return (this.#definition ??= JSON.parse(this.#text));
  }

  /**
   * The graph model for renderers: nodes, containers (Parallel branches, Map item
   * processors) and labelled edges, with JSON Pointers as ids.
   */
  graph() {
    this.#graph ??= JSON.parse(call(() => this.#engine().graph()));
    return structuredClone(this.#graph);
  }

  /** The graph node id (a JSON Pointer) of the state with this name. */
  nodeIdOf(stateName) {
    if (!this.#nodeIds) {
      this.#graph ??= JSON.parse(call(() => this.#engine().graph()));
      this.#nodeIds = new Map(this.#graph.nodes.map((n) => [n.name, n.id]));
    }
    return this.#nodeIds.get(stateName);
  }

  /** Starts an execution. See `StartOptions`. */
  start(options = {}) {
    return this.#start(options, false);
  }

  /** Starts an execution and resolves with its result. */
  run(options = {}) {
    try {
      // Nobody can reach this execution but its result: free it as soon as it ends.
      return this.#start(options, true).result;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #start(options, ephemeral) {
    const { json, mock, driver } = startOptions(this, options);
    driver.ephemeral = ephemeral;
    const machine = this.#engine();
    const bytes = json.length >= UTF8_FROM;
    const handle =
      mock === undefined
        ? call(() => (bytes ? machine.startUtf8(utf8(json)) : machine.start(json)))
        : (() => {
            const m = engineMock(mock);
            return call(() =>
              bytes ? machine.startMockedUtf8(utf8(json), m) : machine.startMocked(json, m),
            );
          })();
    return new Execution(this, handle, driver);
  }
}

/** `new StateMachine(definition, options)`. */
export function createStateMachine(definition, options) {
  return new StateMachine(definition, options);
}

/**
 * The TestState API: runs one state (a state's definition, or a whole definition with
 * `stateName`) with an input and an optional mock, and reports its `status`
 * (`SUCCEEDED`, `FAILED`, `RETRIABLE`, `CAUGHT_ERROR`), `output`, `error`, `cause`,
 * `nextState` and, at `inspectionLevel: 'DEBUG'`, its `inspectionData`. Payloads are
 * values, not JSON text.
 */
export function testState(request) {
  if (request === null || typeof request !== 'object') {
    throw new InvalidArgumentError('testState needs a request object');
  }
  const { definition, ...rest } = request;
  if (definition === undefined) throw new InvalidArgumentError('testState needs a definition');
  let text;
  try {
    text = JSON.stringify({ ...rest, definition });
  } catch (e) {
    throw new InvalidArgumentError(`the request is not JSON-serializable: ${e.message}`);
  }
  return JSON.parse(call(() => glue.testState(text)));
}
