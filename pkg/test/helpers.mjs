// Small definitions shared by the tests.

export const task = (extra = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:lambda:us-east-1:123456789012:function:Work',
  ...extra,
});

/** One state machine with a single state `S`. */
export const one = (state) => ({ StartAt: 'S', States: { S: state } });

/** A promise and its resolve/reject, for handlers that answer when a test says so. */
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves after every pending microtask and one macrotask. */
export const tick = () => new Promise((r) => setImmediate(r));

export const types = (events) => events.map((e) => e.type);

/** A loop that never ends by itself (it has a terminal state nobody reaches). */
export const endless = {
  StartAt: 'L',
  States: {
    L: { Type: 'Pass', Next: 'C' },
    C: { Type: 'Choice', Choices: [{ Variable: '$.never', IsPresent: true, Next: 'Done' }], Default: 'L' },
    Done: { Type: 'Succeed' },
  },
};
