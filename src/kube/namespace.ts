import * as k8s from '@kubernetes/client-node';
import type { KubeClients } from './client.js';
import { kubeMessage, kubeStatus } from './client.js';
import { LABEL_COMPONENT, RUNNER_COMPONENT } from '../domain/names.js';

/** Pod Security "restricted", enforced: every runner pod must meet it or is rejected at admission. */
export const RUNNER_NAMESPACE_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
  'app.kubernetes.io/part-of': 'code-runner',
};

/** Name of the runner namespace's default-deny NetworkPolicy (the Helm chart ships the same one). */
export const RUNNER_NETWORK_POLICY_NAME = 'code-runner-runner-deny-all';

/** Deny all ingress and egress of runner pods: user code reaches nothing and nothing reaches it. */
export function runnerNetworkPolicy(namespace: string): k8s.V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: RUNNER_NETWORK_POLICY_NAME,
      namespace,
      labels: { 'app.kubernetes.io/part-of': 'code-runner' },
    },
    spec: {
      podSelector: { matchLabels: { [LABEL_COMPONENT]: RUNNER_COMPONENT } },
      policyTypes: ['Ingress', 'Egress'],
    },
  };
}

/**
 * Creates the runner namespace if it is missing (local development), then its default-deny
 * NetworkPolicy. With Helm the chart owns both and the worker may lack the right to create them:
 * a 403 here is fine.
 */
export async function ensureRunnerNamespace(kube: KubeClients, name: string): Promise<void> {
  await createNamespaceIfMissing(kube, name);
  await ensureRunnerNetworkPolicy(kube, name);
}

async function createNamespaceIfMissing(kube: KubeClients, name: string): Promise<void> {
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

/** Idempotent: creates the policy when missing; an existing one (ours or the chart's) is left as it is. */
export async function ensureRunnerNetworkPolicy(kube: KubeClients, namespace: string): Promise<void> {
  const net = kube.kc.makeApiClient(k8s.NetworkingV1Api);
  try {
    await net.createNamespacedNetworkPolicy({ namespace, body: runnerNetworkPolicy(namespace) });
  } catch (err) {
    const code = kubeStatus(err);
    if (code === 409 || code === 403) return;
    throw new Error(`creating NetworkPolicy ${namespace}/${RUNNER_NETWORK_POLICY_NAME}: ${kubeMessage(err)}`);
  }
}
