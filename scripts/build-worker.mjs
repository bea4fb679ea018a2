// Bundles the worker (dist/src/worker/main.js, from tsc) into one file beside it, main.bundle.js, with
// esbuild: the project's code and @kubernetes/client-node with its dependencies, tree-shaken and minified.
// Why: importing client-node as published loads every generated API and model module of it (the package's
// index pulls all of them), ~67 MiB of the worker's resident memory before it has done anything; the
// bundle keeps what the worker reaches. Measured with bench/scale.ts (README, Benchmarks).
// Left external: @temporalio/* (a native module, and the workflow bundler, which reads its files at run
// time) and Node's own modules. The bundle sits in dist/src/worker/ so that the worker still finds the
// workflow sources (../workflows/index.js) when it bundles them itself.
// Usage: node scripts/build-worker.mjs   (part of `npm run build`)
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist/src/worker/main.js');
const outfile = join(root, 'dist/src/worker/main.bundle.js');

await esbuild.build({
  absWorkingDir: root,
  entryPoints: [entry],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  external: ['@temporalio/*'],
  // CommonJS dependencies inside an ES module bundle still call require() for Node's modules.
  banner: { js: "import { createRequire as __cjsRequire } from 'node:module'; const require = __cjsRequire(import.meta.url);" },
  minify: true,
  // Error names and stack frames stay readable; the source map maps them back (node --enable-source-maps).
  keepNames: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
});
console.log(`build-worker: dist/src/worker/main.bundle.js (${Math.round(statSync(outfile).size / 1024)} KiB)`);
