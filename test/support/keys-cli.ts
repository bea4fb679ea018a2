import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { createKubeClients, type KubeClients } from '../../src/kube/client.js';
import { ensureRunnerNamespace } from '../../src/kube/namespace.js';
import { REPO_ROOT } from './paths.js';
import { TEST_RUNNER_NAMESPACE } from './stack.js';

const run = promisify(execFile);

/**
 * A suite's own API keys: a Secret of the test namespace (a unique name), written by the real CLI
 * (`npm run keys`) against the real cluster, and the settings that turn keys on with it.
 */
export function suiteKeys(prefix: string) {
  const secret = `${prefix}-${randomUUID().slice(0, 8)}`;
  // The suite may be the first of a fresh cluster to touch the test namespace (a stack creates it later).
  let namespace: Promise<void> | undefined;
  return {
    secret,
    env: { API_KEYS: 'on', API_KEYS_SECRET: secret, API_KEYS_NAMESPACE: TEST_RUNNER_NAMESPACE },
    /** Runs the CLI with these arguments on the suite's Secret; its stdout, trimmed. */
    async cli(...args: string[]): Promise<string> {
      await (namespace ??= ensureRunnerNamespace(createKubeClients(), TEST_RUNNER_NAMESPACE));
      const { stdout } = await run(
        process.execPath,
        [`${REPO_ROOT}dist/src/cli/keys.js`, ...args, '--namespace', TEST_RUNNER_NAMESPACE, '--secret', secret],
        { env: process.env },
      );
      return stdout.trim();
    },
    /** Deletes the Secret (absent already: fine). */
    remove: (kube: KubeClients | undefined) =>
      kube?.core.deleteNamespacedSecret({ name: secret, namespace: TEST_RUNNER_NAMESPACE }).catch(() => undefined),
  };
}
