import type { KubeClients } from './client.js';
import { kubeMessage, kubeStatus } from './client.js';

/** Pod Security "restricted", enforced: every runner pod must meet it or is rejected at admission. */
export const RUNNER_NAMESPACE_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
  'app.kubernetes.io/part-of': 'code-runner',
};

/**
 * Creates the runner namespace if it is missing (local development). With Helm the chart owns it and
 * the worker may lack the right to create namespaces: a 403 here is fine if the namespace exists.
 */
export async function ensureRunnerNamespace(kube: KubeClients, name: string): Promise<void> {
  try {
    await kube.core.readNamespace({ name });
    return;
  } catch (err) {
    const code = kubeStatus(err);
    if (code === 403) return;
    if (code !== 404) throw new Error(`checking namespace ${name}: ${kubeMessage(err)}`);
  }
  try {
    await kube.core.createNamespace({ body: { metadata: { name, labels: RUNNER_NAMESPACE_LABELS } } });
  } catch (err) {
    if (kubeStatus(err) !== 409) throw new Error(`creating namespace ${name}: ${kubeMessage(err)}`);
  }
}
