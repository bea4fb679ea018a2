import {
  ANNOTATION_CODE,
  ANNOTATION_STDIN,
  buildConfigMap,
  buildJob,
  buildPod,
  buildSandbox,
  codeInline,
  jobDeadlineSeconds,
  sandboxCommand,
  workspaceConfigMap,
  type SandboxSettings,
} from '../../src/kube/sandbox/manifests.js';
import { objectName } from '../../src/domain/names.js';
import type { RunInput } from '../../src/domain/run.js';

const input: RunInput = {
  runId: '0b8f3c1e-1111-4222-8333-444455556666',
  language: 'python',
  code: 'print("hi")',
  stdin: 'some input',
  timeoutSeconds: 7,
  sandbox: {
    image: 'localhost/code-runner/python:3.11',
    fileName: 'main.py',
    command: ['python3', '-u', 'main.py'],
    env: { A: 'b' },
  },
  createdAt: '2026-11-22T10:00:00.000Z',
};
const settings: SandboxSettings = {
  namespace: 'runs',
  nodeSelector: { 'kubernetes.io/os': 'linux' },
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
  inlineCodeBytes: 64,
};

describe('object names', () => {
  it('are deterministic DNS labels derived from the run id', () => {
    expect(objectName(input.runId)).toBe('run-0b8f3c1e-1111-4222-8333-444455556666');
    expect(objectName('A_B')).toBe('run-a-b');
    expect(objectName('x'.repeat(100)).length).toBeLessThanOrEqual(63);
  });
});

describe('buildConfigMap', () => {
  it('holds the code under the language file name and stdin, immutable, labelled with the run', () => {
    const cm = buildConfigMap(input, settings);
    expect(cm.metadata?.name).toBe(objectName(input.runId));
    expect(cm.metadata?.namespace).toBe('runs');
    expect(cm.immutable).toBe(true);
    expect(cm.data).toEqual({ 'main.py': 'print("hi")', '.stdin': 'some input' });
    expect(cm.metadata?.labels?.['code-runner.dev/run-id']).toBe(input.runId);
    expect(cm.metadata?.ownerReferences).toBeUndefined();
  });

  it('given its Job, is owned by that Job, so deleting the Job (or its TTL) removes it', () => {
    const cm = buildConfigMap(input, settings, { kind: 'Job', uid: 'uid-123' });
    expect(cm.metadata?.ownerReferences).toEqual([
      { apiVersion: 'batch/v1', kind: 'Job', name: objectName(input.runId), uid: 'uid-123', blockOwnerDeletion: false },
    ]);
  });

  it('given its bare Pod, is owned by that Pod (core API group)', () => {
    const cm = buildConfigMap(input, settings, { kind: 'Pod', uid: 'uid-9' });
    expect(cm.metadata?.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Pod', name: objectName(input.runId), uid: 'uid-9', blockOwnerDeletion: false },
    ]);
  });
});

describe('buildJob', () => {
  const job = buildJob(input, settings);
  const pod = job.spec!.template.spec!;
  const c = pod.containers[0]!;

  it('never retries the sandbox and has a deadline and a TTL', () => {
    expect(job.spec?.backoffLimit).toBe(0);
    expect(job.spec?.activeDeadlineSeconds).toBe(jobDeadlineSeconds(input, settings));
    expect(job.spec?.activeDeadlineSeconds).toBe(7 + 2 + 30);
    expect(job.spec?.ttlSecondsAfterFinished).toBe(300);
    expect(pod.restartPolicy).toBe('Never');
  });

  it('meets Pod Security restricted and mounts no service-account token', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65534,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.hostNetwork).toBe(false);
    expect(pod.hostPID).toBe(false);
    expect((pod.volumes ?? []).every((v) => v.configMap || v.downwardAPI || v.emptyDir)).toBe(true);
  });

  it('sets CPU, memory and ephemeral-storage requests and limits, and a sized tmpfs', () => {
    expect(c.resources?.limits).toEqual({ cpu: '500m', memory: '128Mi', 'ephemeral-storage': '32Mi' });
    expect(c.resources?.requests).toEqual({ cpu: '100m', memory: '128Mi', 'ephemeral-storage': '32Mi' });
    expect(pod.volumes?.find((v) => v.name === 'tmp')?.emptyDir).toEqual({ medium: 'Memory', sizeLimit: '8Mi' });
  });

  it('mounts the code read-only and runs the language command under the time limit with stdin', () => {
    expect(c.volumeMounts).toContainEqual({ name: 'workspace', mountPath: '/workspace', readOnly: true });
    expect(c.workingDir).toBe('/workspace');
    expect(c.command).toEqual(sandboxCommand(input));
    expect(c.command?.slice(3)).toEqual(['7', 'python3', '-u', 'main.py']);
    expect(c.command?.[2]).toContain('timeout -k 2');
    expect(c.command?.[2]).toContain('< /workspace/.stdin');
    expect(c.env).toContainEqual({ name: 'A', value: 'b' });
    expect(c.env).toContainEqual({ name: 'HOME', value: '/tmp' });
  });

  it('applies the node selector and labels every object with its run', () => {
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(job.spec?.template.metadata?.labels?.['code-runner.dev/run-id']).toBe(input.runId);
    expect(job.metadata?.labels?.['app.kubernetes.io/component']).toBe('runner');
    expect(buildJob(input, { ...settings, nodeSelector: {} }).spec?.template.spec?.nodeSelector).toBeUndefined();
  });

  it('adds tolerations and the Kueue queue label only when configured', () => {
    expect(pod.tolerations).toBeUndefined();
    expect(job.metadata?.labels?.['kueue.x-k8s.io/queue-name']).toBeUndefined();
    const tolerations = [{ key: 'sandbox', operator: 'Exists' as const, effect: 'NoSchedule' }];
    const j = buildJob(input, { ...settings, tolerations, kueueQueue: 'team-a' });
    expect(j.spec?.template.spec?.tolerations).toEqual(tolerations);
    expect(j.metadata?.labels?.['kueue.x-k8s.io/queue-name']).toBe('team-a');
    // Kueue reads the Job's label; the pod template keeps only our own labels.
    expect(j.spec?.template.metadata?.labels?.['kueue.x-k8s.io/queue-name']).toBeUndefined();
  });
});

