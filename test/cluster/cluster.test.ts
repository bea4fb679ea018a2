/**
 * (Over 300 lines on purpose: each Kubernetes feature the product relies on, proved on the one cluster.)
 * Proves the project's own cluster (localcluster/cluster.sh up) is a real Kubernetes: Jobs run real
 * containers, the kernel enforces memory limits, the Job and TTL controllers work, PodSecurity
 * admission is enforced and Services route through kube-proxy.
 *
 * Needs: the cluster up, KUBECONFIG=$DATA/cluster/admin.kubeconfig, images imported
 * (scripts/images.sh import). Everything happens in a namespace of its own, deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';

const PYTHON_IMAGE = process.env.CLUSTER_TEST_PYTHON_IMAGE ?? 'localhost/code-runner/python:3.13';
const NS = `cluster-test-${randomBytes(4).toString('hex')}`;
const TEST_TIMEOUT = 90_000;

let core: k8s.CoreV1Api;
let batch: k8s.BatchV1Api;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `check` every `intervalMs` until it returns a value; fails with the last observed state. */
async function poll<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<{ done: T } | { state: string }>,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'nothing observed yet';
  for (;;) {
    const result = await check();
    if ('done' in result) return result.done;
    last = result.state;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last state: ${last}`);
    await sleep(intervalMs);
  }
}

function isApiError(err: unknown, code: number): err is k8s.ApiException<unknown> {
  return err instanceof k8s.ApiException && err.code === code;
}

/** A pod spec that satisfies the "restricted" Pod Security Standard, like the product's runner pods. */
function runnerPodSpec(command: string[], memoryLimit = '128Mi', scratch?: { sizeLimit: string }): k8s.V1PodSpec {
  return {
    restartPolicy: 'Never',
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 1,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: 'main',
        image: PYTHON_IMAGE,
        imagePullPolicy: 'Never',
        command,
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
        resources: {
          requests: { cpu: '50m', memory: '32Mi' },
          limits: { cpu: '1', memory: memoryLimit },
        },
        ...(scratch ? { volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] } : {}),
      },
    ],
    ...(scratch ? { volumes: [{ name: 'scratch', emptyDir: { sizeLimit: scratch.sizeLimit } }] } : {}),
  };
}

function job(name: string, command: string[], spec: Partial<k8s.V1JobSpec> = {}): k8s.V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels: { app: 'cluster-test' } },
    spec: {
      backoffLimit: 0,
      ...spec,
      template: { metadata: { labels: { app: 'cluster-test' } }, spec: runnerPodSpec(command) },
    },
  };
}

function describePod(pod: k8s.V1Pod): string {
  const statuses = (pod.status?.containerStatuses ?? []).map((s) => {
    const st = s.state;
    if (st?.waiting) return `${s.name}: waiting ${st.waiting.reason ?? ''} ${st.waiting.message ?? ''}`.trim();
    if (st?.terminated) return `${s.name}: terminated ${st.terminated.reason ?? ''} exit ${st.terminated.exitCode}`;
    if (st?.running) return `${s.name}: running`;
    return `${s.name}: unknown`;
  });
  const conditions = (pod.status?.conditions ?? [])
    .filter((c) => c.status !== 'True' && c.message)
    .map((c) => `${c.type}: ${c.message ?? ''}`);
  return [`phase ${pod.status?.phase ?? '?'}`, ...statuses, ...conditions].join('; ');
}

async function jobPods(jobName: string): Promise<k8s.V1Pod[]> {
  const list = await core.listNamespacedPod({ namespace: NS, labelSelector: `job-name=${jobName}` });
  return list.items;
}

async function describeJob(jobName: string, j: k8s.V1Job): Promise<string> {
  const conds = (j.status?.conditions ?? []).map((c) => `${c.type}=${c.status} ${c.reason ?? ''}`).join(', ');
  const pods = (await jobPods(jobName)).map(describePod).join(' | ');
  return `conditions [${conds}] pods [${pods}]`;
}

/** Waits until the Job has a condition of `type` with status True; returns the condition. */
function waitForJobCondition(jobName: string, type: string, timeoutMs: number): Promise<k8s.V1JobCondition> {
  return poll<k8s.V1JobCondition>(`job ${jobName} condition ${type}`, timeoutMs, async () => {
    const j = await batch.readNamespacedJob({ name: jobName, namespace: NS });
    const cond = (j.status?.conditions ?? []).find((c) => c.type === type && c.status === 'True');
    return cond ? { done: cond } : { state: await describeJob(jobName, j) };
  });
}

beforeAll(async () => {
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig) throw new Error('KUBECONFIG must point at the cluster (e.g. .data/cluster/admin.kubeconfig)');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  core = kc.makeApiClient(k8s.CoreV1Api);
  batch = kc.makeApiClient(k8s.BatchV1Api);

  // A clear message when the runtime image is missing, instead of a pod stuck in ErrImageNeverPull.
  const nodes = await core.listNode({ labelSelector: '!type' });
  const images = nodes.items.flatMap((n) => (n.status?.images ?? []).flatMap((i) => i.names ?? []));
  if (!images.includes(PYTHON_IMAGE)) {
    throw new Error(`image ${PYTHON_IMAGE} is not on the node; run: bash scripts/images.sh import`);
  }

  // The test namespace itself enforces "restricted": every pod below must comply, as runner pods do.
  await core.createNamespace({
    body: {
      metadata: {
        name: NS,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    },
  });
  // The ServiceAccount controller creates "default" asynchronously; pods are refused until it exists.
  await poll('the default ServiceAccount', 30_000, async () => {
    try {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: NS });
      return { done: true };
    } catch (err) {
      if (isApiError(err, 404)) return { state: 'not created yet' };
      throw err;
    }
  });
}, 60_000);

afterAll(async () => {
  if (!core) return;
  await core.deleteNamespace({ name: NS, propagationPolicy: 'Background' }).catch(() => undefined);
});

describe('the local cluster', () => {
  test(
    'runs a Job in the python image and serves its log through the API server',
    async () => {
      const name = 'hello';
      await batch.createNamespacedJob({
        namespace: NS,
        body: job(name, ['python3', '-c', "print('hello from python')"]),
      });
      await waitForJobCondition(name, 'Complete', 80_000);
      const pods = await jobPods(name);
      expect(pods).toHaveLength(1);
      const podName = pods[0]?.metadata?.name;
      expect(podName).toBeDefined();
      const logs = await core.readNamespacedPodLog({ name: podName as string, namespace: NS });
      expect(logs).toBe('hello from python\n');
    },
    TEST_TIMEOUT,
  );

  test(
    'OOM-kills a container that allocates past its 64Mi memory limit',
    async () => {
      const name = 'oom';
      await core.createNamespacedPod({
        namespace: NS,
        body: {
          metadata: { name, labels: { app: 'cluster-test' } },
          // ~300 MB of real (written) memory against a 64Mi limit
          spec: runnerPodSpec(['python3', '-c', "b = b'x' * (300 * 1024 * 1024); print(len(b))"], '64Mi'),
        },
      });
      const terminated = await poll<k8s.V1ContainerStateTerminated>(`pod ${name} to terminate`, 80_000, async () => {
        const pod = await core.readNamespacedPod({ name, namespace: NS });
        const t = pod.status?.containerStatuses?.[0]?.state?.terminated;
        return t ? { done: t } : { state: describePod(pod) };
      });
      expect(terminated.reason).toBe('OOMKilled');
      expect(terminated.exitCode).toBe(137);
    },
    TEST_TIMEOUT,
  );

  test(
    'fails a Job that runs past activeDeadlineSeconds with DeadlineExceeded',
    async () => {
      const name = 'deadline';
      const started = Date.now();
      await batch.createNamespacedJob({
        namespace: NS,
        body: job(name, ['sleep', '60'], { activeDeadlineSeconds: 3 }),
      });
      const failed = await waitForJobCondition(name, 'Failed', 60_000);
      expect(failed.reason).toBe('DeadlineExceeded');
      // well before the 60 s the command would take
      expect(Date.now() - started).toBeLessThan(45_000);
    },
    TEST_TIMEOUT,
  );

  test(
    'deletes a finished Job after ttlSecondsAfterFinished',
    async () => {
      const name = 'ttl';
      await batch.createNamespacedJob({
        namespace: NS,
        // 3 s, not 1: the finished Job must be read at least once before it goes, and one read on a busy
        // machine (CI right after the cluster's start) once took longer than a 1 s window.
        body: job(name, ['python3', '-c', 'pass'], { ttlSecondsAfterFinished: 3 }),
      });
      // Evidence that it finished before it went: a success condition or a succeeded pod count.
      const seen: string[] = [];
      await poll(
        `job ${name} to be deleted by the TTL controller`,
        80_000,
        async () => {
          try {
            const j = await batch.readNamespacedJob({ name, namespace: NS });
            const conds = (j.status?.conditions ?? []).filter((c) => c.status === 'True').map((c) => c.type);
            const state = `succeeded=${j.status?.succeeded ?? 0} conditions=[${conds.join(',')}]`;
            if (seen[seen.length - 1] !== state) seen.push(state);
            return { state };
          } catch (err) {
            if (isApiError(err, 404)) return { done: true };
            throw err;
          }
        },
        100,
      );
      // The TTL clock starts at completion, so the Job is seen finished before it is deleted.
      expect(seen.some((s) => s.startsWith('succeeded=1') || s.includes('Complete'))).toBe(true);
      // and its pod goes with it (background propagation)
      await poll(`the pods of job ${name} to be deleted`, 30_000, async () => {
        const pods = await jobPods(name);
        return pods.length === 0 ? { done: true } : { state: pods.map(describePod).join(' | ') };
      });
    },
    TEST_TIMEOUT,
  );

  test(
    'rejects a privileged pod in a namespace that enforces the restricted Pod Security Standard',
    async () => {
      let error: unknown;
      try {
        await core.createNamespacedPod({
          namespace: NS,
          body: {
            metadata: { name: 'privileged' },
            spec: {
              containers: [
                {
                  name: 'main',
                  image: PYTHON_IMAGE,
                  imagePullPolicy: 'Never',
                  command: ['sleep', '1'],
                  securityContext: { privileged: true },
                },
              ],
            },
          },
        });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(k8s.ApiException);
      const apiError = error as k8s.ApiException<unknown>;
      expect(apiError.code).toBe(403);
      const text = `${apiError.message} ${typeof apiError.body === 'string' ? apiError.body : JSON.stringify(apiError.body)}`;
      expect(text).toContain('PodSecurity');
      expect(text).toContain('privileged');
      // and nothing was created
      await expect(core.readNamespacedPod({ name: 'privileged', namespace: NS })).rejects.toMatchObject({ code: 404 });
    },
    TEST_TIMEOUT,
  );

  test(
    'contains a fork bomb with the per-pod pids limit (kubelet podPidsLimit 512)',
    async () => {
      const name = 'pids';
      // Start `sleep` children until the kernel refuses (EAGAIN from the pod's pids cgroup).
      const script = [
        'import subprocess',
        'children = []',
        'try:',
        '    while len(children) < 2000:',
        "        children.append(subprocess.Popen(['sleep', '60']))",
        "    print('unlimited', len(children))",
        'except OSError as e:',
        "    print('refused after', len(children), e.errno)",
      ].join('\n');
      await core.createNamespacedPod({
        namespace: NS,
        body: { metadata: { name }, spec: runnerPodSpec(['python3', '-c', script], '512Mi') },
      });
      const logs = await poll<string>(`pod ${name} to print its result`, 80_000, async () => {
        const pod = await core.readNamespacedPod({ name, namespace: NS });
        const phase = pod.status?.phase;
        if (phase === 'Pending') return { state: describePod(pod) };
        const out = await core.readNamespacedPodLog({ name, namespace: NS });
        return out.trim() ? { done: out } : { state: describePod(pod) };
      });
      const match = /^refused after (\d+) 11$/m.exec(logs); // 11 = EAGAIN
      expect(match).not.toBeNull();
      const started = Number(match?.[1]);
      // 512 pids for the whole pod: the pause process, python and its children
      expect(started).toBeGreaterThan(400);
      expect(started).toBeLessThan(512);
      await core.deleteNamespacedPod({ name, namespace: NS, gracePeriodSeconds: 0 });
    },
    TEST_TIMEOUT,
  );

  test(
    'evicts a pod that writes past its emptyDir sizeLimit (ephemeral-storage enforcement)',
    async () => {
      const name = 'disk';
      const script = [
        "with open('/scratch/fill', 'wb') as f:",
        '    for _ in range(60):',
        "        f.write(b'x' * (1024 * 1024))",
        "print('wrote 60 MiB', flush=True)",
        'import time; time.sleep(120)',
      ].join('\n');
      await core.createNamespacedPod({
        namespace: NS,
        body: { metadata: { name }, spec: runnerPodSpec(['python3', '-c', script], '128Mi', { sizeLimit: '20Mi' }) },
      });
      const pod = await poll<k8s.V1Pod>(
        `pod ${name} to be evicted`,
        85_000,
        async () => {
          const p = await core.readNamespacedPod({ name, namespace: NS });
          return p.status?.phase === 'Failed' ? { done: p } : { state: describePod(p) };
        },
        500,
      );
      expect(pod.status?.reason).toBe('Evicted');
      expect(pod.status?.message ?? '').toMatch(/EmptyDir volume "scratch" exceeds the limit/);
    },
    TEST_TIMEOUT,
  );

  test(
    'routes a pod to the API server through the kubernetes ClusterIP Service (kube-proxy)',
    async () => {
      const name = 'clusterip';
      // TCP connect to the Service IP; kube-proxy's iptables rules DNAT it to the API server.
      const script = [
        'import os, socket',
        "host = os.environ['KUBERNETES_SERVICE_HOST']",
        "port = int(os.environ['KUBERNETES_SERVICE_PORT'])",
        'socket.create_connection((host, port), timeout=10).close()',
        "print('connected to', host, port)",
      ].join('\n');
      await batch.createNamespacedJob({ namespace: NS, body: job(name, ['python3', '-c', script]) });
      await waitForJobCondition(name, 'Complete', 80_000);
      const podName = (await jobPods(name))[0]?.metadata?.name;
      expect(podName).toBeDefined();
      const logs = await core.readNamespacedPodLog({ name: podName as string, namespace: NS });
      expect(logs).toBe('connected to 10.96.0.1 443\n');
    },
    TEST_TIMEOUT,
  );
});
