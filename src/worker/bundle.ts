import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { bundlerOptions } from './worker.js';

/** Pre-bundles the workflow code (used with WORKFLOW_BUNDLE_PATH: faster, quieter worker start). */
async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: bundle.js OUTPUT_FILE');
  const noop = () => undefined;
  const { code } = await bundleWorkflowCode({
    ...bundlerOptions(),
    logger: { log: noop, trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error },
  });
  writeFileSync(out, code);
}

main().catch((err: unknown) => {
  console.error(`bundle: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
