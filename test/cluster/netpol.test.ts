/**
 * The local cluster's NetworkPolicy isolation (localcluster/netpol-cni, a Go CNI plugin) follows NetworkPolicy's
 * selection rules: matchLabels and matchExpressions select pods, policyTypes default to Ingress (plus
 * Egress when egress rules exist), an unselected pod keeps its network, an ingress-only isolated pod
 * may still connect out, and replies of allowed connections pass.
 *
 * Needs: the cluster up, KUBECONFIG, images imported. Runs in a namespace of its own, deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import * as k8s from '@kubernetes/client-node';

const NS = `netpol-test-${randomBytes(4).toString('hex')}`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let core: k8s.CoreV1Api;
let netApi: k8s.NetworkingV1Api;

/** Listens on 8080 for 25 s and meanwhile tries to connect to the API server's Service IP. */
const PROGRAM = [
  'import socket, threading, time',
  'srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
  'srv.bind(("0.0.0.0", 8080)); srv.listen(5)',
  'threading.Thread(target=lambda: [srv.accept()[0].close() for _ in iter(int, 1)], daemon=True).start()',
  's = socket.socket(); s.settimeout(2)',
  'try:',
  '    s.connect(("10.96.0.1", 443)); print("egress connected", flush=True)',
  'except socket.timeout:',
  '    print("egress timeout", flush=True)',
  'time.sleep(25)',
].join('\n');

function connectFromHost(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (r: string) => {
      s.destroy();
      resolve(r);
    };
    s.setTimeout(2000, () => done('timeout'));
    s.on('connect', () => done('connected'));
    s.on('error', (e: NodeJS.ErrnoException) => done(`error:${e.code ?? e.message}`));
  });
}

async function startPod(name: string, role: string): Promise<void> {
  await core.createNamespacedPod({
    namespace: NS,
    body: {
      metadata: { name, labels: { role } },
      spec: {
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 0,
        securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'main',
            image: 'localhost/code-runner/python:3.13',
            imagePullPolicy: 'Never',
            command: ['python3', '-c', PROGRAM],
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    },
  });
}

/** Waits for the pod's egress verdict line; returns it with the pod IP. */
async function verdict(name: string): Promise<{ ip: string; egress: string }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const p = await core.readNamespacedPod({ name, namespace: NS });
    if (p.status?.phase === 'Running') {
      const log = await core.readNamespacedPodLog({ name, namespace: NS });
      const line = log.split('\n').find((l) => l.startsWith('egress '));
      if (line) return { ip: p.status.podIP ?? '', egress: line };
    }
    if (Date.now() > deadline) throw new Error(`pod ${name}: no verdict (phase ${p.status?.phase})`);
    await sleep(300);
  }
}

beforeAll(async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromDefault();
  core = kc.makeApiClient(k8s.CoreV1Api);
  netApi = kc.makeApiClient(k8s.NetworkingV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  // Egress-only isolation for role In (iso); Ingress-only (the default type) for role=ingress-only.
  await netApi.createNamespacedNetworkPolicy({
    namespace: NS,
    body: {
      metadata: { name: 'egress-iso' },
      spec: {
        podSelector: { matchExpressions: [{ key: 'role', operator: 'In', values: ['iso'] }] },
        policyTypes: ['Egress'],
      },
    },
  });
  await netApi.createNamespacedNetworkPolicy({
    namespace: NS,
    body: { metadata: { name: 'ingress-only' }, spec: { podSelector: { matchLabels: { role: 'ingress-only' } } } },
  });
  await Promise.all([startPod('free', 'free'), startPod('iso', 'iso'), startPod('ingress', 'ingress-only')]);
}, 60_000);

afterAll(async () => {
  await core?.deleteNamespace({ name: NS }).catch(() => undefined);
});

test('an unselected pod keeps egress and ingress', async () => {
  const v = await verdict('free');
  expect(v.egress).toBe('egress connected');
  expect(await connectFromHost(v.ip, 8080)).toBe('connected');
}, 90_000);

test('a pod selected by matchExpressions with policyTypes [Egress] cannot connect out but accepts connections', async () => {
  const v = await verdict('iso');
  expect(v.egress).toBe('egress timeout');
  // ingress is not isolated: the node's connection is accepted and its replies pass
  expect(await connectFromHost(v.ip, 8080)).toBe('connected');
}, 90_000);

test('a policy without policyTypes isolates ingress only: connections in are dropped, out are allowed', async () => {
  const v = await verdict('ingress');
  expect(v.egress).toBe('egress connected'); // replies to its own connection pass
  expect(await connectFromHost(v.ip, 8080)).toBe('timeout');
}, 90_000);
