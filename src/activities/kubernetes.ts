import { ApplicationFailure, Context } from '@temporalio/activity';
import type { V1Job, V1ObjectMeta, V1Pod } from '@kubernetes/client-node';
import type { KubeClients } from '../kube/client.js';
import { isNotFound, kubeMessage, kubeStatus } from '../kube/client.js';
import { FailureTypes } from '../domain/errors.js';
import { LABEL_RUN_ID, objectName, runSelector } from '../domain/names.js';
import { isTerminal, type Observation, type RunInput, type RunLogs, type RunStatus } from '../domain/run.js';
import { buildJob, buildPod, workspaceConfigMap, type SandboxSettings } from './manifests.js';
import { readBoundedPodLog } from '../kube/logs.js';
import { interpret, interpretPod } from './interpret.js';
import type { RunWatch } from '../kube/run-watch.js';

/** Activities that talk to Kubernetes. One module per external system; clients are injected. */

export interface KubernetesDeps {
  kube: KubeClients;
  sandbox: SandboxSettings;
  logLimitBytes: number;
  /** The worker's shared watch on runner objects (started on first use). */
  watch: RunWatch;
  /** How often a long poll re-reads while nothing happens: cache if watched, else the API server. */
  recheck: { initialMs: number; maxMs: number; factor: number };
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
  const { core, batch } = deps.kube;
  const { namespace } = deps.sandbox;
  const podMode = deps.sandbox.kind === 'Pod';

  async function readOrNull<T>(what: string, read: () => Promise<T>): Promise<T | null> {
    try {
      return await read();
    } catch (err) {
      if (isNotFound(err)) return null;
      throw toFailure(err, `reading ${what}`);
    }
  }

  return {
    /**
     * A long poll: the run's Job and pod, interpreted, as soon as the status differs from `known` (or the
     * run vanished), or after `waitMs`. Woken by the worker's watch, so a change is seen within
     * milliseconds and an unchanged run costs no history events; heartbeats (after a quiet start) carry
     * cancellation.
     * A poll that sees the verdict also collects the output and deletes the sandbox (`output` is set),
     * so a plain run needs no separate clean-up activity.
     */
    async awaitRunChange(args: {
      runId: string;
      timeoutSeconds: number;
      known: RunStatus;
      /** Whether the last observation was held by an outside queue: entering or leaving it is a change. */
      knownHeld?: boolean;
      waitMs: number;
      /** The first poll of a run creates its objects (idempotent: retries never make a second Job). */
      create?: RunInput;
      /** A change to Running is reported only after this long without a verdict (see RunPolicy). */
      settleMs?: number;
    }): Promise<Observation> {
      const ctx = Context.current();
      // Quiet at first: each heartbeat the server receives is a write to the run's state, and the SDK sends
      // the first one at once. A poll that ends within a third of its heartbeat timeout (counted from the
      // attempt's start, creation included) sends none except the verdict's, which keeps the output safe
      // for a retry of the clean-up.
      const quietUntil = Date.now() + (ctx.info.heartbeatTimeoutMs ?? 30_000) / 3;
      // A retry after the verdict was seen (and maybe the Job already deleted) finishes that clean-up.
      const seen = ctx.info.heartbeatDetails as { verdict?: Observation } | undefined;
      if (seen?.verdict?.output) {
        await cleanUp(args.runId, seen.verdict.podName);
        return seen.verdict;
      }
      // A sandbox created just now is observed from the create response (the watch may not have delivered
      // it yet, and reading the API server instead cost a GET and a pod LIST per run).
      let created = args.create ? await createRunObjects(args.create) : undefined;
      const watched = await deps.watch.start().then(
        () => true,
        () => false,
      );
      const end = Date.now() + args.waitMs;
      let recheckMs = deps.recheck.initialMs;
      const settleMs = args.settleMs ?? 0;
      let settleUntil: number | undefined;
      for (;;) {
        const o = created ? created : await observe(args.runId, args.timeoutSeconds);
        created = undefined;
        if (isTerminal(o.status) && !o.vanished) {
          const logs = o.podName ? await readLogs(o.podName) : EMPTY_LOGS;
          ctx.heartbeat({ verdict: { ...o, output: logs } });
          await cleanUp(args.runId, o.podName);
          return { ...o, output: logs };
        }
        const changed =
          o.status !== args.known || o.vanished === true || (o.held === true) !== (args.knownHeld === true);
        // A fresh Running is held back for settleMs, in case the verdict follows at once (short runs).
        const holding = changed && !o.vanished && o.status === 'Running' && settleMs > 0;
        const until = holding ? Math.min(end, (settleUntil ??= Date.now() + settleMs)) : end;
        const left = until - Date.now();
        if ((changed && !holding) || left <= 0 || ctx.cancellationSignal.aborted) return o;
        if (Date.now() >= quietUntil) ctx.heartbeat();
        await deps.watch.changed(args.runId, Math.min(left, recheckMs), ctx.cancellationSignal);
        recheckMs = Math.min(Math.round(recheckMs * deps.recheck.factor), deps.recheck.maxMs);
        if (!watched) await deps.watch.start().catch(() => undefined);
      }
    },

    /**
     * Clean-up when no poll saw a verdict (cancelled, start timeout, vanished, failed activity): reads the
     * output (bounded) if there is a pod, then deletes the pods at once and the Job (and so a ConfigMap).
     * Logs are read before anything is deleted; a retry after a partial delete reuses the logs kept in the
     * heartbeat.
     */
    async finalizeRun(args: { runId: string; podName?: string; readLogs: boolean }): Promise<RunLogs> {
      const ctx = Context.current();
      let logs: RunLogs = (ctx.info.heartbeatDetails as RunLogs | undefined) ?? EMPTY_LOGS;
      if (args.readLogs && args.podName && ctx.info.heartbeatDetails === undefined) {
        logs = await readLogs(args.podName);
        ctx.heartbeat(logs);
      }
      // A pod still running is killed now (grace 0) rather than by the garbage collector's graceful delete.
      await core
        .deleteCollectionNamespacedPod({ namespace, labelSelector: runSelector(args.runId), gracePeriodSeconds: 0 })
        .catch(ignoreNotFound(`deleting pods of ${objectName(args.runId)}`));
      await cleanUp(args.runId);
      return logs;
    },
  };

