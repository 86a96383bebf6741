#!/usr/bin/env node
// Benchmark: every workload of ../shared/bench/workloads (or --workloads DIR) through
// the statelab npm package (pkg/, built by scripts/build-pkg.sh) and, in the same run,
// through aws-local-stepfunctions; both under the same Node 22 (the npm package `node`,
// a devDependency of this folder, as the peer needs Node 22). Each engine runs each
// workload in its own process: one warm-up run, then a timed run; the median of
// --runs processes (default 3) is reported. Outputs are checked against meta.json.
// The native engine (`cargo bench --bench native`) runs on the same files unless
// --no-native. The last line is `min speedup vs aws-local-stepfunctions: N.Nx`.
//
//   node bench/run.mjs [--runs N] [--only NAME,...] [--workloads DIR] [--no-native]

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

// ------------------------------------------------------------------ child mode

async function child(engine, dir, name) {
  const read = (suffix) => JSON.parse(readFileSync(join(dir, `${name}.${suffix}.json`), 'utf8'));
  const definition = read('asl');
  const input = read('input');
  const meta = read('meta');
  const executions = meta.executions ?? 1;
  const handlerNames = Object.keys(meta.taskHandlers ?? {});
  const identity = (x) => x;
  let once;
  if (engine === 'statelab') {
    const { StateMachine } = await import(join(root, 'pkg', 'node.js'));
    const sm = new StateMachine(definition);
    const handlers = Object.fromEntries(handlerNames.map((n) => [n, identity]));
    // The history is recorded (limits lifted so loop100k's 400,001 events fit).
    const limits = { maxHistoryEvents: 0, maxPayloadBytes: 0 };
    once = async () => {
      const r = await sm.run({ input, handlers, limits });
      if (r.status !== 'SUCCEEDED') throw new Error(`${name}: ${r.status} ${r.error} ${r.cause}`);
      return r.output;
    };
  } else {
    const { StateMachine } = await import('aws-local-stepfunctions');
    const sm = new StateMachine(definition);
    const taskResourceLocalHandlers = Object.fromEntries(
      handlerNames.map((n) => [n, async (x) => x]),
    );
    once = () => sm.run(input, { overrides: { taskResourceLocalHandlers } }).result;
  }
  const check = await once(); // warm-up and output check
  const problem = verify(meta, check);
  if (problem) throw new Error(`${engine} ${name}: wrong output: ${problem}`);
  const t0 = performance.now();
  for (let i = 0; i < executions; i++) await once();
  const ms = performance.now() - t0;
  const transitions = executions * meta.transitionsPerExecution;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ms, tps: (transitions / ms) * 1000, rssMb }) + '\n');
}

function subset(expected, got) {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(got) && expected.length === got.length && expected.every((e, i) => subset(e, got[i]))
    );
  }
  if (expected !== null && typeof expected === 'object') {
    return (
      got !== null &&
      typeof got === 'object' &&
      !Array.isArray(got) &&
      Object.entries(expected).every(([k, v]) => k in got && subset(v, got[k]))
    );
  }
  return expected === got;
}

function verify(meta, out) {
  if ('expect' in meta && !subset(meta.expect, out)) {
    return `${JSON.stringify(out).slice(0, 200)} does not match ${JSON.stringify(meta.expect).slice(0, 200)}`;
  }
  if ('expectLength' in meta) {
    if (!Array.isArray(out)) return 'the output is not an array';
    if (out.length !== meta.expectLength) return `length ${out.length} != ${meta.expectLength}`;
    const item = meta.expectItem;
    if (item && !subset(item.value, out[item.index])) {
      return `item ${item.index} = ${JSON.stringify(out[item.index])}`;
    }
  }
  return null;
}

// ------------------------------------------------------------------ driver

function parseArgs(argv) {
  const args = { runs: 3, only: null, dir: resolve(root, '../shared/bench/workloads'), native: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') args.runs = Math.max(1, Number(argv[++i]));
    else if (a === '--only') args.only = argv[++i].split(',');
    else if (a === '--workloads') args.dir = resolve(argv[++i]);
    else if (a === '--no-native') args.native = false;
    else throw new Error(`unknown argument: ${a}`);
  }
  return args;
}

