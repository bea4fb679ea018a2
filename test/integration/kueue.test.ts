import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { createKubeClients, kubeStatus } from '../../src/kube/client.js';
import { ensureRunnerNamespace } from '../../src/kube/namespace.js';
import type { RunView } from '../../src/api/runs-service.js';
import { isTerminal } from '../../src/domain/run.js';
import { ApiClient } from '../support/api.js';
import { REPO_ROOT } from '../support/paths.js';
import { createStack, sleep, type Stack } from '../support/stack.js';

/**
 * KUEUE_QUEUE_NAME against a real Kueue (v0.17, built from source, its Job and Pod webhooks live:
 * scripts/kueue.sh): our own queue stays in front (MAX_ACTIVE_RUNS), Kueue admits what we created by its
 * ClusterQueue quota. The quota here fits one run's CPU request, so with three runs released by our cap at
 * once, Kueue keeps two suspended (Jobs) or gated (bare Pods): they show Pending "waiting for admission",
 * run one at a time, and all finish.
 */
const NAMESPACE = 'code-runner-kueue-test';
const QUEUE = 'code-runner-runs';
const CLUSTER_QUEUE = 'code-runner-test';
const FLAVOR = 'code-runner-test-flavor';
const GROUP = 'kueue.x-k8s.io';
const VERSION = 'v1beta2';
const kueue = (cmd: 'up' | 'down') =>
  execFileSync('bash', [join(REPO_ROOT, 'scripts/kueue.sh'), cmd], { stdio: 'inherit', timeout: 1_200_000 });

describe('Kueue admits the Jobs and Pods our queue released', () => {
  const kube = createKubeClients();
  const custom = kube.kc.makeApiClient(k8s.CustomObjectsApi);
  const core = kube.core;

  beforeAll(async () => {
    kueue('up');
    // The runner namespace as the product makes it, plus the label that puts it under Kueue's webhooks.
    await ensureRunnerNamespace(kube, NAMESPACE);
    await core.patchNamespace(
      { name: NAMESPACE, body: { metadata: { labels: { 'code-runner.dev/kueue': 'enabled' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const apply = async (plural: string, body: object, namespace?: string) => {
      const create = namespace
        ? custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, body })
        : custom.createClusterCustomObject({ group: GROUP, version: VERSION, plural, body });
      await create.catch((err: unknown) => {
        if (kubeStatus(err) !== 409) throw err;
      });
    };
    await apply('resourceflavors', {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'ResourceFlavor',
      metadata: { name: FLAVOR },
    });
    await apply('clusterqueues', {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'ClusterQueue',
      metadata: { name: CLUSTER_QUEUE },
      spec: {
        namespaceSelector: {},
        resourceGroups: [
          {
            coveredResources: ['cpu', 'memory', 'ephemeral-storage'],
            flavors: [
              {
                name: FLAVOR,
                resources: [
                  // One run's CPU request (100m) fits, two do not.
                  { name: 'cpu', nominalQuota: '150m' },
                  { name: 'memory', nominalQuota: '64Gi' },
                  { name: 'ephemeral-storage', nominalQuota: '64Gi' },
                ],
              },
            ],
          },
        ],
      },
    });
    await apply(
      'localqueues',
      {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'LocalQueue',
        metadata: { name: QUEUE, namespace: NAMESPACE },
        spec: { clusterQueue: CLUSTER_QUEUE },
      },
      NAMESPACE,
    );
  }, 1_300_000);

  afterAll(async () => {
    const del = (plural: string, name: string, namespace?: string) =>
      (namespace
        ? custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, name })
        : custom.deleteClusterCustomObject({ group: GROUP, version: VERSION, plural, name })
      ).catch(() => undefined);
    await del('localqueues', QUEUE, NAMESPACE);
    await del('clusterqueues', CLUSTER_QUEUE);
    await del('resourceflavors', FLAVOR);
    kueue('down');
  });

  /** Three runs at once; watches their statuses and the runner pods until all are finished. */
  async function threeRuns(kind: 'Job' | 'Pod') {
    const stack: Stack = await createStack({
      RUNNER_NAMESPACE: NAMESPACE,
      KUEUE_QUEUE_NAME: QUEUE,
      SANDBOX_KIND: kind,
      MAX_ACTIVE_RUNS: '4',
      START_TIMEOUT_SECONDS: '120',
    });
    try {
      await stack.startWorker();
      const api = new ApiClient(stack.app);
      const ids = await Promise.all(
        [1, 2, 3].map((i) => api.start({ language: 'python', code: `import time\ntime.sleep(2)\nprint("run ${i}")` })),
      );
      const reasons = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
      let peakRunning = 0;
      let workloads = 0;
      const end = Date.now() + 150_000;
      let views: RunView[] = [];
      while (Date.now() < end) {
        views = await Promise.all(ids.map((id) => api.get(id)));
        for (const v of views) if (v.status === 'Pending' && v.reason) reasons.get(v.run_id)!.add(v.reason);
        const pods = await core.listNamespacedPod({ namespace: NAMESPACE });
        peakRunning = Math.max(peakRunning, pods.items.filter((p) => p.status?.phase === 'Running').length);
        const wl = (await custom.listNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: NAMESPACE,
          plural: 'workloads',
        })) as { items: { metadata: { ownerReferences?: { kind: string }[] } }[] };
        workloads = Math.max(workloads, wl.items.filter((w) => w.metadata.ownerReferences?.[0]?.kind === kind).length);
        if (views.every((v) => isTerminal(v.status))) break;
        await sleep(250);
      }
      const logs = await Promise.all(ids.map(async (id) => (await api.logs(id)).logs));
      return { views, logs, reasons: [...reasons.values()].flatMap((s) => [...s]), peakRunning, workloads };
    } finally {
      await stack.close();
    }
  }

  it.each(['Job', 'Pod'] as const)(
    '%s sandboxes: Kueue holds all but one, then admits each in turn',
    async (kind) => {
      const r = await threeRuns(kind);
      expect(r.views.map((v) => v.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
      expect(r.logs).toEqual(['run 1\n', 'run 2\n', 'run 3\n']);
      // Kueue made a Workload for each sandbox it queued, and its quota let one run at a time.
      expect(r.workloads).toBeGreaterThanOrEqual(2);
      expect(r.peakRunning).toBe(1);
      // Runs waiting in Kueue said so.
      const waiting =
        kind === 'Job'
          ? 'waiting for admission by Kueue'
          : 'the pod is gated, waiting for admission (kueue.x-k8s.io/admission';
      expect(r.reasons).toEqual(expect.arrayContaining([expect.stringContaining(waiting)]));
    },
    240_000,
  );
});