  /**
   * Deletes the Job, and then the finished pod at once (grace 0) rather than later through the garbage
   * collector: the slot is given back right after this, and the cap counts pods that exist, finished or
   * not. A ConfigMap (large code only) is owned by the sandbox, so the garbage collector deletes it with
   * the sandbox. A failure before the sandbox is gone leaves the run observable for the retry (which
   * otherwise finds the verdict and output in the heartbeat). In Pod mode the pod is the sandbox.
   */
  async function cleanUp(runId: string, podName?: string): Promise<void> {
    const name = objectName(runId);
    if (podMode) {
      await core
        .deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 })
        .catch(ignoreNotFound(`deleting pod ${name}`));
      return;
    }
    await batch
      .deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background', gracePeriodSeconds: 0 })
      .catch(ignoreNotFound(`deleting Job ${name}`));
    if (podName)
      await core
        .deleteNamespacedPod({ name: podName, namespace, gracePeriodSeconds: 0 })
        .catch(ignoreNotFound(`deleting pod ${podName}`));
  }

  /**
   * Creates the sandbox (Job, or bare Pod), which carries small code itself; larger code then goes into a
   * ConfigMap owned by the sandbox (the pod cannot start before its ConfigMap exists, the kubelet waits for
   * it). Safe to retry: never a second sandbox. Returns the first observation if this call created it.
   */
  async function createRunObjects(input: RunInput): Promise<Observation | undefined> {
    const name = objectName(input.runId);
    const t = input.timeoutSeconds;
    const sandbox = podMode
      ? await createIdempotent<V1Pod>(
          `pod ${name}`,
          input.runId,
          () => core.createNamespacedPod({ namespace, body: buildPod(input, deps.sandbox) }),
          () => core.readNamespacedPod({ name, namespace }),
        ).then((r) => ({ ...r, seen: () => interpretPod(r.object, t) }))
      : await createIdempotent<V1Job>(
          `Job ${name}`,
          input.runId,
          () => batch.createNamespacedJob({ namespace, body: buildJob(input, deps.sandbox) }),
          () => batch.readNamespacedJob({ name, namespace }),
        ).then((r) => ({ ...r, seen: () => interpret(r.object, [], t) }));
    const uid = sandbox.object.metadata?.uid;
    const configMap = workspaceConfigMap(input, deps.sandbox, uid ? { kind: podMode ? 'Pod' : 'Job', uid } : undefined);
    if (configMap)
      await createIdempotent(
        `ConfigMap ${name}`,
        input.runId,
        () => core.createNamespacedConfigMap({ namespace, body: configMap }),
        () => core.readNamespacedConfigMap({ name, namespace }),
      );
    return sandbox.created ? sandbox.seen() : undefined;
  }

  /** From the watch's cache when it has the sandbox; else (not synced, or newer than the cache) the API. */
  async function observe(runId: string, timeoutSeconds: number): Promise<Observation> {
    const name = objectName(runId);
    const cached = deps.watch.snapshot(runId, name);
    if (podMode) {
      const pod = cached?.pods.find((p) => p.metadata?.name === name);
      if (pod) return interpretPod(pod, timeoutSeconds);
      const read = await readOrNull(`pod ${name}`, () => core.readNamespacedPod({ name, namespace }));
      return interpretPod(read, timeoutSeconds);
    }
    if (cached?.job) return interpret(cached.job, cached.pods, timeoutSeconds);
    const job = await readOrNull(`Job ${name}`, () => batch.readNamespacedJob({ name, namespace }));
    if (!job) return interpret(null, [], timeoutSeconds);
    const pods = await core
      .listNamespacedPod({ namespace, labelSelector: runSelector(runId) })
      .catch((err: unknown) => {
        throw toFailure(err, `listing pods of ${name}`);
      });
    return interpret(job, pods.items, timeoutSeconds);
  }

  async function readLogs(podName: string): Promise<RunLogs> {
    try {
      return await readBoundedPodLog(deps.kube, namespace, podName, deps.logLimitBytes);
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
const EMPTY_LOGS: RunLogs = { logs: '', truncated: false, bytes: 0 };

function ignoreNotFound(what: string) {
  return (err: unknown): void => {
    if (!isNotFound(err)) throw toFailure(err, what);
  };
}

export type KubernetesActivities = ReturnType<typeof createKubernetesActivities>;
