import type {
  V1Container,
  V1Job,
  V1ObjectMeta,
  V1Pod,
  V1PodSecurityContext,
  V1PodSpec,
  V1SecurityContext,
} from '@kubernetes/client-node';
import type { RunInput } from '../../domain/run.js';
import { objectName, sandboxUid } from '../../domain/names.js';
import {
  ATTACH_SECONDS,
  SCRATCH,
  WORKDIR,
  launcherSeconds,
  resultNonce,
  sandboxMemoryMb,
} from '../../domain/launcher-spec.js';

/** Pure builders for a run's Kubernetes objects. No I/O; unit-tested without a cluster. */

export type { SandboxSettings, SandboxOwner } from './settings.js';
export { ANNOTATION_PREFIX, SPEC_KEY, runLabels } from './settings.js';
import { ANNOTATION_PREFIX, SPEC_KEY, runLabels, type SandboxSettings } from './settings.js';
export { buildConfigMap, codeInline, inputEntries, workspaceConfigMap } from './input.js';
import { codeInline, inputEntries, inputVolume } from './input.js';

export const LABEL_KUEUE_QUEUE = 'kueue.x-k8s.io/queue-name';

export const RUN_CONTAINER = 'run';
export const INSTALL_CONTAINER = 'install';
export const WORKSPACE = WORKDIR;
/** Where the launcher is: in the language's image, or (init mode) in an emptyDir, read-only there. */
export const LAUNCHER_DIR = '/opt/code-runner';
export const LAUNCHER_BIN = `${LAUNCHER_DIR}/launcher`;
/** The spec's private path in the scratch volume: the launcher reads it, then deletes it. */
export const SPEC_PATH = `${SCRATCH}/.code-runner-spec.json`;
const INPUT_DIR = '/input';
/** The launcher reads its result nonce from here; programs never see it. */
export const NONCE_ENV = 'CODE_RUNNER_RESULT_NONCE';
export const ANNOTATION_CODE = `${ANNOTATION_PREFIX}code`;
/** Seconds between the launcher's budget and the kubelet's deadline. */
export const KILL_GRACE_SECONDS = 2;
/** Exit code of coreutils `timeout` when the time limit was hit. */
export const TIMEOUT_EXIT_CODE = 124;

/**
 * Restricted Pod Security, plus what "restricted" does not demand: read-only root, no token, and a uid of
 * the run's own (sandboxUid), so per-user kernel limits do not add up across the sandboxes of a node.
 */
export const podSecurityContext = (uid: number): V1PodSecurityContext => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: uid,
  seccompProfile: { type: 'RuntimeDefault' },
});

export const containerSecurityContext = (uid: number): V1SecurityContext => ({
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: uid,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
});

/**
 * The run container's command: the launcher, which judges the run and prints its framed result. With the
 * launcher in the image it first copies the input itself; in init mode the init container did.
 */
export function sandboxCommand(
  s: Pick<SandboxSettings, 'maxResultKb' | 'liveKb'>,
  mode: 'image' | 'init' = 'init',
  interactive = false,
): string[] {
  const input =
    mode === 'image'
      ? ['-input', INPUT_DIR, '-workspace', WORKSPACE, '-spec', `${INPUT_DIR}/${SPEC_KEY}`]
      : ['-spec', SPEC_PATH, '-consume-spec'];
  return [
    LAUNCHER_BIN,
    ...input,
    '-result',
    '',
    '-summary',
    TERMINATION_LOG,
    '-max-result-kb',
    String(s.maxResultKb),
    '-live-kb',
    String(s.liveKb),
    ...(interactive ? ['-interactive', '-attach-timeout', `${ATTACH_SECONDS}s`] : []),
  ];
}
const TERMINATION_LOG = '/dev/termination-log';

/** The kubelet's (or Job controller's) deadline: the launcher's whole budget, the start, a grace. */
export function jobDeadlineSeconds(input: RunInput, s: Pick<SandboxSettings, 'startTimeoutSeconds'>): number {
  return launcherSeconds(input) + KILL_GRACE_SECONDS + s.startTimeoutSeconds;
}

/** The sandbox: the run's Job, or its bare Pod (SandboxSettings.kind). */
export function buildSandbox(input: RunInput, s: SandboxSettings): V1Job | V1Pod {
  return s.kind === 'Pod' ? buildPod(input, s) : buildJob(input, s);
}

/** The Job: no retries, the deadline enforced by the Job controller, a TTL behind the worker's own clean-up. */
export function buildJob(input: RunInput, s: SandboxSettings): V1Job {
  const pod = sandboxPod(input, s);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: objectName(input.runId), namespace: s.namespace, labels: withKueue(pod.metadata.labels, s) },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: jobDeadlineSeconds(input, s),
      ttlSecondsAfterFinished: s.jobTtlSeconds,
      template: pod,
    },
  };
}

/**
 * A bare Pod: the same pod as the Job's, named like the Job, with the same deadline enforced by the kubelet
 * (activeDeadlineSeconds on a pod). Nothing recreates or garbage-collects it: the worker's clean-up and the
 * leak sweeper delete it. Kueue queues plain pods by the same label (its pod integration).
 */
