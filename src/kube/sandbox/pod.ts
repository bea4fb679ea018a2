import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClients } from '../client.js';
import { orNullIfNotFound } from '../client.js';
import { objectName } from '../../domain/names.js';
import { interpretPod } from './interpret.js';
import { buildPod, type SandboxSettings } from './manifests.js';
import type { Sandbox } from './sandbox.js';

/** The opt-in sandbox (SANDBOX_KIND=Pod): the run's pod itself, about half the API writes of a Job. */
export function podSandbox(kube: Pick<KubeClients, 'core'>, s: SandboxSettings): Sandbox {
  const { core } = kube;
  const namespace = s.namespace;
  return {
    kind: 'Pod',
    watchesJobs: false,
    create: (input) => core.createNamespacedPod({ namespace, body: buildPod(input, s) }),
    read: (name) => core.readNamespacedPod({ name, namespace }),
    interpretObject: (pod, t) => interpretPod(pod as V1Pod, t),
    fromCache(snap, name, t) {
      const pod = snap?.pods.find((p) => p.metadata?.name === name);
      return pod ? interpretPod(pod, t) : undefined;
    },
    async fromServer(runId, t) {
      return interpretPod(await orNullIfNotFound(core.readNamespacedPod({ name: objectName(runId), namespace })), t);
    },
    remove: (name) => core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }),
  };
}
