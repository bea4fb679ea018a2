// Over 300 lines on purpose: every template of the chart rendered and checked by one pinned helm.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadAllYaml } from '@kubernetes/client-node';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { REPO_ROOT } from '../support/paths.js';
import { ApiMetrics } from '../../src/obs/api-metrics.js';
import { WorkerMetrics } from '../../src/obs/worker-metrics.js';

/** The Helm chart, rendered by the real helm (scripts/build-go-tools.sh helm) and checked object by object. */
const CHART = join(REPO_ROOT, 'infra/helm/code-runner');
const HELM =
  process.env.HELM ??
  join(process.env.CODE_RUNNER_CACHE ?? join(homedir(), '.cache/code-runner'), 'helm-v3.19.0/bin/helm');

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [k: string]: unknown;
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

function helm(args: string[]): string {
  return execFileSync(HELM, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
/** The environment of a Deployment's first container, as name → value. */
function deploymentEnv(objs: Obj[], name: string): Record<string, string | undefined> {
  const d = find(objs, 'Deployment', name) as unknown as {
    spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
  };
  return Object.fromEntries((d.spec.template.spec.containers[0]?.env ?? []).map((e) => [e.name, e.value]));
}

function render(set: string[] = []): Obj[] {
  const out = helm(['template', 'cr', CHART, '--namespace', 'code-runner', ...set.flatMap((s) => ['--set', s])]);
  const docs = loadAllYaml(out) as (Obj | null)[];
  return docs.filter((d): d is Obj => d !== null);
}
const find = (objs: Obj[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o)
    throw new Error(`${kind} ${name} not rendered; have ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
};
/** "group/resource:verb" for every (resource, verb) pair of a Role, sorted. */
const grants = (role: Obj) =>
  (role.rules as Rule[])
    .flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${r.apiGroups[0] || 'core'}/${res}:${v}`)))
    .sort();

describe('Helm chart infra/helm/code-runner', () => {
  beforeAll(() => {
    if (!existsSync(HELM)) throw new Error(`helm not found at ${HELM}; run: bash scripts/build-go-tools.sh helm`);
  });

  it('passes helm lint --strict', () => {
    expect(helm(['lint', CHART, '--strict'])).toContain('0 chart(s) failed');
  });

  it('renders well-formed objects with the defaults', () => {
    const objs = render();
    for (const o of objs) {
      expect(o.apiVersion).toBeTruthy();
      expect(o.kind).toBeTruthy();
      expect(o.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
    }
    expect(objs.map((o) => o.kind).sort()).toEqual(
      [
        'Deployment',
        'Deployment',
        'LimitRange',
        'Namespace',
        'NetworkPolicy',
        'ResourceQuota',
        'Role',
        'Role',
        'Role',
        'Role',
        'RoleBinding',
        'RoleBinding',
        'RoleBinding',
        'RoleBinding',
        'Secret',
        'Secret',
        'Service',
        'Service',
        'ServiceAccount',
        'ServiceAccount',
      ].sort(),
    );
    // The API replicas share one cursor key, from a Secret the chart generates (or api.cursorSecret).
    const secret = find(objs, 'Secret', 'cr-code-runner-api-cursor') as unknown as { data: Record<string, string> };
    expect(Buffer.from(secret.data['cursor-secret'] ?? '', 'base64').length).toBeGreaterThanOrEqual(32);
    const api = find(objs, 'Deployment', 'cr-code-runner-api') as unknown as {
      spec: { template: { spec: { containers: { env: { name: string; valueFrom?: unknown }[] }[] } } };
    };
    expect(api.spec.template.spec.containers[0]?.env.find((e) => e.name === 'CURSOR_SECRET')?.valueFrom).toEqual({
      secretKeyRef: { name: 'cr-code-runner-api-cursor', key: 'cursor-secret' },
    });
    const chosen = find(render(['api.cursorSecret=my-own-secret-of-24-chars']), 'Secret', 'cr-code-runner-api-cursor');
    expect(
      Buffer.from(
        (chosen as unknown as { data: Record<string, string> }).data['cursor-secret'] ?? '',
        'base64',
      ).toString(),
    ).toBe('my-own-secret-of-24-chars');
    const ns = find(objs, 'Namespace', 'code-runner-runs');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
    });
    const np = find(objs, 'NetworkPolicy', 'code-runner-runner-deny-all');
    expect(np.metadata.namespace).toBe('code-runner-runs');
    expect(np.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/component': 'runner' } },
      policyTypes: ['Ingress', 'Egress'],
    });
  });

  it('grants exactly the listed verbs, in the runner namespace only (plus get on the worker Deployment)', () => {
    const objs = render();
    const worker = find(objs, 'Role', 'cr-code-runner-worker');
    expect(worker.metadata.namespace).toBe('code-runner-runs');
    expect(grants(worker)).toEqual(
      [
        'core/configmaps:create',
        'core/configmaps:get',
        'core/configmaps:list',
        'core/configmaps:patch',
        'core/configmaps:delete',
        'batch/jobs:create',
        'batch/jobs:get',
        'batch/jobs:list',
        'batch/jobs:watch',
        'batch/jobs:delete',
        'core/pods:get',
        'core/pods:list',
        'core/pods:watch',
        'core/pods:delete',
        'core/pods:deletecollection',
        'core/pods/log:get',
      ].sort(),
    );
    const api = find(objs, 'Role', 'cr-code-runner-api');
    expect(api.metadata.namespace).toBe('code-runner-runs');
    const apiGrants = ['batch/jobs:list', 'batch/jobs:get', 'core/pods:list', 'core/pods:get', 'core/pods/log:get'];
    // Piston's interactive sessions attach to their runs' containers (only while Piston's API is on).
    const attach = ['core/pods/attach:get', 'core/pods/attach:create'];
    expect(grants(api)).toEqual([...apiGrants, ...attach].sort());
    const noPiston = find(render(['piston.enabled=false']), 'Role', 'cr-code-runner-api');
    expect(grants(noPiston)).toEqual(apiGrants.sort());
    const status = find(objs, 'Role', 'cr-code-runner-api-status');
    expect(status.metadata.namespace).toBe('code-runner'); // the release namespace
    expect(status.rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['cr-code-runner-worker'], verbs: ['get'] },
    ]);
    expect(objs.some((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toBe(false);
    const rb = find(objs, 'RoleBinding', 'cr-code-runner-worker');
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'cr-code-runner-worker', namespace: 'code-runner' }]);
  });

  it('turns API keys on, with an empty kept Secret the API may only read and watch by name', () => {
    const objs = render();
    expect(deploymentEnv(objs, 'cr-code-runner-api')).toMatchObject({
      API_KEYS: 'on',
      API_KEYS_SECRET: 'cr-code-runner-api-keys',
      API_KEYS_NAMESPACE: 'code-runner',
      API_REPLICAS: '2',
    });
    const secret = find(objs, 'Secret', 'cr-code-runner-api-keys');
    // No data: an upgrade never touches the keys the CLI wrote; uninstall keeps them.
    expect(secret.data).toBeUndefined();
    expect((secret.metadata as { annotations?: Record<string, string> }).annotations).toEqual({
      'helm.sh/resource-policy': 'keep',
    });
    const role = find(objs, 'Role', 'cr-code-runner-api-keys');
    expect(role.metadata.namespace).toBe('code-runner');
    expect(role.rules).toEqual([
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['cr-code-runner-api-keys'],
        verbs: ['get', 'list', 'watch'],
      },
    ]);
    const rb = find(objs, 'RoleBinding', 'cr-code-runner-api-keys');
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'cr-code-runner-api', namespace: 'code-runner' }]);
    // Off: no Secret, no rights on Secrets at all.
    const off = render(['apiKeys.enabled=false', 'apiKeys.secretName=mine']);
    expect(deploymentEnv(off, 'cr-code-runner-api').API_KEYS).toBe('off');
    expect(off.some((o) => o.kind === 'Secret' && o.metadata.name === 'mine')).toBe(false);
    expect(off.some((o) => o.kind === 'Role' && JSON.stringify(o.rules).includes('secrets'))).toBe(false);
    expect(deploymentEnv(render(['apiKeys.secretName=mine']), 'cr-code-runner-api').API_KEYS_SECRET).toBe('mine');
  });

  it('renders a valid KEDA ScaledObject (temporal trigger, at least one replica) and TriggerAuthentication', () => {
    const objs = render([
      'keda.enabled=true',
      'keda.minReplicaCount=0',
      'temporal.address=temporal.example:7233',
      'temporal.apiKeySecret.name=temporal-api-key',
    ]);
    const so = find(objs, 'ScaledObject', 'cr-code-runner-worker');
    new ScaledObject(so as never).validate();
    const spec = so.spec as {
      minReplicaCount: number;
      scaleTargetRef: { name: string };
      triggers: { type: string; metadata: Record<string, string>; authenticationRef?: { name: string } }[];
    };
    expect(spec.minReplicaCount).toBe(1); // clamped: runs wait on timers
    expect(spec.scaleTargetRef.name).toBe('cr-code-runner-worker');
    expect(spec.triggers).toEqual([
      {
        type: 'temporal',
        metadata: {
          endpoint: 'temporal.example:7233',
          namespace: 'default',
          taskQueue: 'code-runner',
          targetQueueSize: '5',
          activationTargetQueueSize: '0',
          queueTypes: 'workflow,activity',
        },
        authenticationRef: { name: 'cr-code-runner-worker' },
      },
      {
        // the true queue: open runs from the API, which KEDA's operator reaches through the Service
        type: 'metrics-api',
        metadata: {
          url: 'http://cr-code-runner-api.code-runner.svc:80/system/queue',
          format: 'json',
          valueLocation: 'open_runs',
          targetValue: '100',
          activationTargetValue: '0',
        },
      },
    ]);
    const ta = find(objs, 'TriggerAuthentication', 'cr-code-runner-worker');
    new TriggerAuthentication(ta as never).validate();
    expect(ta.spec).toEqual({
      secretTargetRef: [{ parameter: 'apiKey', name: 'temporal-api-key', key: 'api-key' }],
    });
    const worker = find(objs, 'Deployment', 'cr-code-runner-worker') as { spec: { replicas?: number } } & Obj;
    expect(worker.spec.replicas).toBeUndefined(); // KEDA owns the replica count
    // no TriggerAuthentication without credentials
    expect(render(['keda.enabled=true']).some((o) => o.kind === 'TriggerAuthentication')).toBe(false);
    // the HPA's scale-down window (HPA's own default) and where the open runs are read can be set
    const scaleDown = (o: Obj) =>
      (o.spec as { advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: unknown } } } }).advanced
        .horizontalPodAutoscalerConfig.behavior.scaleDown;
    expect(scaleDown(so)).toEqual({ stabilizationWindowSeconds: 300 });
    const tuned = find(
      render([
        'keda.enabled=true',
        'keda.scaleDownStabilizationSeconds=10',
        'keda.openRunsUrl=http://10.96.0.20/system/queue',
      ]),
      'ScaledObject',
      'cr-code-runner-worker',
    );
    new ScaledObject(tuned as never).validate();
    expect(scaleDown(tuned)).toEqual({ stabilizationWindowSeconds: 10 });
    expect((tuned.spec as { triggers: { metadata: { url?: string } }[] }).triggers[1]!.metadata.url).toBe(
      'http://10.96.0.20/system/queue',
    );
  });

  it('sandboxKind Pod lets the worker create pods and tells it so; any other kind is refused', () => {
    const envOf = (objs: Obj[]) => deploymentEnv(objs, 'cr-code-runner-worker');
    const jobs = render();
    expect(envOf(jobs).SANDBOX_KIND).toBe('Job');
    expect(grants(find(jobs, 'Role', 'cr-code-runner-worker'))).not.toContain('core/pods:create');
    const pods = render(['sandboxKind=Pod']);
    expect(envOf(pods).SANDBOX_KIND).toBe('Pod');
    expect(grants(find(pods, 'Role', 'cr-code-runner-worker'))).toContain('core/pods:create');
    expect(() => render(['sandboxKind=Deployment'])).toThrow(/sandboxKind must be Job or Pod/);
  });

  interface PodVolumes {
    volumes: unknown[];
    containers: { volumeMounts: unknown[] }[];
  }
  it('wires languages, mTLS, the callback CA, the node selector and the Ingress into the pods', () => {
    const objs = render([
      'languages[0].id=python',
      'languages[0].image=python:3.13-slim',
      'temporal.tlsSecret=temporal-mtls',
      'callbacks.caConfigMap=receivers-ca',
      'runnerNodeSelector.pool=sandbox',
      'api.ingress.enabled=true',
    ]);
    const cm = find(objs, 'ConfigMap', 'cr-code-runner-languages');
    expect(JSON.parse((cm.data as Record<string, string>)['languages.json'] ?? '')).toEqual([
      { id: 'python', image: 'python:3.13-slim' },
    ]);
    for (const name of ['cr-code-runner-api', 'cr-code-runner-worker']) {
      expect(deploymentEnv(objs, name)).toMatchObject({
        LANGUAGES_FILE: '/etc/code-runner/languages.json',
        TEMPORAL_TLS_CERT_PATH: '/etc/temporal-tls/tls.crt',
        CALLBACK_CA_FILE: '/etc/code-runner-callback-ca/ca.crt',
        RUNNER_NODE_SELECTOR: 'pool=sandbox',
        RUNNER_NAMESPACE: 'code-runner-runs',
        WORKER_DEPLOYMENT: 'cr-code-runner-worker',
      });
      const pod = (find(objs, 'Deployment', name) as unknown as { spec: { template: { spec: PodVolumes } } }).spec
        .template.spec;
      expect(pod.volumes).toContainEqual({ name: 'callback-ca', configMap: { name: 'receivers-ca' } });
      expect(pod.containers[0]!.volumeMounts).toContainEqual({
        name: 'callback-ca',
        mountPath: '/etc/code-runner-callback-ca',
        readOnly: true,
      });
    }
    const ing = find(objs, 'Ingress', 'cr-code-runner-api') as Obj & {
      metadata: { annotations: Record<string, string> };
      spec: { ingressClassName: string; tls: unknown[] };
    };
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.metadata.annotations['cert-manager.io/cluster-issuer']).toBeTruthy();
    expect(ing.spec.tls).toHaveLength(1);
  });

  it('exposes metrics: the worker port and probes, ServiceMonitors and the Grafana dashboard on request', () => {
    const objs = render();
    expect(objs.some((o) => o.kind === 'ServiceMonitor' || o.kind === 'ConfigMap')).toBe(false);
    const worker = find(objs, 'Deployment', 'cr-code-runner-worker') as unknown as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    const c = worker.spec.template.spec.containers[0]!;
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 9464 }]);
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'metrics' } });
    expect(deploymentEnv(objs, 'cr-code-runner-worker')).toMatchObject({
      METRICS_PORT: '9464',
      TEMPORAL_SDK_METRICS: 'true',
      LOG_LEVEL: 'info',
    });
    expect(deploymentEnv(objs, 'cr-code-runner-api')).not.toHaveProperty('OTEL_EXPORTER_OTLP_ENDPOINT');
    const svc = find(objs, 'Service', 'cr-code-runner-worker-metrics') as Obj & { spec: Record<string, unknown> };
    expect(svc.spec).toMatchObject({
      clusterIP: 'None',
      selector: { 'app.kubernetes.io/component': 'worker' },
      ports: [{ name: 'metrics', port: 9464, targetPort: 'metrics' }],
    });

    const on = render([
      'metrics.serviceMonitor.enabled=true',
      'metrics.serviceMonitor.labels.release=kube-prometheus-stack',
      'metrics.dashboard.enabled=true',
      'metrics.dashboard.namespace=monitoring',
      'tracing.otlpEndpoint=http://otel-collector.observability:4318',
      'logLevel=warn',
    ]);
    for (const [component, port] of [
      ['api', 'http'],
      ['worker', 'metrics'],
    ] as const) {
      const sm = find(on, 'ServiceMonitor', `cr-code-runner-${component}`) as Obj & { spec: Record<string, unknown> };
      expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(sm.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
      expect(sm.spec).toEqual({
        selector: {
          matchLabels: {
            'app.kubernetes.io/name': 'code-runner',
            'app.kubernetes.io/instance': 'cr',
            'app.kubernetes.io/component': component,
          },
        },
        endpoints: [{ port, path: '/metrics', interval: '30s' }],
      });
      // The ServiceMonitor's port names a port of the Service it selects.
      const service = on.find(
        (o) => o.kind === 'Service' && o.metadata.labels?.['app.kubernetes.io/component'] === component,
      ) as Obj & { spec: { ports: { name: string }[] } };
      expect(service.spec.ports.map((p) => p.name)).toContain(port);
      expect(deploymentEnv(on, `cr-code-runner-${component}`)).toMatchObject({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability:4318',
        LOG_LEVEL: 'warn',
      });
    }
    const cm = find(on, 'ConfigMap', 'cr-code-runner-dashboard') as Obj & { data: Record<string, string> };
    expect(cm.metadata).toMatchObject({ namespace: 'monitoring', labels: { grafana_dashboard: '1' } });
    const dashboard = JSON.parse(cm.data['code-runner.json'] ?? '') as { panels: { targets: { expr: string }[] }[] };
    // Every code_runner_* series a panel queries is one the processes export.
    const exported = new Set(
      [new ApiMetrics(), new WorkerMetrics()].flatMap((m) =>
        m.registry.getMetricsAsArray().flatMap((x) => [x.name, `${x.name}_bucket`, `${x.name}_count`, `${x.name}_sum`]),
      ),
    );
    const queried = dashboard.panels.flatMap((p) =>
      p.targets.flatMap((t) => t.expr.match(/code_runner_[a-z_]+/g) ?? []),
    );
    expect(queried.length).toBeGreaterThanOrEqual(8);
    expect(queried.filter((n) => !exported.has(n))).toEqual([]);
    for (const name of [
      'code_runner_runs_finished_total',
      'code_runner_queue_depth',
      'code_runner_admission_wait_seconds_bucket',
    ])
      expect(queried).toContain(name);
  });

  it('the standalone KEDA manifests in infra/keda validate too', () => {
    const docs = ['scaledobject.yaml', 'triggerauthentication.yaml'].flatMap(
      (f) => loadAllYaml(readFileSync(join(REPO_ROOT, 'infra/keda', f), 'utf8')) as Obj[],
    );
    const so = docs.find((d) => d.kind === 'ScaledObject');
    const ta = docs.find((d) => d.kind === 'TriggerAuthentication');
    expect(so && ta).toBeTruthy();
    new ScaledObject(so as never).validate();
    new TriggerAuthentication(ta as never).validate();
    expect((so?.spec as { minReplicaCount: number }).minReplicaCount).toBeGreaterThanOrEqual(1);
  });
});
