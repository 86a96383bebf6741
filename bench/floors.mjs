// Floors behind bench/README.md's analysis of the targets: what the npm package costs
// with the workload's data work taken away, measured in one process after warm-up
// (best of several repetitions). Needs pkg/ (scripts/build-pkg.sh).
//
//   node bench/floors.mjs [--workloads DIR]
//
// Prints, per line: a 1-state machine (Succeed) with `{}` and with dataflow's 2 KB
// input (the fixed cost of an execution, then with the input's JSON crossing); that
// input's JSON.stringify and TextEncoder alone (what a wasm engine pays to get it); the
// dataflow and tasks workloads warm; parallel, and parallel with every Pass state
// passing its input through (no Result, no ResultPath: the engine's per-transition
// cost without data work).

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const dir = argv[0] === '--workloads' ? resolve(argv[1]) : resolve(root, '../shared/bench/workloads');
const { StateMachine } = await import(join(root, 'pkg', 'node.js'));

const read = (name, suffix) => JSON.parse(readFileSync(join(dir, `${name}.${suffix}.json`), 'utf8'));
const limits = { maxHistoryEvents: 0, maxPayloadBytes: 0 };
const identity = (x) => x;

/** Best time of `reps` repetitions of `n` runs, in µs per run. */
async function best(sm, options, n, reps) {
  let min = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const out = await sm.run(options);
      if (out.status !== 'SUCCEEDED') throw new Error(`${out.status} ${out.error} ${out.cause}`);
    }
    min = Math.min(min, performance.now() - t0);
  }
  return (min / n) * 1000;
}

const line = (label, us, extra = '') => console.log(`${label.padEnd(48)} ${us.toFixed(2).padStart(9)} µs${extra}`);

const succeed = new StateMachine({ StartAt: 'S', States: { S: { Type: 'Succeed' } } });
const big = read('dataflow', 'input');
line('1-state machine, {} input, per run', await best(succeed, { input: {} }, 20000, 4));
line('1-state machine, 2 KB input, per run', await best(succeed, { input: big }, 20000, 4));
// What any engine in wasm pays to be given the input at all: its JSON text, as UTF-8.
{
  const encoder = new TextEncoder();
  let min = Infinity;
  let bytes = 0;
  for (let r = 0; r < 4; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 20000; i++) bytes += encoder.encode(JSON.stringify(big)).length;
    min = Math.min(min, performance.now() - t0);
  }
  if (bytes === 0) throw new Error('nothing encoded');
  line('2 KB input: JSON.stringify + TextEncoder only', (min / 20000) * 1000);
}

const dataflow = new StateMachine(read('dataflow', 'asl'));
line('dataflow, per execution', await best(dataflow, { input: big, handlers: { Enrich: identity }, limits }, 20000, 4));

const tasks = new StateMachine(read('tasks', 'asl'));
const perTask = (await best(tasks, { input: read('tasks', 'input'), handlers: { Work: identity }, limits }, 1, 8)) / 10000;
line('tasks, per task (two transitions)', perTask);

const parallel = read('parallel', 'asl');
const bare = structuredClone(parallel);
for (const branch of bare.States.Par.Branches) {
  for (const state of Object.values(branch.States)) {
    delete state.Result;
    delete state.ResultPath;
  }
}
const perTransition = (us) => us / 1001;
const p = perTransition(await best(new StateMachine(parallel), { input: read('parallel', 'input'), limits }, 100, 8));
line('parallel, per transition', p);
const b = perTransition(await best(new StateMachine(bare), { input: read('parallel', 'input'), limits }, 100, 8));
line('parallel passing inputs through, per transition', b);
