// The examples gallery. Each one runs to its intended end (test/examples.test.mjs runs
// them all): `expect` is the status, `tokens` tells that a callback task waits for an
// answer from the pending-tokens panel.
import deliveryDefinition from './delivery/definition.asl.json';
import deliveryInput from './delivery/input.json';
import deliveryMocks from './delivery/mocks.json';

const text = (value) => `${JSON.stringify(value, null, 2)}\n`;
const lambda = 'arn:aws:states:::lambda:invoke';
const ret = (value) => ({ kind: 'Return', value: JSON.stringify(value, null, 2) });
const mock = (...responses) => ({ mode: 'mock', responses, handler: '' });

export const EXAMPLES = [
  {
    id: 'delivery',
    title: 'examples.delivery',
    definition: deliveryDefinition,
    input: deliveryInput,
    mock: JSON.parse(deliveryMocks),
    testCase: 'HappyPath',
    expect: 'SUCCEEDED',
  },
  {
    id: 'choice',
    title: 'examples.choice',
    definition: text({
      Comment: 'Route an order by its total and its customer tier.',
      StartAt: 'Route',
      States: {
        Route: {
          Type: 'Choice',
          Choices: [
            { And: [{ Variable: '$.total', NumericGreaterThan: 500 }, { Variable: '$.tier', StringEquals: 'gold' }], Next: 'Priority' },
            { Variable: '$.total', NumericGreaterThan: 500, Next: 'Review' },
            { Variable: '$.coupon', IsPresent: true, Next: 'Discount' },
          ],
          Default: 'Standard',
        },
        Priority: { Type: 'Pass', Result: 'priority lane', ResultPath: '$.route', End: true },
        Review: { Type: 'Pass', Result: 'manual review', ResultPath: '$.route', End: true },
        Discount: { Type: 'Pass', Result: 'discount applied', ResultPath: '$.route', End: true },
        Standard: { Type: 'Pass', Result: 'standard', ResultPath: '$.route', End: true },
      },
    }),
    input: text({ total: 720, tier: 'gold' }),
    expect: 'SUCCEEDED',
  },
  {
    id: 'parallel',
    title: 'examples.parallel',
    definition: text({
      Comment: 'Three lookups at once; the Parallel state outputs their results as an array.',
      StartAt: 'Lookups',
      States: {
        Lookups: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Weather', States: { Weather: { Type: 'Pass', Result: { sky: 'clear', celsius: 24 }, End: true } } },
            { StartAt: 'Traffic', States: { Traffic: { Type: 'Pass', Result: { jam: false }, End: true } } },
            {
              StartAt: 'Calendar',
              States: {
                Calendar: { Type: 'Pass', Parameters: { 'who.$': '$.user', meetings: 2 }, Next: 'Busy?' },
                'Busy?': { Type: 'Choice', Choices: [{ Variable: '$.meetings', NumericGreaterThan: 3, Next: 'Busy' }], Default: 'Free' },
                Busy: { Type: 'Pass', Result: 'busy', End: true },
                Free: { Type: 'Pass', Result: 'free', End: true },
              },
            },
          ],
          ResultSelector: { 'weather.$': '$[0]', 'traffic.$': '$[1]', 'calendar.$': '$[2]' },
          Next: 'Plan',
        },
        Plan: { Type: 'Pass', Parameters: { 'goOut.$': '$.traffic.jam' }, End: true },
      },
    }),
    input: text({ user: 'Ana' }),
    expect: 'SUCCEEDED',
  },
  {
    id: 'map',
    title: 'examples.map',
    definition: text({
      Comment: 'Price every line of an order: an inline Map runs its item processor once per item.',
      StartAt: 'PriceLines',
      States: {
        PriceLines: {
          Type: 'Map',
          ItemsPath: '$.lines',
          ItemSelector: { 'line.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index', 'currency.$': '$.currency' },
          MaxConcurrency: 2,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Bulk?',
            States: {
              'Bulk?': { Type: 'Choice', Choices: [{ Variable: '$.line.quantity', NumericGreaterThanEquals: 10, Next: 'BulkPrice' }], Default: 'UnitPrice' },
              BulkPrice: { Type: 'Pass', Parameters: { 'sku.$': '$.line.sku', 'total.$': 'States.MathAdd($.line.quantity, -1)', note: 'one free' }, End: true },
              UnitPrice: { Type: 'Pass', Parameters: { 'sku.$': '$.line.sku', 'total.$': '$.line.quantity' }, End: true },
            },
          },
          ResultPath: '$.priced',
          End: true,
        },
      },
    }),
    input: text({ currency: 'EUR', lines: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 12 }, { sku: 'C', quantity: 1 }] }),
    expect: 'SUCCEEDED',
  },
  {
    id: 'retry',
    title: 'examples.retry',
    definition: text({
      Comment: 'A flaky service: two busy answers are retried with back-off, then a declined card is caught and compensated.',
      StartAt: 'Charge',
      States: {
        Charge: {
          Type: 'Task',
          Resource: lambda,
          Parameters: { FunctionName: 'charge', 'Payload.$': '$' },
          Retry: [{ ErrorEquals: ['Service.Busy'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
          Catch: [{ ErrorEquals: ['Card.Declined'], ResultPath: '$.failure', Next: 'Refund' }],
          Next: 'Receipt',
        },
        Refund: { Type: 'Pass', Parameters: { 'order.$': '$.order', status: 'refunded', 'reason.$': '$.failure.Cause' }, End: true },
        Receipt: { Type: 'Succeed' },
      },
    }),
    input: text({ order: 'ORD-7', amount: 19.9 }),
    answers: {
      Charge: mock(
        { kind: 'Throw', error: 'Service.Busy', cause: 'try again later' },
        { kind: 'Throw', error: 'Service.Busy', cause: 'still busy' },
        { kind: 'Throw', error: 'Card.Declined', cause: 'insufficient funds' },
      ),
    },
    expect: 'SUCCEEDED',
  },
  {
    id: 'wait',
    title: 'examples.wait',
    definition: text({
      Comment: 'Waits of an hour and until a timestamp: the virtual clock takes no time, the timestamps show it.',
      StartAt: 'Cool down',
      States: {
        'Cool down': { Type: 'Wait', Seconds: 3600, Next: 'Until the launch' },
        'Until the launch': { Type: 'Wait', TimestampPath: '$.launchAt', Next: 'Launch' },
        Launch: { Type: 'Pass', Parameters: { 'launchedAt.$': '$$.State.EnteredTime' }, End: true },
      },
    }),
    input: text({ launchAt: '2025-01-02T09:00:00Z' }),
    expect: 'SUCCEEDED',
  },
  {
    id: 'intrinsics',
    title: 'examples.intrinsics',
    definition: text({
      Comment: 'Intrinsic functions in Parameters.',
      StartAt: 'Compute',
      States: {
        Compute: {
          Type: 'Pass',
          Parameters: {
            'greeting.$': "States.Format('Hello, {}! You have {} items.', $.name, States.ArrayLength($.items))",
            'sum.$': 'States.MathAdd($.a, $.b)',
            'pairs.$': 'States.ArrayPartition($.items, 2)',
            'unique.$': 'States.ArrayUnique($.tags)',
            'has.$': "States.ArrayContains($.tags, 'b')",
            'encoded.$': 'States.Base64Encode($.name)',
            'hash.$': "States.Hash($.name, 'SHA-256')",
            'json.$': 'States.JsonToString($.nested)',
            'parsed.$': 'States.StringToJson($.text)',
            'parts.$': "States.StringSplit($.csv, ',')",
            'id.$': 'States.UUID()',
            'range.$': 'States.ArrayRange(1, 9, 2)',
          },
          End: true,
        },
      },
    }),
    input: text({ name: 'Ana', items: [1, 2, 3, 4, 5], a: 40, b: 2, tags: ['a', 'b', 'a'], nested: { x: 1 }, text: '{"ok":true}', csv: 'red,green,blue' }),
    expect: 'SUCCEEDED',
  },
  {
    id: 'callback',
    title: 'examples.callback',
    definition: text({
      Comment: 'A callback task: the execution waits until someone answers its task token (use the pending-tokens panel).',
      StartAt: 'Ask approval',
      States: {
        'Ask approval': {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals', MessageBody: { 'token.$': '$$.Task.Token', 'expense.$': '$' } },
          ResultPath: '$.approval',
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.rejection', Next: 'Rejected' }],
          Next: 'Approved',
        },
        Approved: { Type: 'Succeed' },
        Rejected: { Type: 'Fail', Error: 'Expense.Rejected', CausePath: '$.rejection.Cause' },
      },
    }),
    input: text({ expense: 'train ticket', amount: 120 }),
    tokens: true,
    expect: 'SUCCEEDED',
  },
  {
    id: 'jsonata',
    title: 'examples.jsonata',
    definition: text({
      Comment: 'JSONata: Arguments, Output and Assign are expressions in {% %}.',
      QueryLanguage: 'JSONata',
      StartAt: 'Totals',
      States: {
        Totals: {
          Type: 'Pass',
          Assign: { subtotal: '{% $sum($states.input.items.(price * quantity)) %}' },
          Output: { 'items': '{% $states.input.items %}', count: '{% $count($states.input.items) %}' },
          Next: 'Discount?',
        },
        'Discount?': {
          Type: 'Choice',
          Choices: [{ Condition: '{% $subtotal > 100 %}', Next: 'Discount' }],
          Default: 'Invoice',
        },
        Discount: { Type: 'Pass', Assign: { subtotal: '{% $round($subtotal * 0.9, 2) %}' }, Next: 'Invoice' },
        Invoice: {
          Type: 'Pass',
          Output: { lines: '{% $states.input.count %}', total: '{% $subtotal %}', skus: "{% $join($states.input.items.sku, ', ') %}" },
          End: true,
        },
      },
    }),
    input: text({ items: [{ sku: 'A', price: 30, quantity: 2 }, { sku: 'B', price: 12.5, quantity: 4 }] }),
    expect: 'SUCCEEDED',
  },
  {
    id: 'variables',
    title: 'examples.variables',
    definition: text({
      Comment: 'Variables: Assign stores values that later states read as $name, without passing them through every output.',
      StartAt: 'Remember',
      States: {
        Remember: { Type: 'Pass', Assign: { 'customer.$': '$.customer', attempts: 0 }, Next: 'Count' },
        Count: { Type: 'Pass', Assign: { 'attempts.$': 'States.MathAdd($attempts, 1)' }, Next: 'Enough?' },
        'Enough?': { Type: 'Choice', Choices: [{ Variable: '$attempts', NumericLessThan: 3, Next: 'Count' }], Default: 'Report' },
        Report: { Type: 'Pass', Parameters: { 'customer.$': '$customer', 'attempts.$': '$attempts' }, End: true },
      },
    }),
    input: text({ customer: 'Ana' }),
    expect: 'SUCCEEDED',
  },
];

/** Answers for an example's Task states (from its mock file or its own answers). */
export function exampleById(id) {
  return EXAMPLES.find((e) => e.id === id) ?? EXAMPLES[0];
}