describe('where the code travels', () => {
  const workspace = (j: ReturnType<typeof buildJob>) =>
    j.spec!.template.spec!.volumes!.find((v) => v.name === 'workspace')!;

  it('small code and stdin ride in the pod: annotations read into the read-only workspace by the downward API', () => {
    expect(codeInline(input, settings)).toBe(true);
    const j = buildJob(input, settings);
    expect(j.spec?.template.metadata?.annotations).toEqual({
      [ANNOTATION_CODE]: 'print("hi")',
      [ANNOTATION_STDIN]: 'some input',
    });
    expect(workspace(j)).toEqual({
      name: 'workspace',
      downwardAPI: {
        defaultMode: 0o444,
        items: [
          { path: 'main.py', fieldRef: { fieldPath: `metadata.annotations['${ANNOTATION_CODE}']` } },
          { path: '.stdin', fieldRef: { fieldPath: `metadata.annotations['${ANNOTATION_STDIN}']` } },
        ],
      },
    });
    // the Job object itself carries no copy outside its pod template
    expect(j.metadata?.annotations).toBeUndefined();
  });

  it('counts bytes, not characters, of code and stdin together', () => {
    const limit = { inlineCodeBytes: 10 };
    expect(codeInline({ code: '12345', stdin: '12345' }, limit)).toBe(true);
    expect(codeInline({ code: '12345', stdin: '123456' }, limit)).toBe(false);
    expect(codeInline({ code: 'é'.repeat(5), stdin: '' }, limit)).toBe(true);
    expect(codeInline({ code: 'é'.repeat(6), stdin: '' }, limit)).toBe(false);
  });

  it('larger code goes to the ConfigMap of the same name, and the pod carries none of it', () => {
    const big = { ...input, code: '#'.repeat(100) };
    expect(codeInline(big, settings)).toBe(false);
    const j = buildJob(big, settings);
    expect(j.spec?.template.metadata?.annotations).toBeUndefined();
    expect(workspace(j)).toEqual({
      name: 'workspace',
      configMap: { name: objectName(input.runId), defaultMode: 0o444 },
    });
    expect(buildConfigMap(big, settings).data?.['main.py']).toBe(big.code);
    const owner = { kind: 'Job', uid: 'uid-1' } as const;
    expect(workspaceConfigMap(big, settings, owner)).toEqual(buildConfigMap(big, settings, owner));
    expect(workspaceConfigMap(input, settings)).toBeUndefined();
  });

  it('inline size 0 sends every run through a ConfigMap', () => {
    expect(codeInline({ code: 'x', stdin: '' }, { inlineCodeBytes: 0 })).toBe(false);
    expect(workspace(buildJob(input, { ...settings, inlineCodeBytes: 0 })).configMap).toBeDefined();
  });
});

describe('buildPod (SANDBOX_KIND=Pod)', () => {
  const pod = buildPod(input, { ...settings, kind: 'Pod' });
  const job = buildJob(input, settings);

  it("is the Job's pod, named like the Job, with the same deadline enforced by the kubelet", () => {
    expect(pod).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    expect(pod.metadata?.name).toBe(objectName(input.runId));
    expect(pod.metadata?.namespace).toBe('runs');
    expect(pod.metadata?.labels).toEqual(job.spec?.template.metadata?.labels);
    expect(pod.metadata?.annotations).toEqual(job.spec?.template.metadata?.annotations);
    const { activeDeadlineSeconds, ...spec } = pod.spec!;
    expect(spec).toEqual(job.spec?.template.spec);
    expect(activeDeadlineSeconds).toBe(job.spec?.activeDeadlineSeconds);
    expect(pod.metadata?.ownerReferences).toBeUndefined();
  });

  it("keeps every sandbox guard of the Job's pod: no token, no DNS, read-only root, no retries", () => {
    expect(pod.spec).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false, dnsPolicy: 'None' });
    expect(pod.spec?.containers[0]?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, privileged: false });
  });

  it('carries the Kueue queue label itself (Kueue queues plain pods by it)', () => {
    const queued = buildPod(input, { ...settings, kind: 'Pod', kueueQueue: 'team-a' });
    expect(queued.metadata?.labels?.['kueue.x-k8s.io/queue-name']).toBe('team-a');
    expect(pod.metadata?.labels?.['kueue.x-k8s.io/queue-name']).toBeUndefined();
  });

  it('buildSandbox picks the kind from the settings', () => {
    expect(buildSandbox(input, { ...settings, kind: 'Pod' })).toEqual(pod);
    expect(buildSandbox(input, settings)).toEqual(job);
  });
});
