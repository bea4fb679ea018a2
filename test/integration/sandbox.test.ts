// Over 300 lines on purpose: every hostile-code case against the one sandbox, side by side.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { NetworkingV1Api } from '@kubernetes/client-node';
import type { RunView } from '../../src/api/runs-service.js';
import { sandboxUid } from '../../src/domain/names.js';
import { ANNOTATION_CODE } from '../../src/kube/sandbox/manifests.js';
import { RUNNER_NETWORK_POLICY_NAME } from '../../src/kube/namespace.js';
import { ApiClient } from '../support/api.js';
import { createStack, eventually, runnerObjects, sleep, type Stack } from '../support/stack.js';

/**
 * The sandbox against an attacker, through the product: every program goes in through POST /runs and
 * every assertion is on what the user gets back (status, reason, exit code, output, truncation).
 * Network: the runner namespace's default-deny NetworkPolicy, enforced on the local cluster by
 * localcluster/netpol-cni (Go). A dropped connection times out; "refused" or "connected" would mean
 * the packet got through, so every probe must end "timeout".
 */
const TARGET_NS = 'code-runner-sandbox-target';
const TARGET_POD = 'listener';
const PROBE_TIMEOUT_S = 2;

/** A TCP connect from the test host (the node): the positive control that the target does answer. */
function connectFromHost(host: string, port: number, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (r: string) => {
      s.destroy();
      resolve(r);
    };
    s.setTimeout(timeoutMs, () => done('timeout'));
    s.on('connect', () => done('connected'));
    s.on('error', (e: NodeJS.ErrnoException) => done(`error:${e.code ?? e.message}`));
  });
}

/** Python that tries to connect to every target at once (connect only, nothing sent) and prints JSON. */
function probeProgram(targets: Record<string, [string, number]>): string {
  return [
    'import json, socket, concurrent.futures as cf',
    `targets = ${JSON.stringify(targets)}`,
    'def probe(hp):',
    '    s = socket.socket()',
    `    s.settimeout(${PROBE_TIMEOUT_S})`,
    '    try:',
    '        s.connect((hp[0], hp[1]))',
    "        return 'connected'",
    '    except socket.timeout:',
    "        return 'timeout'",
    '    except OSError as e:',
    "        return 'error:' + str(e.errno)",
    '    finally:',
    '        s.close()',
    'with cf.ThreadPoolExecutor(len(targets)) as ex:',
    '    res = dict(zip(targets, ex.map(probe, targets.values())))',
    'try:',
    "    socket.getaddrinfo('deb.debian.org', 80)",
    "    res['dns'] = 'resolved'",
    'except OSError as e:',
    "    res['dns'] = 'error'",
    'print(json.dumps(res, sort_keys=True))',
  ].join('\n');
}

