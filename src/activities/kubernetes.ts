import { ApplicationFailure, Context } from '@temporalio/activity';
import { PatchStrategy, setHeaderOptions, type V1ObjectMeta, type V1Pod } from '@kubernetes/client-node';
import type { KubeClients } from '../kube/client.js';
import { isNotFound, kubeMessage, kubeStatus } from '../kube/client.js';
import { FailureTypes } from '../domain/errors.js';
import { LABEL_RUN_ID, objectName, runSelector } from '../domain/names.js';
import { isTerminal, type Observation, type RunInput, type RunLogs } from '../domain/run.js';
import { RUN_CONTAINER, workspaceConfigMap, type SandboxSettings } from '../kube/sandbox/manifests.js';
import {
  ResultLost,
  extractResult,
  lastStage,
  liveOutput,
  parseSummary,
  resultLogBytes,
} from '../domain/judge-frame.js';
import { combinedOutput } from '../domain/judge-status.js';
import { inputBytes, launcherSeconds } from '../domain/launcher-spec.js';
import type { Sandbox } from '../kube/sandbox/index.js';
import { RunWakes } from './wakes.js';
import { readBoundedPodLog, readPodLogSince } from '../kube/logs.js';
import type { RunWatch } from '../kube/run-watch.js';

/** Activities that talk to Kubernetes. One module per external system; clients are injected. */

export interface KubernetesDeps {
  kube: KubeClients;
  settings: SandboxSettings;
  /** What holds a run's pod (Job or bare Pod): the one seam for that choice. */
  sandbox: Sandbox;
  logLimitBytes: number;
  /** The worker's shared watch on runner objects (started on first use). */
  watch: RunWatch;
  /** Wakes a run's workflow early (a signal); without it the workflow's timer alone paces the polls. */
  notify?: (runId: string) => Promise<void>;
  /** A fresh Running wakes the workflow only after this long, in case the verdict follows at once. */
  settleMs: number;
}

/** Maps a Kubernetes API error to a typed ApplicationFailure: permanent ones are not retried. */
export function toFailure(err: unknown, what: string): ApplicationFailure {
  const code = kubeStatus(err);
  const message = `${what}: ${kubeMessage(err)}`;
  if (code === 403 || code === 401) return ApplicationFailure.nonRetryable(message, FailureTypes.KubeForbidden);
  if (code === 400 || code === 422 || code === 404)
    return ApplicationFailure.nonRetryable(message, FailureTypes.KubeInvalid);
  return ApplicationFailure.retryable(message, FailureTypes.KubeTransient);
}

/**
 * Create-or-adopt: an object that already exists is ours only if it carries this run's label. Returns the
 * object, and whether this call created it.
 */
async function createIdempotent<T extends { metadata?: V1ObjectMeta }>(
  what: string,
  runId: string,
  create: () => Promise<T>,
  read: () => Promise<T>,
): Promise<{ object: T; created: boolean }> {
  try {
    return { object: await create(), created: true };
  } catch (err) {
    if (kubeStatus(err) !== 409) throw toFailure(err, `creating ${what}`);
    const existing = await read().catch((e: unknown) => {
      throw toFailure(e, `reading existing ${what}`);
    });
    if (existing.metadata?.labels?.[LABEL_RUN_ID] !== runId)
      throw ApplicationFailure.nonRetryable(`${what} exists and belongs to another run`, FailureTypes.KubeConflict);
    return { object: existing, created: false };
  }
}

