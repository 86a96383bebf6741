// Builds the playground into www/dist/: bundles src/main.js and the execution worker
// src/run-worker.js (ES modules, CSS imports bundled), copies index.html, the ELK layout
// worker and the engine (pkg/wasm/statelab_bg.wasm, fetched next to the bundles).
//
//   node build.mjs            build once
//   node build.mjs --watch    rebuild on change
import { build, context } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const wasm = join(here, '..', 'pkg', 'wasm', 'statelab_bg.wasm');
const watch = process.argv.includes('--watch');

if (!existsSync(wasm)) {
  console.error(`missing ${wasm}: run scripts/build-pkg.sh first (scripts/playground.sh does it)`);
  process.exit(1);
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'wasm'), { recursive: true });

const options = {
  absWorkingDir: here,
  entryPoints: { main: 'src/main.js', 'run-worker': 'src/run-worker.js' },
  outdir: dist,
  bundle: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16.4'],
  minify: !watch,
  // Error classes keep their names (the package's errors are named after their class).
  keepNames: true,
  sourcemap: true,
  // Examples keep their exact text (formatting included): JSON files are loaded as text.
  loader: { '.json': 'text' },
  logLevel: 'info',
};

function copyStatic() {
  copyFileSync(join(here, 'index.html'), join(dist, 'index.html'));
  copyFileSync(join(here, 'node_modules', 'elkjs', 'lib', 'elk-worker.min.js'), join(dist, 'elk-worker.js'));
  // pkg/lib/engine.js is instantiated by src/engine.js from ./wasm/statelab_bg.wasm,
  // relative to the bundles.
  copyFileSync(wasm, join(dist, 'wasm', 'statelab_bg.wasm'));
}

copyStatic();
if (watch) {
  const ctx = await context(options);
  await ctx.watch();
  console.log('watching src/ for changes');
} else {
  await build(options);
}
