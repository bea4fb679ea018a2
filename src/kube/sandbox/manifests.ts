import type {
  V1ConfigMap,
  V1Job,
  V1ObjectMeta,
  V1Pod,
  V1PodSecurityContext,
  V1PodSpec,
  V1SecurityContext,
} from '@kubernetes/client-node';
import type { RunInput, SandboxKind, SandboxResources, Toleration } from '../../domain/run.js';
import {
  APP_NAME,
  LABEL_APP,
  LABEL_COMPONENT,
  LABEL_LANGUAGE,
  LABEL_MANAGED_BY,
  LABEL_RUN_ID,
  RUNNER_COMPONENT,
  objectName,
} from '../../domain/names.js';

/** Pure builders for a run's Kubernetes objects. No I/O; unit-tested without a cluster. */

export interface SandboxSettings {
  namespace: string;
  nodeSelector: Record<string, string>;
  tolerations?: Toleration[];
  resources: SandboxResources;
  jobTtlSeconds: number;
  startTimeoutSeconds: number;
  /** Kueue LocalQueue: Kueue admits (unsuspends) the Job after our own admission let it be created. */
  kueueQueue?: string;
  /** Code and stdin up to this many bytes (together) travel inside the Job itself; larger ones in a ConfigMap. */
  inlineCodeBytes: number;
  /** What holds the sandbox pod (absent: a Job). */
  kind?: SandboxKind;
}

/** The object that owns a run's ConfigMap: its Job, or its bare Pod. */
export interface SandboxOwner {
  kind: SandboxKind;
  uid: string;
}

export const LABEL_KUEUE_QUEUE = 'kueue.x-k8s.io/queue-name';

export const RUN_CONTAINER = 'run';
export const WORKSPACE = '/workspace';
export const STDIN_KEY = '.stdin';
/** Pod annotations that carry a small run's code and stdin (read into the workspace by the downward API). */
export const ANNOTATION_CODE = 'code-runner.dev/code';
export const ANNOTATION_STDIN = 'code-runner.dev/stdin';
/** Seconds between the in-sandbox SIGTERM at the time limit and the SIGKILL that follows. */
export const KILL_GRACE_SECONDS = 2;
/** Exit code of coreutils `timeout` when the time limit was hit. */
export const TIMEOUT_EXIT_CODE = 124;
const SANDBOX_UID = 65534;

export function runLabels(input: Pick<RunInput, 'runId' | 'language'>): Record<string, string> {
  return {
    [LABEL_APP]: APP_NAME,
    [LABEL_COMPONENT]: RUNNER_COMPONENT,
    [LABEL_MANAGED_BY]: 'code-runner-worker',
    [LABEL_RUN_ID]: input.runId,
    [LABEL_LANGUAGE]: input.language,
  };
}

/**
 * Whether a run's code and stdin go inside the Job (pod annotations, mounted by the downward API) rather
 * than into a ConfigMap of their own. Inline saves two writes per run (the ConfigMap's create and delete)
 * and the kubelet's read of it; a large submission goes to a ConfigMap instead, because the pod object (and
 * so its code) is rewritten and sent to every watcher at each status change of the run.
 */
export function codeInline(input: Pick<RunInput, 'code' | 'stdin'>, s: Pick<SandboxSettings, 'inlineCodeBytes'>) {
  return Buffer.byteLength(input.code) + Buffer.byteLength(input.stdin) <= s.inlineCodeBytes;
}

/** The workspace volume (read-only, 0444): the code under the language's file name, and stdin. */
function workspaceVolume(input: RunInput, inline: boolean) {
  if (!inline) return { name: 'workspace', configMap: { name: objectName(input.runId), defaultMode: 0o444 } };
  const items = [
    { path: input.sandbox.fileName, annotation: ANNOTATION_CODE },
    { path: STDIN_KEY, annotation: ANNOTATION_STDIN },
  ];
  return {
    name: 'workspace',
    downwardAPI: {
      defaultMode: 0o444,
      items: items.map((i) => ({ path: i.path, fieldRef: { fieldPath: `metadata.annotations['${i.annotation}']` } })),
    },
  };
}