export function buildPod(input: RunInput, s: SandboxSettings): V1Pod {
  const pod = sandboxPod(input, s);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...pod.metadata,
      name: objectName(input.runId),
      namespace: s.namespace,
      labels: withKueue(pod.metadata.labels, s),
    },
    spec: { ...pod.spec, activeDeadlineSeconds: jobDeadlineSeconds(input, s) },
  };
}

const withKueue = (labels: Record<string, string> | undefined, s: SandboxSettings) =>
  s.kueueQueue ? { ...labels, [LABEL_KUEUE_QUEUE]: s.kueueQueue } : labels;

/**
 * The sandbox pod's metadata and spec, the same in a Job's template and in a bare Pod: one container, from
 * the language's image, runs the launcher, which copies the input into the writable workdir and judges the
 * run. For an image without the launcher, an init container installs it first (installContainer).
 */
function sandboxPod(input: RunInput, s: SandboxSettings): { metadata: V1ObjectMeta; spec: V1PodSpec } {
  const inline = codeInline(input, s);
  const r = s.resources;
  const env = Object.entries({
    HOME: SCRATCH,
    TMPDIR: SCRATCH,
    ...input.sandbox.env,
    [NONCE_ENV]: resultNonce(input),
  }).map(([n, value]) => ({ name: n, value }));
  const memory = maxQuantity(r.memoryLimit, `${sandboxMemoryMb(input)}Mi`);
  const resources = {
    requests: { cpu: r.cpuRequest, memory: r.memoryRequest, 'ephemeral-storage': r.ephemeralStorageLimit },
    limits: { cpu: r.cpuLimit, memory, 'ephemeral-storage': r.ephemeralStorageLimit },
  };
  const mode = input.sandbox.launcher ?? 'init';
  const uid = sandboxUid(input.runId);
  const inImage = mode === 'image';
  const annotations = inline
    ? Object.fromEntries(inputEntries(input).map((e) => [`${ANNOTATION_PREFIX}${e.key}`, e.text ?? '']))
    : undefined;
  return {
    metadata: { labels: runLabels(input), ...(annotations ? { annotations } : {}) },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      hostNetwork: false,
      hostPID: false,
      hostIPC: false,
      // No resolver inside the sandbox: user code gets no cluster DNS.
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['127.0.0.1'] },
      terminationGracePeriodSeconds: 1,
      ...(Object.keys(s.nodeSelector).length > 0 ? { nodeSelector: s.nodeSelector } : {}),
      ...(s.tolerations?.length ? { tolerations: s.tolerations } : {}),
      securityContext: podSecurityContext(uid),
      ...(inImage ? {} : { initContainers: [installContainer(s, resources, uid)] }),
      containers: [
        {
          name: RUN_CONTAINER,
          image: input.sandbox.image,
          imagePullPolicy: 'IfNotPresent',
          command: sandboxCommand(s, mode, input.interactive),
          // An interactive run's client attaches to stdin (once: its end is the program's EOF).
          ...(input.interactive ? { stdin: true, stdinOnce: true } : {}),
          workingDir: WORKSPACE,
          env,
          resources,
          securityContext: containerSecurityContext(uid),
          volumeMounts: [
            ...(inImage ? [{ name: 'input', mountPath: INPUT_DIR, readOnly: true }] : []),
            { name: 'workspace', mountPath: WORKSPACE },
            ...(inImage ? [] : [{ name: 'launcher', mountPath: LAUNCHER_DIR, readOnly: true }]),
            { name: 'tmp', mountPath: SCRATCH },
          ],
        },
      ],
      volumes: [
        inputVolume(input, inline),
        // tmpfs sized by the kernel (SizeMemoryBackedVolumes) and charged to the memory limit.
        { name: 'workspace', emptyDir: { medium: 'Memory', sizeLimit: r.tmpSizeLimit } },
        { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: r.tmpSizeLimit } },
        ...(inImage ? [] : [{ name: 'launcher', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }]),
      ],
    },
  };
}

/**
 * Init mode (an image without the launcher): a container from the launcher image copies the launcher and
 * the input into the pod's volumes first. It costs a second container start (~1 s here: the kubelet
 * notices the init container's exit on its next relist).
 */
function installContainer(s: SandboxSettings, resources: V1Container['resources'], uid: number): V1Container {
  return {
    name: INSTALL_CONTAINER,
    image: s.launcherImage,
    imagePullPolicy: 'IfNotPresent',
    command: ['/launcher', 'install', '-input', INPUT_DIR, '-workspace', WORKSPACE, '-bin', LAUNCHER_BIN],
    args: ['-spec', SPEC_PATH],
    resources,
    securityContext: containerSecurityContext(uid),
    volumeMounts: [
      { name: 'input', mountPath: INPUT_DIR, readOnly: true },
      { name: 'workspace', mountPath: WORKSPACE },
      { name: 'launcher', mountPath: LAUNCHER_DIR },
      { name: 'tmp', mountPath: SCRATCH },
    ],
  };
}

/** The larger of two memory quantities (Ki/Mi/Gi or plain bytes). */
function maxQuantity(a: string, b: string): string {
  return quantityBytes(a) >= quantityBytes(b) ? a : b;
}
const UNITS: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, K: 1e3, M: 1e6, G: 1e9 };
function quantityBytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]i?)?$/.exec(q);
  return m ? Number(m[1]) * (UNITS[m[2] ?? ''] ?? 1) : 0;
}
