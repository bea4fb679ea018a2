// Over 300 lines on purpose: every field of both sandbox kinds' manifests, checked side by side.
import {
  ANNOTATION_PREFIX,
  LAUNCHER_BIN,
  SPEC_PATH,
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
import { objectName, sandboxUid } from '../../src/domain/names.js';
import type { RunInput } from '../../src/domain/run.js';
import type { LauncherSpec } from '../../src/domain/judge.js';

const input: RunInput = {
  runId: '0b8f3c1e-1111-4222-8333-444455556666',
  language: 'python',
  code: 'print("hi")',
  stdin: 'some input',
  timeoutSeconds: 7,
  sandbox: {
    image: 'localhost/code-runner/python:3.13',
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
  inlineCodeBytes: 0,
  launcherImage: 'localhost/code-runner/launcher:1',
  maxResultKb: 1024,
  liveKb: 256,
};
const specOf = (data: Record<string, string> | undefined) => JSON.parse(data?.spec ?? '{}') as LauncherSpec;

describe('object names', () => {
  it('are deterministic DNS labels derived from the run id', () => {
    expect(objectName(input.runId)).toBe('run-0b8f3c1e-1111-4222-8333-444455556666');
    expect(objectName('A_B')).toBe('run-a-b');
    expect(objectName('x'.repeat(100)).length).toBeLessThanOrEqual(63);
  });
});

describe('buildConfigMap', () => {
  it("holds the code and the launcher's spec (stdin, limits), immutable, labelled with the run", () => {
    const cm = buildConfigMap(input, settings);
    expect(cm.metadata?.name).toBe(objectName(input.runId));
    expect(cm.metadata?.namespace).toBe('runs');
    expect(cm.immutable).toBe(true);
    expect(Object.keys(cm.data ?? {})).toEqual(['code', 'spec']);
    expect(cm.data?.code).toBe('print("hi")');
    expect(specOf(cm.data)).toEqual({
      compile: null,
      run: { command: ['python3', '-u', 'main.py'], args: [] },
      workdir: '/workspace',
      scratch: '/tmp',
      tests: [],
      stdin: 'some input',
      compare: { mode: 'exact' },
      limits: { wall_time_ms: 7000, cpu_time_ms: 7000 },
      stop_on_first_failure: false,
    });
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
    // the launcher's budget (7 s + 3 s of its own) + the kill grace + the start timeout
    expect(job.spec?.activeDeadlineSeconds).toBe(7 + 3 + 2 + 30);
    expect(job.spec?.ttlSecondsAfterFinished).toBe(300);
    expect(pod.restartPolicy).toBe('Never');
  });

  it('runs each sandbox as a uid of its own, never root or nobody, the same on every retry', () => {
    const uid = sandboxUid(input.runId);
    expect(uid).toBeGreaterThanOrEqual(200_000);
    expect(uid).toBeLessThan(1_000_000);
    expect(sandboxUid(input.runId)).toBe(uid);
    const uids = new Set(
      Array.from({ length: 1000 }, (_, i) => sandboxUid(`0b8f3c1e-1111-4222-8333-${String(i).padStart(12, '0')}`)),
    );
    expect(uids.size).toBeGreaterThan(995);
    expect(pod.securityContext?.runAsGroup).toBe(uid);
    expect(c.securityContext?.runAsUser).toBe(uid);
  });

  it('meets Pod Security restricted and mounts no service-account token', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: sandboxUid(input.runId),
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
    // memory: the larger of the operator's limit and the run's memory limit (launcher default 256) + 64
    expect(c.resources?.limits).toEqual({ cpu: '500m', memory: '320Mi', 'ephemeral-storage': '32Mi' });
    expect(c.resources?.requests).toEqual({ cpu: '100m', memory: '128Mi', 'ephemeral-storage': '32Mi' });
    expect(pod.volumes?.find((v) => v.name === 'tmp')?.emptyDir).toEqual({ medium: 'Memory', sizeLimit: '8Mi' });
  });

  it('installs the launcher and the input in an init container; the run container sees neither the input nor the spec', () => {
    const init = pod.initContainers?.[0];
    expect(init?.image).toBe('localhost/code-runner/launcher:1');
    expect(init?.command?.slice(0, 2)).toEqual(['/launcher', 'install']);
    expect(init?.volumeMounts).toContainEqual({ name: 'input', mountPath: '/input', readOnly: true });
    expect(init?.securityContext).toEqual(c.securityContext);
    expect(c.volumeMounts?.map((m) => m.name)).toEqual(['workspace', 'launcher', 'tmp']);
    expect(c.volumeMounts).toContainEqual({ name: 'launcher', mountPath: '/opt/code-runner', readOnly: true });
    expect(c.workingDir).toBe('/workspace');
    expect(c.command).toEqual(sandboxCommand(settings));
    expect(c.command?.[0]).toBe(LAUNCHER_BIN);
    expect(c.command).toEqual(expect.arrayContaining(['-spec', SPEC_PATH, '-consume-spec', '-summary']));
    expect(c.env).toContainEqual({ name: 'A', value: 'b' });
    expect(c.env).toContainEqual({ name: 'HOME', value: '/tmp' });
    // the nonce travels by environment only (a command line is readable by every process)
    expect(c.env).toContainEqual({ name: 'CODE_RUNNER_RESULT_NONCE', value: input.runId });
    expect(c.command?.join(' ')).not.toContain(input.runId);
  });

  it('with the launcher in the language image: one container, which reads the input itself', () => {
    const own = buildJob({ ...input, sandbox: { ...input.sandbox, launcher: 'image' } }, settings).spec!.template.spec!;
    expect(own.initContainers).toBeUndefined();
    const run = own.containers[0]!;
    expect(run.command?.slice(0, 7)).toEqual([
      LAUNCHER_BIN,
      '-input',
      '/input',
      '-workspace',
      '/workspace',
      '-spec',
      '/input/.spec.json',
    ]);
    expect(run.volumeMounts).toContainEqual({ name: 'input', mountPath: '/input', readOnly: true });
    expect(own.volumes?.map((v) => v.name)).toEqual(['input', 'workspace', 'tmp']);
    expect(run.securityContext).toEqual(c.securityContext);
  });

  it("writes the compile step, files, tests and limits into the launcher's spec", () => {
    const judged: RunInput = {
      ...input,
      sandbox: {
        ...input.sandbox,
        compile: ['g++', '-o', 'main', 'main.cpp'],
        compileLimits: { wall_time_ms: 30000 },
        runLimits: { output_kb: 256, memory_mb: 128 },
      },
      files: [{ name: 'lib/data.bin', content: 'AAE=', encoding: 'base64' }],
      tests: [{ stdin: '1 2', expected_output: '3' }],
      compare: { mode: 'float', abs_tol: 0.001 },
      limits: { memory_mb: 512, cpu_time_ms: 1000 },
      resultNonce: 'n0nce-0123456789',
    };
    const cm = buildConfigMap(judged, settings);
    expect(cm.binaryData).toEqual({ 'file-0': 'AAE=' });
    const spec = specOf(cm.data);
    expect(spec.compile).toEqual({ command: ['g++', '-o', 'main', 'main.cpp'], limits: { wall_time_ms: 30000 } });
    // the expected outputs never enter the sandbox: the worker judges the output
    expect(spec.tests).toEqual([{ stdin: '1 2', expected_output: null }]);
    expect(spec.compare).toEqual({ mode: 'float', abs_tol: 0.001 });
    // the request's limits over the defaults (the operator's and the language's), over timeout_seconds
    expect(spec.limits).toEqual({ wall_time_ms: 7000, cpu_time_ms: 1000, memory_mb: 512, output_kb: 256 });
    const j = buildJob(judged, settings);
    const input_ = j.spec!.template.spec!.volumes!.find((v) => v.name === 'input');
    expect(input_?.configMap?.items).toEqual([
      { key: 'code', path: 'main.py' },
      { key: 'file-0', path: 'lib/data.bin' },
      { key: 'spec', path: '.spec.json' },
    ]);
    // compile 30 s + one test of 7 s + 3 s, grace 2, start 30
    expect(j.spec?.activeDeadlineSeconds).toBe(30 + 7 + 3 + 2 + 30);
    expect(j.spec!.template.spec!.containers[0]!.resources?.limits?.memory).toBe('1088Mi');
    expect(j.spec!.template.spec!.containers[0]!.env).toContainEqual({
      name: 'CODE_RUNNER_RESULT_NONCE',
      value: 'n0nce-0123456789',
    });
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

describe('where the input travels', () => {
  const inputVolume = (j: ReturnType<typeof buildJob>) =>
    j.spec!.template.spec!.volumes!.find((v) => v.name === 'input')!;
  const inline = { ...settings, inlineCodeBytes: 4096 };

  it('by default in the ConfigMap of the same name, and the pod carries none of it', () => {
    expect(codeInline(input, settings)).toBe(false);
    const j = buildJob(input, settings);
    expect(j.spec?.template.metadata?.annotations).toBeUndefined();
    expect(inputVolume(j).configMap?.name).toBe(objectName(input.runId));
    const owner = { kind: 'Job', uid: 'uid-1' } as const;
    expect(workspaceConfigMap(input, settings, owner)).toEqual(buildConfigMap(input, settings, owner));
  });

  it('opt-in (INLINE_CODE_BYTES): small input rides in pod annotations, read by the downward API', () => {
    expect(codeInline(input, inline)).toBe(true);
    const j = buildJob(input, inline);
    const ann = j.spec?.template.metadata?.annotations ?? {};
    expect(ann[`${ANNOTATION_PREFIX}code`]).toBe('print("hi")');
    expect(specOf({ spec: ann[`${ANNOTATION_PREFIX}spec`] ?? '' }).stdin).toBe('some input');
    expect(inputVolume(j).downwardAPI?.items?.map((i) => i.path)).toEqual(['main.py', '.spec.json']);
    expect(workspaceConfigMap(input, inline)).toBeUndefined();
    // the Job object itself carries no copy outside its pod template
    expect(j.metadata?.annotations).toBeUndefined();
  });

  it('counts bytes, not characters; files always go to a ConfigMap', () => {
    const spec = JSON.stringify(specOf(buildConfigMap(input, settings).data)).length;
    const fits = { inlineCodeBytes: Buffer.byteLength('print("hi")') + spec };
    expect(codeInline(input, fits)).toBe(true);
    expect(codeInline({ ...input, code: 'é' }, { inlineCodeBytes: fits.inlineCodeBytes - 9 })).toBe(true);
    expect(codeInline({ ...input, code: 'é'.repeat(6) }, fits)).toBe(false);
    expect(codeInline({ ...input, files: [{ name: 'a', content: '', encoding: 'utf8' }] }, inline)).toBe(false);
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