/** The run's ConfigMap if its code is not inline (see codeInline); undefined if the sandbox carries the code. */
export function workspaceConfigMap(
  input: RunInput,
  s: Pick<SandboxSettings, 'namespace' | 'inlineCodeBytes'>,
  owner?: SandboxOwner,
): V1ConfigMap | undefined {
  return codeInline(input, s) ? undefined : buildConfigMap(input, s, owner);
}

/**
 * The code and stdin in a ConfigMap. Given the run's Job or Pod, the ConfigMap is owned by it, so the
 * Job's TTL (and any deletion of the sandbox) also removes the ConfigMap through the garbage collector.
 */
export function buildConfigMap(
  input: RunInput,
  s: Pick<SandboxSettings, 'namespace'>,
  owner?: SandboxOwner,
): V1ConfigMap {
  const name = objectName(input.runId);
  const apiVersion = owner?.kind === 'Pod' ? 'v1' : 'batch/v1';
  const ownerReferences = owner
    ? [{ apiVersion, kind: owner.kind, name, uid: owner.uid, blockOwnerDeletion: false }]
    : undefined;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: s.namespace,
      labels: runLabels(input),
      ...(ownerReferences ? { ownerReferences } : {}),
    },
    immutable: true,
    data: { [input.sandbox.fileName]: input.code, [STDIN_KEY]: input.stdin },
  };
}

/** Restricted Pod Security, plus what "restricted" does not demand: read-only root, no token, fixed uid. */
export const podSecurityContext = (): V1PodSecurityContext => ({
  runAsNonRoot: true,
  runAsUser: SANDBOX_UID,
  runAsGroup: SANDBOX_UID,
  seccompProfile: { type: 'RuntimeDefault' },
});

export const containerSecurityContext = (): V1SecurityContext => ({
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: SANDBOX_UID,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
});

/**
 * The sandbox command: stdin from the workspace, and the time limit enforced inside the container by
 * `timeout` (SIGTERM, then SIGKILL), so output written before the limit survives and the verdict is exact.
 * The Job's activeDeadlineSeconds is the kubelet-enforced backstop behind it.
 */
export function sandboxCommand(input: RunInput): string[] {
  return [
    '/bin/sh',
    '-c',
    `exec timeout -k ${KILL_GRACE_SECONDS} "$0" "$@" < ${WORKSPACE}/${STDIN_KEY}`,
    String(input.timeoutSeconds),
    ...input.sandbox.command,
  ];
}

export function jobDeadlineSeconds(input: RunInput, s: Pick<SandboxSettings, 'startTimeoutSeconds'>): number {
  return input.timeoutSeconds + KILL_GRACE_SECONDS + s.startTimeoutSeconds;
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

/** The sandbox pod's metadata and spec, the same in a Job's template and in a bare Pod. */
function sandboxPod(input: RunInput, s: SandboxSettings): { metadata: V1ObjectMeta; spec: V1PodSpec } {
  const inline = codeInline(input, s);
  const r = s.resources;
  const env = Object.entries({ HOME: '/tmp', TMPDIR: '/tmp', ...input.sandbox.env }).map(([n, value]) => ({
    name: n,
    value,
  }));
  return {
    metadata: {
      labels: runLabels(input),
      ...(inline ? { annotations: { [ANNOTATION_CODE]: input.code, [ANNOTATION_STDIN]: input.stdin } } : {}),
    },
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
      securityContext: podSecurityContext(),
      containers: [
        {
          name: RUN_CONTAINER,
          image: input.sandbox.image,
          imagePullPolicy: 'IfNotPresent',
          command: sandboxCommand(input),
          workingDir: WORKSPACE,
          env,
          resources: {
            requests: { cpu: r.cpuRequest, memory: r.memoryRequest, 'ephemeral-storage': r.ephemeralStorageLimit },
            limits: { cpu: r.cpuLimit, memory: r.memoryLimit, 'ephemeral-storage': r.ephemeralStorageLimit },
          },
          securityContext: containerSecurityContext(),
          volumeMounts: [
            { name: 'workspace', mountPath: WORKSPACE, readOnly: true },
            { name: 'tmp', mountPath: '/tmp' },
          ],
        },
      ],
      volumes: [
        workspaceVolume(input, inline),
        // tmpfs sized by the kernel (SizeMemoryBackedVolumes) and charged to the memory limit.
        { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: r.tmpSizeLimit } },
      ],
    },
  };
}
