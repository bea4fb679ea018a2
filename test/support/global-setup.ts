import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { bundlerOptions } from '../../src/worker/worker.js';
import { BUNDLE_PATH, needsInfra } from './paths.js';

/** Bundles the workflows once for the whole run; every test worker reuses the bundle. */
export default async function globalSetup(): Promise<void> {
  if (!needsInfra()) return;
  const { code } = await bundleWorkflowCode({ ...bundlerOptions(), logger: quietLogger });
  mkdirSync(dirname(BUNDLE_PATH), { recursive: true });
  writeFileSync(BUNDLE_PATH, code);
}

const noop = () => undefined;
export const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error };
