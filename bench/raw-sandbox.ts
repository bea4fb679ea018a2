import type { V1ConfigMap, V1Job, V1Pod } from '@kubernetes/client-node';
import type { KubeClients } from '../src/kube/client.js';
import { interpret } from '../src/kube/sandbox/interpret.js';
import { isTerminal } from '../src/domain/run.js';
import { buildJob, NONCE_ENV, RUN_CONTAINER, runLabels, type SandboxSettings } from '../src/kube/sandbox/manifests.js';
import { objectName, runSelector } from '../src/domain/names.js';
import type { RunInput } from '../src/domain/run.js';

/**
 * The baseline the benchmarks compare against: what a user would build by hand without Code Runner, a
 * ConfigMap with the code and stdin and a Job whose one container compiles (if needed) and runs it directly,
 * no launcher and no init container. The pod keeps every guard of the product's (security context,
 * resources, no token, no DNS), taken from the product's own builder.
 * `runs` > 1 runs the program that many times over stdin files `in-<i>` (a hand-made test loop).
 */
export function rawSandbox(input: RunInput, s: SandboxSettings, runs = 1): { configMap: V1ConfigMap; job: V1Job } {
  const name = objectName(input.runId);
  const job = buildJob(input, { ...s, inlineCodeBytes: 0 });
  const pod = job.spec!.template.spec!;
  const c = pod.containers.find((x) => x.name === RUN_CONTAINER)!;
  const q = (argv: string[]) => argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const compile = input.sandbox.compile ? `${q(input.sandbox.compile)} && ` : '';
  const runOnce = (stdin: string) => `${q(input.sandbox.command)} < ${stdin}`;
  const program =
    runs === 1 ? runOnce('/input/stdin') : `for i in $(seq 1 ${runs}); do ${runOnce('/input/in-$i')} || exit 1; done`;
  c.command = ['/bin/sh', '-c', `cp /input/${input.sandbox.fileName} /workspace/ && ${compile}${program}`];
  c.env = (c.env ?? []).filter((e) => e.name !== NONCE_ENV);
  c.volumeMounts = [
    { name: 'input', mountPath: '/input', readOnly: true },
    { name: 'workspace', mountPath: '/workspace' },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  delete pod.initContainers;
  pod.volumes = [
    { name: 'input', configMap: { name, defaultMode: 0o444 } },
    ...(pod.volumes ?? []).filter((v) => v.name === 'workspace' || v.name === 'tmp'),
  ];
  const stdins =
    runs === 1
      ? { stdin: input.stdin }
      : Object.fromEntries((input.tests ?? []).map((t, i) => [`in-${i + 1}`, t.stdin]));
  const configMap: V1ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: s.namespace, labels: runLabels(input) },
    immutable: true,
    data: { [input.sandbox.fileName]: input.code, ...stdins },
  };
  return { configMap, job };
}

/**
 * One baseline run: create the ConfigMap and the Job, poll its pod every 100 ms until the container ended
 * (as the product's own interpretation reads it), read the log; then delete both. `ms` stops at the log.
 */
export async function timeRawJob(
  kube: Pick<KubeClients, 'core' | 'batch'>,
  input: RunInput,
  s: SandboxSettings,
  runs = 1,
): Promise<{ ms: number; logs: string }> {
  const { core, batch } = kube;
  const namespace = s.namespace;
  const name = objectName(input.runId);
  const { configMap, job } = rawSandbox(input, s, runs);
  const t0 = performance.now();
  await core.createNamespacedConfigMap({ namespace, body: configMap });
  await batch.createNamespacedJob({ namespace, body: job });
  let pod: V1Pod | undefined;
  for (;;) {
    const j = await batch.readNamespacedJob({ name, namespace });
    const pods = (await core.listNamespacedPod({ namespace, labelSelector: runSelector(input.runId) })).items;
    const o = interpret(j, pods, input.timeoutSeconds);
    if (isTerminal(o.status)) {
      pod = pods.find((p) => p.metadata?.name === o.podName);
      break;
    }
    await new Promise((r) => setTimeout(r, RAW_POLL_MS));
  }
  const logs = await core.readNamespacedPodLog({ name: pod!.metadata!.name!, namespace, container: RUN_CONTAINER });
  const ms = performance.now() - t0;
  await batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' });
  await core.deleteNamespacedConfigMap({ name, namespace });
  return { ms, logs };
}
const RAW_POLL_MS = 100;