describe('the sandbox contains hostile code', () => {
  let stack: Stack;
  let api: ApiClient;
  let nodeIp: string;
  let targetPodIp: string;
  let hostListener: net.Server;
  let hostListenerPort: number;

  beforeAll(async () => {
    stack = await createStack();
    await stack.startWorker();
    api = new ApiClient(stack.app);
    const nodes = await stack.kube.core.listNode();
    const real = nodes.items.find((n) => !n.metadata?.labels?.type); // not a kwok node
    nodeIp = real?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';
    expect(nodeIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    // a listener on the node, on a port nothing else uses: reachable from the host, not from a run
    hostListener = net.createServer((c) => c.destroy());
    await new Promise<void>((r) => hostListener.listen(0, nodeIp, r));
    hostListenerPort = (hostListener.address() as net.AddressInfo).port;
    targetPodIp = await startTargetPod(stack);
  }, 120_000);

  afterAll(async () => {
    hostListener?.close();
    await stack?.kube.core
      .deleteNamespacedPod({ name: TARGET_POD, namespace: TARGET_NS, gracePeriodSeconds: 0 })
      .catch(() => undefined);
    await stack?.close();
  });

  const run = async (
    code: string,
    timeoutSeconds = 20,
    more: object = {},
  ): Promise<{ done: RunView; logs: string }> => {
    const runId = await api.start({ language: 'python', code, timeout_seconds: timeoutSeconds, ...more });
    const done = await api.waitDone(runId, 90_000);
    return { done, logs: (await api.logs(runId)).logs };
  };

  it('the worker gave the runner namespace its default-deny NetworkPolicy', async () => {
    const netApi = stack.kube.kc.makeApiClient(NetworkingV1Api);
    const p = await netApi.readNamespacedNetworkPolicy({
      name: RUNNER_NETWORK_POLICY_NAME,
      namespace: stack.cfg.runner.namespace,
    });
    expect(p.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(p.spec?.ingress ?? []).toEqual([]);
    expect(p.spec?.egress ?? []).toEqual([]);
  });

  it('user code reaches neither the API server, Temporal, the kubelet, the node, another pod nor the internet', async () => {
    // positive controls from the node: these targets do answer when not sandboxed
    expect(await connectFromHost('10.96.0.1', 443)).toBe('connected');
    expect(await connectFromHost(nodeIp, 6443)).toBe('connected');
    expect(await connectFromHost(nodeIp, 10250)).toBe('connected');
    expect(await connectFromHost(nodeIp, hostListenerPort)).toBe('connected');
    expect(await connectFromHost(targetPodIp, 8080)).toBe('connected');
    const targets: Record<string, [string, number]> = {
      api_service: ['10.96.0.1', 443],
      api_node: [nodeIp, 6443],
      temporal: [nodeIp, 7233],
      kubelet: [nodeIp, 10250],
      node_listener: [nodeIp, hostListenerPort],
      gateway: ['10.88.0.1', 10250],
      other_pod: [targetPodIp, 8080],
      internet: ['151.101.2.132', 80],
    };
    const t0 = Date.now();
    const { done, logs } = await run(probeProgram(targets));
    expect(done).toMatchObject({ status: 'Succeeded', exit_code: 0 });
    const res = JSON.parse(logs.trim()) as Record<string, string>;
    const expected = Object.fromEntries(Object.keys(targets).map((k) => [k, 'timeout']));
    expect(res).toEqual({ ...expected, dns: 'error' });
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 100_000);

  it('nothing reaches a listening run from outside (node → runner pod is dropped)', async () => {
    const code = [
      'import socket, time',
      's = socket.socket(); s.bind(("0.0.0.0", 8080)); s.listen(5); s.settimeout(8)',
      'print("listening", flush=True)',
      'try:',
      '    s.accept(); print("accepted")',
      'except socket.timeout:',
      '    print("nobody came")',
    ].join('\n');
    const runId = await api.start({ language: 'python', code, timeout_seconds: 20 });
    await eventually(async () => (await api.logs(runId)).logs.includes('listening'), 60_000, 'the run to listen');
    const pod = (await api.get(runId)).pod_name ?? '';
    const p = await stack.kube.core.readNamespacedPod({ name: pod, namespace: stack.cfg.runner.namespace });
    const ip = p.status?.podIP ?? '';
    expect(ip).toMatch(/^10\.88\./);
    expect(await connectFromHost(ip, 8080)).toBe('timeout');
    expect(await api.waitDone(runId)).toMatchObject({ status: 'Succeeded', exit_code: 0 });
    expect((await api.logs(runId)).logs).toBe('listening\nnobody came\n');
  }, 100_000);

  it('runs as a uid of its own on a read-only root, without a service-account token', async () => {
    const code = [
      'import os',
      'print("uid", os.getuid(), os.getgid())',
      'print("token", os.path.exists("/var/run/secrets/kubernetes.io/serviceaccount"))',
      'for p in ["/usr/pwned", "/etc/passwd", "/workspace/pwned", "/pwned", "/opt/code-runner/launcher"]:',
      '    try:',
      '        open(p, "a").close(); print(p, "writable")',
      '    except OSError as e:',
      '        print(p, "errno", e.errno)',
      'print("root", [l.split()[3].split(",")[0] for l in open("/proc/mounts") if l.split()[1] == "/"])',
      'try:',
      '    print("ipv6 off", open("/proc/sys/net/ipv6/conf/all/disable_ipv6").read().strip())',
      'except OSError:',
      '    print("ipv6 off 1")  # no IPv6 in this kernel',
    ].join('\n');
    const { done, logs } = await run(code);
    expect(done).toMatchObject({ status: 'Succeeded', exit_code: 0 });
    const uid = sandboxUid(done.run_id);
    expect(logs).toContain(`uid ${uid} ${uid}\n`);
    expect(logs).toContain('token False\n');
    // 30 = EROFS; 13 = EACCES (not root: the permission check comes before the read-only one)
    expect(logs).toContain('/usr/pwned errno 30\n');
    expect(logs).toContain('/etc/passwd errno 13\n');
    // the workdir is the run's own sized tmpfs (compilers write there); the launcher's is read-only
    expect(logs).toContain('/workspace/pwned writable\n');
    expect(logs).toContain('/opt/code-runner/launcher errno 13\n'); // 0555 on a read-only mount
    expect(logs).toContain('/pwned errno 30\n');
    expect(logs).toContain("root ['ro']\n");
    // no IPv6 link-local path to the node (the NetworkPolicy plugin switches IPv6 off in the pod)
    expect(logs).toContain('ipv6 off 1\n');
  }, 100_000);

  it('a fork bomb is contained by the pids limit: the run ends at a limit and the node stays usable', async () => {
    const code = [
      'import os, time',
      'print("bombing", flush=True)',
      'while True:',
      '    try:',
      '        os.fork()',
      '    except OSError:',
      '        time.sleep(0.01)',
    ].join('\n');
    const { done, logs } = await run(code, 4);
    // the launcher kills the group at its time limit, or earlier at its memory limit (the bomb's summed RSS)
    expect(['TimeLimitExceeded', 'MemoryLimitExceeded']).toContain(done.verdict);
    expect(logs).toContain('bombing');
    const after = await run('print("still fine")');
    expect(after.done).toMatchObject({ status: 'Succeeded' });
    expect(after.logs).toBe('still fine\n');
  }, 150_000);

  it('filling /tmp stops with ENOSPC at the tmpfs size', async () => {
    const code = [
      'n = 0',
      'try:',
      '    for i in range(4):  # 8 MiB files, under the file size limit',
      '        with open(f"/tmp/fill{i}", "wb") as f:',
      '            for _ in range(128):',
      '                f.write(b"x" * 65536); f.flush(); n += 65536',
      'except OSError as e:',
      '    print("errno", e.errno, "after", n)',
    ].join('\n');
    // a file size limit as large as the tmpfs, so the filesystem is what stops the program
    const { done, logs } = await run(code, 20, { limits: { file_size_kb: 16384 } });
    expect(done).toMatchObject({ status: 'Succeeded', exit_code: 0 });
    const m = /^errno 28 after (\d+)$/m.exec(logs); // 28 = ENOSPC
    expect(m).not.toBeNull();
    const limit = 16 * 1024 * 1024; // TMP_SIZE_LIMIT default 16Mi
    expect(Number(m?.[1])).toBeGreaterThan(limit - 1024 * 1024);
    expect(Number(m?.[1])).toBeLessThanOrEqual(limit);
  }, 100_000);

  it('an output flood (50 MB) is stopped at the output limit, bounded and reported as truncated', async () => {
    const code = [
      'import sys',
      'line = "x" * 1023 + "\\n"',
      'for _ in range(50):',
      '    sys.stdout.write(line * 1024)',
      'sys.stdout.flush()',
    ].join('\n');
    const { done, logs } = await run(code, 60);
    expect(done).toMatchObject({ status: 'Failed', verdict: 'OutputLimitExceeded', logs_truncated: true });
    expect(logs.length).toBeGreaterThan(0);
    expect(Buffer.byteLength(logs)).toBeLessThanOrEqual(stack.cfg.runner.logLimitBytes);
  }, 120_000);

  it('symlinks planted by user code redirect nothing: the run ends normally, the workspace is unchanged', async () => {
    const passwdBefore = createHash('sha256').update(readFileSync('/etc/passwd')).digest('hex');
    const code = [
      'import os, time',
      'for src, dst in [("/etc/passwd", "/tmp/x"), ("/workspace/main.py", "/tmp/y"), ("/etc/shadow", "/workspace/z")]:',
      '    try:',
      '        os.symlink(src, dst); print("linked", dst)',
      '    except OSError as e:',
      '        print("refused", dst, e.errno)',
      'print("planted", flush=True)',
      'time.sleep(5)',
      'print("done")',
    ].join('\n');
    const runId = await api.start({ language: 'python', code, timeout_seconds: 20 });
    await eventually(async () => (await api.logs(runId)).logs.includes('planted'), 60_000, 'the links');
    // while the links exist, the submitted code is still exactly what it was (in the run's immutable
    // ConfigMap, mounted read-only; the launcher copied it into the workdir)
    const { pods, configMaps } = await runnerObjects(stack.kube, stack.cfg.runner.namespace, runId);
    expect(configMaps).toHaveLength(1);
    expect(configMaps[0]!.data?.code).toBe(code);
    expect(configMaps[0]!.immutable).toBe(true);
    expect(pods[0]!.metadata?.annotations?.[ANNOTATION_CODE]).toBeUndefined();
    expect(pods[0]!.spec?.volumes?.find((v) => v.name === 'input')?.configMap?.defaultMode).toBe(0o444);
    const run = pods[0]!.spec?.containers.find((c) => c.name === 'run');
    expect(run?.volumeMounts?.filter((m) => m.name === 'input').every((m) => m.readOnly)).toBe(true);
    const done = await api.waitDone(runId);
    expect(done).toMatchObject({ status: 'Succeeded', exit_code: 0, logs_truncated: false });
    // links inside the pod's own tmpfs volumes are the program's business; none reaches the node
    expect((await api.logs(runId)).logs).toBe('linked /tmp/x\nlinked /tmp/y\nlinked /workspace/z\nplanted\ndone\n');
    // the host's file the link pointed at is untouched
    expect(createHash('sha256').update(readFileSync('/etc/passwd')).digest('hex')).toBe(passwdBefore);
  }, 100_000);
});

/** A plain listener pod in another namespace (the "other pod" of the network test); returns its IP. */
async function startTargetPod(stack: Stack): Promise<string> {
  const core = stack.kube.core;
  await core.createNamespace({ body: { metadata: { name: TARGET_NS } } }).catch((e: { code?: number }) => {
    if (e.code !== 409) throw e;
  });
  await core
    .deleteNamespacedPod({ name: TARGET_POD, namespace: TARGET_NS, gracePeriodSeconds: 0 })
    .catch(() => undefined);
  await eventually(
    async () =>
      core.readNamespacedPod({ name: TARGET_POD, namespace: TARGET_NS }).then(
        () => false,
        () => true,
      ),
    30_000,
    'the old listener pod to go',
  );
  const image = stack.cfg.languages.find((l) => l.id === 'python')?.image ?? 'localhost/code-runner/python:3.13';
  await core.createNamespacedPod({
    namespace: TARGET_NS,
    body: {
      metadata: { name: TARGET_POD, labels: { app: 'sandbox-target' } },
      spec: {
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 0,
        securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'listen',
            image,
            imagePullPolicy: 'IfNotPresent',
            command: ['python3', '-m', 'http.server', '8080', '--bind', '0.0.0.0'],
            workingDir: '/tmp',
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    },
  });
  const ip = await eventually(
    async () => {
      const p = await core.readNamespacedPod({ name: TARGET_POD, namespace: TARGET_NS });
      return p.status?.phase === 'Running' && p.status.podIP ? p.status.podIP : null;
    },
    60_000,
    'the listener pod to run',
  );
  // python needs a moment to bind
  for (let i = 0; i < 20 && (await connectFromHost(ip, 8080, 500)) !== 'connected'; i++) await sleep(250);
  return ip;
}
