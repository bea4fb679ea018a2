// Bundles the browser UI (src/ui/web) into dist/ui with esbuild: one JS file, one CSS file, index.html.
// Everything comes from node_modules: no CDN, no web fonts, no request leaves the API's own origin.
// Usage: node scripts/build-ui.mjs [--watch]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src/ui/web');
const out = join(root, 'dist/ui');
const watch = process.argv.includes('--watch');

// The browser sources are outside the project's tsconfig (DOM-only, bundler resolution): check them here.
if (!watch) {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(src, 'tsconfig.json')], {
    stdio: 'inherit',
  });
  if (tsc.status !== 0) {
    console.error('build-ui: type errors in src/ui/web');
    process.exit(1);
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const options = {
  absWorkingDir: root,
  entryPoints: { app: join(src, 'main.ts'), styles: join(src, 'styles.css') },
  outdir: out,
  bundle: true,
  // CodeMirror (submit page) and uPlot (monitor) load as chunks with the pages that need them.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
  minify: !watch,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
  loader: { '.svg': 'text' },
};

copyFileSync(join(src, 'index.html'), join(out, 'index.html'));
copyFileSync(join(src, 'favicon.svg'), join(out, 'favicon.svg'));

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log(`build-ui: watching ${src} → ${out}`);
} else {
  const result = await esbuild.build({ ...options, metafile: true });
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`build-ui: dist/ui (${Math.round(bytes / 1024)} KiB incl. source maps)`);
}
