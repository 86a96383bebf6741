// Field names of the Amazon States Language, for completion: which keys an object may
// have, by where it sits in the definition.

const COMMON = ['Type', 'Comment', 'QueryLanguage', 'Assign', 'InputPath', 'OutputPath', 'Output'];
const FLOW = ['Next', 'End'];
const ERRORS = ['Retry', 'Catch'];
const RESULT = ['Parameters', 'Arguments', 'ResultSelector', 'ResultPath'];

export const STATE_FIELDS = {
  Pass: [...COMMON, ...FLOW, 'Result', 'ResultPath', 'Parameters'],
  Task: [
    ...COMMON,
    ...FLOW,
    'Resource',
    ...RESULT,
    ...ERRORS,
    'TimeoutSeconds',
    'TimeoutSecondsPath',
    'HeartbeatSeconds',
    'HeartbeatSecondsPath',
    'Credentials',
  ],
  Choice: [...COMMON, 'Choices', 'Default'],
  Wait: [...COMMON, ...FLOW, 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'],
  Succeed: ['Type', 'Comment', 'QueryLanguage', 'InputPath', 'OutputPath', 'Output'],
  Fail: ['Type', 'Comment', 'QueryLanguage', 'Error', 'ErrorPath', 'Cause', 'CausePath'],
  Parallel: [...COMMON, ...FLOW, 'Branches', ...RESULT, ...ERRORS],
  Map: [
    ...COMMON,
    ...FLOW,
    'ItemProcessor',
    'Iterator',
    'ItemsPath',
    'Items',
    'ItemSelector',
    'ItemReader',
    'ItemBatcher',
    'ResultWriter',
    'MaxConcurrency',
    'MaxConcurrencyPath',
    'ToleratedFailureCount',
    'ToleratedFailureCountPath',
    'ToleratedFailurePercentage',
    'ToleratedFailurePercentagePath',
    'Label',
    ...RESULT,
    ...ERRORS,
  ],
};

export const STATE_TYPES = Object.keys(STATE_FIELDS);

export const TOP_FIELDS = ['Comment', 'StartAt', 'States', 'TimeoutSeconds', 'Version', 'QueryLanguage'];
export const BLOCK_FIELDS = ['StartAt', 'States', 'Comment', 'ProcessorConfig'];
export const RETRIER_FIELDS = ['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment'];
export const CATCHER_FIELDS = ['ErrorEquals', 'Next', 'ResultPath', 'Output', 'Assign', 'Comment'];

const COMPARISONS = [];
for (const kind of ['String', 'Numeric', 'Timestamp']) {
  for (const op of ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals']) {
    COMPARISONS.push(kind + op, `${kind}${op}Path`);
  }
}
export const CHOICE_RULE_FIELDS = [
  'Variable',
  'Next',
  'Condition',
  'Assign',
  'Output',
  'Comment',
  'And',
  'Or',
  'Not',
  ...COMPARISONS,
  'StringMatches',
  'BooleanEquals',
  'BooleanEqualsPath',
  'IsNull',
  'IsPresent',
  'IsNumeric',
  'IsString',
  'IsBoolean',
  'IsTimestamp',
];

/** Keys that name a state as their value. */
export const STATE_REFERENCES = new Set(['Next', 'Default', 'StartAt']);
