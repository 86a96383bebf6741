// Type-checked by scripts/test-pkg.sh (tsc --noEmit --strict): the hand-written types
// of index.d.ts against typical use. Not run.
import {
  type EventOf,
  type ExecutionResult,
  type Graph,
  type HistoryEvent,
  InvalidDefinitionError,
  StateMachine,
  StatelabError,
  TaskFailure,
  testState,
  validate,
} from 'statelab';

const machine = new StateMachine(
  { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } },
  { name: 'Typed' },
);

async function main(): Promise<void> {
  const execution = machine.start({
    input: { n: 1 },
    handlers: {
      A: async (input, ctx) => {
        ctx.signal.throwIfAborted();
        if (ctx.invocation > 3) throw new TaskFailure('Too.Many', `state ${ctx.stateName}`);
        return { input, token: ctx.taskToken ?? null };
      },
    },
    limits: { maxHistoryEvents: 0 },
    clock: 'virtual',
    inspect: true,
    onEvent: (e: HistoryEvent) => {
      // The union narrows on `type`.
      if (e.type === 'TaskScheduled') {
        const params: string = e.taskScheduledEventDetails.parameters;
        void params;
      } else if (e.type === 'PassStateExited') {
        const vars: Record<string, string> | undefined = e.stateExitedEventDetails.assignedVariables;
        void vars;
      }
    },
  });
  for await (const event of execution) {
    const id: number = event.id;
    const when: Date = event.timestamp;
    void id;
    void when;
  }
  const result: ExecutionResult = await execution.result;
  if (result.status === 'SUCCEEDED') {
    console.log(result.output);
  } else {
    const error: string | undefined = result.error;
    void error;
  }
  const entered: EventOf<'TaskStateEntered'> | undefined = execution
    .history()
    .find((e): e is EventOf<'TaskStateEntered'> => e.type === 'TaskStateEntered');
  if (entered) console.log(execution.inspection(entered)?.afterParameters, entered.stateEnteredEventDetails.name);
  for (const t of execution.pendingTaskTokens()) execution.sendTaskSuccess(t.taskToken, { ok: true });
  const step = await execution.step();
  console.log(step?.type, execution.nodeIdOf(step ?? 1));

  const graph: Graph = machine.graph();
  for (const edge of graph.edges) {
    if (edge.kind === 'Catch') console.log(edge.errors?.join(','));
  }
  const t = testState({ definition: { Type: 'Pass', End: true }, inspectionLevel: 'DEBUG' });
  if (t.status === 'CAUGHT_ERROR') console.log(t.nextState, t.inspectionData?.errorDetails?.catchIndex);

  for (const d of validate('{}', { type: 'EXPRESS' })) console.log(d.code, d.line ?? 0, d.location);
  try {
    new StateMachine('{}');
  } catch (e) {
    if (e instanceof InvalidDefinitionError) console.log(e.diagnostics[0]?.message, e.code);
    else if (e instanceof StatelabError) console.log(e.code);
  }
}

void main();
