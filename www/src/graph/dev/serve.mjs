// The graph view's standalone dev page: bundles dev/main.js (and its CSS) with esbuild
// in memory and serves it with the fixtures and elkjs's worker.
//
//   node www/src/graph/dev/serve.mjs [port]      # then open the printed URL
//
// Tests import startDevServer() and get an OS-chosen port.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join, normalize } from 'node:path';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const www = join(here, '../../..');

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json' };

async function bundle() {
  const out = await esbuild.build({
    entryPoints: [join(here, 'main.js')],
    bundle: true,
    format: 'esm',
    write: false,
    outdir: '/out',
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  const files = {};
  for (const f of out.outputFiles) files['/' + f.path.split('/').pop()] = f.text;
  return files;
}

export async function startDevServer({ port = 0, host = '127.0.0.1' } = {}) {
  let built = await bundle();
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let body;
      let type;
      if (path === '/' || path === '/index.html') {
        body = await readFile(join(here, 'index.html'));
        type = TYPES['.html'];
      } else if (path === '/main.js' || path === '/main.css') {
        if (process.env.GRAPH_DEV_WATCH) built = await bundle();
        body = built[path];
        type = TYPES[path.slice(path.lastIndexOf('.'))];
      } else if (path === '/elk-worker.js') {
        body = await readFile(join(www, 'node_modules/elkjs/lib/elk-worker.min.js'));
        type = TYPES['.js'];
      } else if (/^\/fixtures\/[\w-]+\.json$/.test(path)) {
        body = await readFile(join(here, normalize(path)));
        type = TYPES['.json'];
      }
      if (body == null) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err?.stack ?? err));
    }
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const url = `http://${host}:${server.address().port}/`;
  return { url, close: () => new Promise((resolve) => server.close(resolve)) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  process.env.GRAPH_DEV_WATCH = '1';
  const { url } = await startDevServer({ port: Number(process.argv[2] ?? 0) });
  console.log(`graph dev page: ${url}`);
}
