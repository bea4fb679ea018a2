import { RUNNER_NETWORK_POLICY_NAME, runnerNetworkPolicy } from '../../src/kube/namespace.js';
import { buildJob, type SandboxSettings } from '../../src/kube/sandbox/manifests.js';
import type { RunInput } from '../../src/domain/run.js';

const input: RunInput = {
  runId: '0b8f3c1e-1111-4222-8333-444455556666',
  language: 'python',
  code: 'print(1)',
  stdin: '',
  timeoutSeconds: 5,
  sandbox: { image: 'img', fileName: 'main.py', command: ['python3', 'main.py'] },
  createdAt: '2026-11-22T10:00:00.000Z',
};
const settings: SandboxSettings = {
  namespace: 'runs',
  nodeSelector: {},
  resources: {
    cpuRequest: '100m',
    cpuLimit: '500m',
    memoryRequest: '128Mi',
    memoryLimit: '128Mi',
    ephemeralStorageLimit: '32Mi',
    tmpSizeLimit: '8Mi',
  },
  jobTtlSeconds: 300,
  startTimeoutSeconds: 30,
  inlineCodeBytes: 16384,
  launcherImage: 'localhost/code-runner/launcher:1',
  maxResultKb: 1024,
  liveKb: 256,
};

describe('runner NetworkPolicy', () => {
  const policy = runnerNetworkPolicy('runs');

  it('denies all ingress and egress (both types, no rules)', () => {
    expect(policy.metadata).toMatchObject({ name: RUNNER_NETWORK_POLICY_NAME, namespace: 'runs' });
    expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec?.ingress).toBeUndefined();
    expect(policy.spec?.egress).toBeUndefined();
  });

  it('selects the runner pods the worker creates', () => {
    const podLabels = buildJob(input, settings).spec?.template.metadata?.labels ?? {};
    const selector = Object.entries(policy.spec?.podSelector?.matchLabels ?? {});
    expect(selector.length).toBeGreaterThan(0);
    for (const [k, v] of selector) expect(podLabels[k]).toBe(v);
  });
});