function setup() {
  if (!existsSync(join(here, 'node_modules', 'aws-local-stepfunctions'))) {
    console.error('bench: installing aws-local-stepfunctions and Node 22 (npm ci in bench/)');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: here,
      stdio: 'inherit',
    });
  }
  if (!existsSync(join(root, 'pkg', 'wasm', 'statelab_bg.wasm'))) {
    console.error('bench: building the npm package (scripts/build-pkg.sh)');
    execFileSync('bash', [join(root, 'scripts', 'build-pkg.sh')], { stdio: 'inherit' });
  }
  const node22 = join(here, 'node_modules', '.bin', 'node');
  if (!existsSync(node22)) throw new Error('bench/node_modules/.bin/node is missing: run npm ci in bench/');
  return node22;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(node, engine, dir, name, runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(node, [fileURLToPath(import.meta.url), '--child', engine, dir, name], {
      cwd: here,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (r.status !== 0) {
      throw new Error(`${engine} ${name} failed (exit ${r.status}):\n${r.stderr}${r.stdout}`);
    }
    samples.push(JSON.parse(r.stdout.trim().split('\n').pop()));
  }
  return {
    ms: median(samples.map((s) => s.ms)),
    tps: median(samples.map((s) => s.tps)),
    rssMb: median(samples.map((s) => s.rssMb)),
  };
}

/** `cargo bench --bench native` on the same files: name → {ms, tps, rssMb}. */
function native(dir) {
  const r = spawnSync('cargo', ['bench', '--quiet', '--bench', 'native', '--', dir], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) {
    console.error(`bench: the native benchmark failed; skipped\n${r.stderr}`);
    return null;
  }
  const rows = new Map();
  for (const line of r.stdout.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 6 || !/^\d/.test(cells[3] ?? '')) continue;
    rows.set(cells[1], { ms: Number(cells[3]), tps: Number(cells[4]), rssMb: Number(cells[5]) });
  }
  return rows;
}

const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const node22 = setup();
  const version = execFileSync(node22, ['--version'], { encoding: 'utf8' }).trim();
  const peerVersion = JSON.parse(
    readFileSync(join(here, 'node_modules', 'aws-local-stepfunctions', 'package.json'), 'utf8'),
  ).version;
  let names = readdirSync(args.dir)
    .filter((f) => f.endsWith('.asl.json'))
    .map((f) => f.slice(0, -'.asl.json'.length))
    .sort();
  if (args.only) names = names.filter((n) => args.only.includes(n));
  console.log(
    `statelab (npm package, wasm) vs aws-local-stepfunctions ${peerVersion}, both on Node ${version}; ` +
      `median of ${args.runs} process(es), each a warm-up run then a timed run`,
  );
  const nat = args.native ? native(args.dir) : null;
  console.log('');
  console.log(
    '| workload | runs × transitions | statelab ms | statelab transitions/s | statelab peak RSS MB | ' +
      'peer ms | peer transitions/s | peer peak RSS MB | speedup | native transitions/s | native/wasm |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  let minSpeedup = Infinity;
  for (const name of names) {
    const meta = JSON.parse(readFileSync(join(args.dir, `${name}.meta.json`), 'utf8'));
    const ours = measure(node22, 'statelab', args.dir, name, args.runs);
    const peer = measure(node22, 'peer', args.dir, name, args.runs);
    const speedup = ours.tps / peer.tps;
    minSpeedup = Math.min(minSpeedup, speedup);
    const n = nat?.get(name);
    console.log(
      `| ${name} | ${fmt(meta.executions)} × ${fmt(meta.transitionsPerExecution)} | ${fmt(ours.ms)} | ` +
        `${fmt(ours.tps)} | ${fmt(ours.rssMb)} | ${fmt(peer.ms)} | ${fmt(peer.tps)} | ${fmt(peer.rssMb)} | ` +
        `${fmt(speedup, 1)}x | ${n ? fmt(n.tps) : '–'} | ${n ? fmt(n.tps / ours.tps, 2) + 'x' : '–'} |`,
    );
  }
  console.log('');
  console.log(`min speedup vs aws-local-stepfunctions: ${fmt(minSpeedup, 1)}x`);
}

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4], process.argv[5]).catch((e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  });
} else {
  main().catch((e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  });
}
