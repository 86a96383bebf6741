import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StateMachine } from 'statelab';

const definition = {
  StartAt: 'Route',
  States: {
    Route: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.kind', StringEquals: 'bulk', Next: 'Dispatch' },
        {
          And: [
            { Variable: '$.total', NumericGreaterThanEquals: 100 },
            { Not: { Variable: '$.vip', BooleanEquals: true } },
          ],
          Next: 'Review',
        },
      ],
      Default: 'Items',
    },
    Review: { Type: 'Pass', Next: 'Dispatch' },
    Dispatch: {
      Type: 'Parallel',
      Next: 'Items',
      Branches: [
        {
          StartAt: 'ReserveCourier',
          States: {
            ReserveCourier: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Retry: [{ ErrorEquals: ['Busy'] }],
              End: true,
            },
          },
        },
        { StartAt: 'Notify', States: { Notify: { Type: 'Pass', End: true } } },
      ],
      Catch: [{ ErrorEquals: ['States.TaskFailed', 'Busy'], Next: 'Failed' }],
    },
    Items: {
      Type: 'Map',
      End: true,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Pack',
        States: { Pack: { Type: 'Pass', Comment: 'one parcel', End: true } },
      },
    },
    Failed: { Type: 'Fail', Error: 'DispatchFailed' },
  },
};

test('graph: nodes, containers and labelled edges with JSON Pointer ids', () => {
  const g = new StateMachine(definition).graph();
  assert.equal(g.startAt, '/States/Route');
  assert.deepEqual(
    g.nodes.map((n) => [n.id, n.type, n.parent, n.depth, n.start, n.end]),
    [
      ['/States/Route', 'Choice', null, 0, true, false],
      ['/States/Review', 'Pass', null, 0, false, false],
      ['/States/Dispatch', 'Parallel', null, 0, false, false],
      ['/States/Dispatch/Branches/0/States/ReserveCourier', 'Task', '/States/Dispatch/Branches/0', 1, true, true],
      ['/States/Dispatch/Branches/1/States/Notify', 'Pass', '/States/Dispatch/Branches/1', 1, true, true],
      ['/States/Items', 'Map', null, 0, false, true],
      ['/States/Items/ItemProcessor/States/Pack', 'Pass', '/States/Items/ItemProcessor', 1, true, true],
      ['/States/Failed', 'Fail', null, 0, false, true],
    ],
  );
  const courier = g.nodes.find((n) => n.name === 'ReserveCourier');
  assert.equal(courier.resource, 'arn:aws:states:::lambda:invoke');
  assert.deepEqual(courier.retry, [['Busy']]);
  assert.deepEqual(g.nodes.find((n) => n.name === 'Dispatch').containers, [
    '/States/Dispatch/Branches/0',
    '/States/Dispatch/Branches/1',
  ]);
  assert.equal(g.nodes.find((n) => n.name === 'Pack').comment, 'one parcel');
  assert.deepEqual(g.containers, [
    { id: '/States/Dispatch/Branches/0', kind: 'Branch', owner: '/States/Dispatch', index: 0, parent: null, depth: 1, startAt: '/States/Dispatch/Branches/0/States/ReserveCourier' },
    { id: '/States/Dispatch/Branches/1', kind: 'Branch', owner: '/States/Dispatch', index: 1, parent: null, depth: 1, startAt: '/States/Dispatch/Branches/1/States/Notify' },
    { id: '/States/Items/ItemProcessor', kind: 'ItemProcessor', owner: '/States/Items', index: 0, parent: null, depth: 1, startAt: '/States/Items/ItemProcessor/States/Pack', mode: 'INLINE' },
  ]);
  assert.deepEqual(
    g.edges.map((e) => [e.id, e.kind, e.from, e.to, e.label]),
    [
      ['/States/Route/Choices/0', 'Choice', '/States/Route', '/States/Dispatch', '$.kind == "bulk"'],
      ['/States/Route/Choices/1', 'Choice', '/States/Route', '/States/Review', '$.total >= 100 and not $.vip == true'],
      ['/States/Route/Default', 'Default', '/States/Route', '/States/Items', 'Default'],
      ['/States/Review/Next', 'Next', '/States/Review', '/States/Dispatch', null],
      ['/States/Dispatch/Next', 'Next', '/States/Dispatch', '/States/Items', null],
      ['/States/Dispatch/Catch/0', 'Catch', '/States/Dispatch', '/States/Failed', 'States.TaskFailed, Busy'],
    ],
  );
  assert.deepEqual(g.edges.at(-1).errors, ['States.TaskFailed', 'Busy']);
});

test('graph: ids are stable and every history event with a state maps to a node', async () => {
  const sm = new StateMachine(definition);
  assert.deepEqual(sm.graph(), new StateMachine(JSON.stringify(definition, null, 2)).graph());
  const g = sm.graph();
  g.nodes.length = 0; // callers get a copy
  assert.equal(sm.graph().nodes.length, 8);
  const ids = new Set(sm.graph().nodes.map((n) => n.id));
  const ex = sm.start({ input: { kind: 'bulk' }, handlers: { ReserveCourier: () => ({}) } });
  await ex.result;
  for (const e of ex.history()) {
    const id = ex.nodeIdOf(e);
    if (e.type.startsWith('Execution')) assert.equal(id, undefined);
    else assert.ok(ids.has(id), `${e.type} -> ${id}`);
  }
  assert.equal(sm.nodeIdOf('Notify'), '/States/Dispatch/Branches/1/States/Notify');
  assert.equal(sm.nodeIdOf('Nope'), undefined);
});

test('graph: state names with / and ~ are escaped in ids', () => {
  const g = new StateMachine({ StartAt: 'a/b~c', States: { 'a/b~c': { Type: 'Succeed' } } }).graph();
  assert.equal(g.nodes[0].id, '/States/a~1b~0c');
  assert.equal(g.nodes[0].name, 'a/b~c');
});