export function createKubernetesActivities(deps: KubernetesDeps) {
  const { core } = deps.kube;
  const { namespace } = deps.settings;
  const sandbox = deps.sandbox;
  const wakes = new RunWakes(deps.watch, deps.notify, deps.settleMs, (runId, t) => observeCached(runId, t));

  return {
    /**
     * Step 1 of the card: the run's code and stdin in a ConfigMap of their own (owned by the Job once the
     * Job exists). With INLINE_CODE_BYTES (opt-in) a small submission rides in the Job instead: no object.
     */
    async createConfigMap(input: RunInput): Promise<{ configMap: string | null; created: boolean; bytes: number }> {
      const bytes = inputBytes(input);
      const cm = workspaceConfigMap(input, deps.settings);
      if (!cm) return { configMap: null, created: false, bytes };
      const name = objectName(input.runId);
      const { created } = await createIdempotent(
        `ConfigMap ${name}`,
        input.runId,
        () => core.createNamespacedConfigMap({ namespace, body: cm }),
        () => core.readNamespacedConfigMap({ name, namespace }),
      );
      return { configMap: name, created, bytes };
    },

    /**
     * Step 2: the sandbox Job (a bare Pod with SANDBOX_KIND=Pod), then the ConfigMap is made its own so the
     * garbage collector removes it with the Job. Idempotent: a retry adopts the Job, never a second one.
     * Returns the first observation, from the create response.
     */
    async createJob(
      input: RunInput,
    ): Promise<{ kind: 'Job' | 'Pod'; name: string; created: boolean; wakeArmed: boolean } & Observation> {
      await deps.watch.start().catch(() => undefined);
      const name = objectName(input.runId);
      const t = launcherSeconds(input);
      const { object, created } = await createIdempotent(
        `${sandbox.kind} ${name}`,
        input.runId,
        () => sandbox.create(input),
        () => sandbox.read(name),
      );
      const seen = sandbox.interpretObject(object, t);
      const uid = object.metadata?.uid;
      const owned = uid ? workspaceConfigMap(input, deps.settings, { kind: sandbox.kind, uid }) : undefined;
      if (owned?.metadata?.ownerReferences)
        await core
          .patchNamespacedConfigMap(
            { name, namespace, body: { metadata: { ownerReferences: owned.metadata.ownerReferences } } },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          )
          .catch(ignoreNotFound(`owning ConfigMap ${name}`));
      const wakeArmed = wakes.arm(input.runId, seen, t);
      return { kind: sandbox.kind, name, created, wakeArmed, ...seen };
    },

    /**
     * Step 3, once per workflow timer (or early wake-up): the Job and its pod, interpreted. While the run
     * is not finished, the worker's watch signals the workflow at its next change (`wakeArmed`). With
     * `stageSince`, a running pod's log since then is read for the launcher's stage (compile, test i/n).
     */
    async pollJobStatus(args: {
      runId: string;
      timeoutSeconds: number;
      stageSince?: string;
    }): Promise<Observation & { wakeArmed: boolean }> {
      await deps.watch.start().catch(() => undefined);
      const o = await observe(args.runId, args.timeoutSeconds);
      const wakeArmed = !isTerminal(o.status) && !o.vanished && wakes.arm(args.runId, o, args.timeoutSeconds);
      const stage =
        args.stageSince && o.status === 'Running' && o.podName && (await readStage(o.podName, args.stageSince));
      return { ...o, ...(stage ? { stage } : {}), wakeArmed };
    },

    /**
     * Step 4: the launcher's result from the pod's log (framed by the run's nonce, checked against the
     * termination message); a pod that never started has none.
     */
    async fetchLogs(args: { runId: string; podName?: string; nonce?: string }): Promise<RunLogs> {
      if (!args.podName) return EMPTY_LOGS;
      if (!args.nonce) return readLogs(args.podName, deps.logLimitBytes);
      const [log, summary] = await Promise.all([
        readLogs(args.podName, deps.settings.liveKb * 1024 + resultLogBytes(deps.settings.maxResultKb)),
        terminationSummary(args.runId, args.podName),
      ]);
      if (log.unavailable) return log;
      try {
        const result = extractResult(log.logs, args.nonce, summary);
        const truncated = result.truncated || combinedOutput(result).truncated;
        return { logs: '', truncated, bytes: log.bytes, result };
      } catch (err) {
        if (!(err instanceof ResultLost) && !(err instanceof SyntaxError)) throw err;
        // A killed launcher (cancel, deadline, OOM) printed no result: its live copy is all the output.
        const live = liveOutput(log.logs).slice(0, deps.logLimitBytes);
        return { logs: live, truncated: log.truncated, bytes: log.bytes, unavailable: err.message };
      }
    },

    /**
     * Step 5, in every outcome: the ConfigMap, the Job, and its pods at once (grace 0: the slot is given
     * back right after). Idempotent: what is already gone is skipped.
     */
    async cleanUp(args: { runId: string; podEnded?: boolean }): Promise<{ deleted: string[] }> {
      wakes.disarm(args.runId);
      const name = objectName(args.runId);
      const deleted: string[] = [];
      const del = async (what: string, fn: () => Promise<unknown>) => {
        if (await fn().then(() => true, ignoreNotFound(`deleting ${what}`))) deleted.push(what);
      };
      const configMap = () => del(`ConfigMap ${name}`, () => core.deleteNamespacedConfigMap({ name, namespace }));
      const owner = () => del(`${sandbox.kind} ${name}`, () => sandbox.remove(name));
      const pods = () =>
        del(`pods of ${name}`, () =>
          core.deleteCollectionNamespacedPod({
            namespace,
            labelSelector: runSelector(args.runId),
            gracePeriodSeconds: 0,
          }),
        );
      // A pod that ended on its own is left alone by its controller: all three at once. Otherwise the
      // sandbox goes before its pods, so its controller does not replace the pods being deleted.
      if (args.podEnded) await Promise.all([configMap(), owner(), pods()]);
      else await Promise.all([configMap(), owner()]).then(pods);
      return { deleted: deleted.sort() };
    },
  };

  /** From the watch's cache when it has the sandbox; else (not synced, or newer than the cache) the API. */
  async function observe(runId: string, timeoutSeconds: number): Promise<Observation> {
    return (
      observeCached(runId, timeoutSeconds) ??
      (await sandbox.fromServer(runId, timeoutSeconds).catch((err: unknown) => {
        throw toFailure(err, `reading ${sandbox.kind} ${objectName(runId)}`);
      }))
    );
  }

  function observeCached(runId: string, timeoutSeconds: number): Observation | undefined {
    const name = objectName(runId);
    return sandbox.fromCache(deps.watch.snapshot(runId, name), name, timeoutSeconds);
  }

  /** The last stage line since `since`; a hint only, so a log that cannot be read says nothing. */
  async function readStage(podName: string, since: string): Promise<string | undefined> {
    const limit = deps.settings.liveKb * 1024 + STAGE_LINES_BYTES;
    const log = await readPodLogSince(deps.kube, namespace, podName, new Date(since), limit).catch(() => '');
    return lastStage(log);
  }

  /**
   * The launcher's summary in the run container's termination message: from the watch's cache when it saw
   * the container end (no request), else from the API server, if the pod is still there.
   */
  async function terminationSummary(runId: string, podName: string) {
    const message = (pod: V1Pod | undefined) =>
      pod?.status?.containerStatuses?.find((c) => c.name === RUN_CONTAINER)?.state?.terminated?.message;
    const cached = deps.watch.snapshot(runId, objectName(runId))?.pods.find((p) => p.metadata?.name === podName);
    const known = message(cached);
    if (known) return parseSummary(known);
    const pod = await core
      .readNamespacedPod({ name: podName, namespace })
      .catch(ignoreNotFound(`reading pod ${podName}`));
    return parseSummary(message(pod ?? undefined));
  }

  async function readLogs(podName: string, limitBytes: number): Promise<RunLogs> {
    try {
      return await readBoundedPodLog(deps.kube, namespace, podName, limitBytes);
    } catch (err) {
      // A pod that never started has no logs; that is not a failure of the run's clean-up.
      const code = kubeStatus(err);
      if (code === 404 || code === 400) return EMPTY_LOGS;
      // A node with no kubelet address (gone, or a kwok fake) never will serve them; a node that keeps
      // failing is given a few tries. Then the clean-up goes on and the run says why output is missing.
      const message = kubeMessage(err);
      if (/no preferred addresses/.test(message) || Context.current().info.attempt >= LOG_ATTEMPTS)
        return { logs: '', truncated: false, bytes: 0, unavailable: `logs of pod ${podName}: ${message}` };
      throw toFailure(err, `reading logs of pod ${podName}`);
    }
  }
}

const LOG_ATTEMPTS = 4;
/** Room for the stage lines of a whole launch beside its live output (51 lines of at most 60 bytes). */
const STAGE_LINES_BYTES = 4096;
const EMPTY_LOGS: RunLogs = { logs: '', truncated: false, bytes: 0 };

function ignoreNotFound(what: string) {
  return (err: unknown): void => {
    if (!isNotFound(err)) throw toFailure(err, what);
  };
}

export type KubernetesActivities = ReturnType<typeof createKubernetesActivities>;
