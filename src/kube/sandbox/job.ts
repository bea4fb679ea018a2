import type { V1Job } from '@kubernetes/client-node';
import type { KubeClients } from '../client.js';
import { orNullIfNotFound } from '../client.js';
import { objectName, runSelector } from '../../domain/names.js';
import { interpret } from './interpret.js';
import { buildJob, type SandboxSettings } from './manifests.js';
import type { Sandbox } from './sandbox.js';

/** The default sandbox: a Job (no retries, deadline, TTL) whose one pod runs the code. */
export function jobSandbox(kube: Pick<KubeClients, 'core' | 'batch'>, s: SandboxSettings): Sandbox {
  const { core, batch } = kube;
  const namespace = s.namespace;
  return {
    kind: 'Job',
    watchesJobs: true,
    create: (input) => batch.createNamespacedJob({ namespace, body: buildJob(input, s) }),
    read: (name) => batch.readNamespacedJob({ name, namespace }),
    interpretObject: (job, t) => interpret(job as V1Job, [], t),
    fromCache: (snap, _name, t) => (snap?.job ? interpret(snap.job, snap.pods, t) : undefined),
    async fromServer(runId, t) {
      const name = objectName(runId);
      const job = await orNullIfNotFound(batch.readNamespacedJob({ name, namespace }));
      if (!job) return interpret(null, [], t);
      const pods = await core.listNamespacedPod({ namespace, labelSelector: runSelector(runId) });
      return interpret(job, pods.items, t);
    },
    remove: (name) =>
      batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background', gracePeriodSeconds: 0 }),
  };
}
