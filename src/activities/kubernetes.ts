import { ApplicationFailure, Context } from '@temporalio/activity';
import { PatchStrategy, setHeaderOptions, type V1Job, type V1ObjectMeta } from '@kubernetes/client-node';
import type { KubeClients } from '../kube/client.js';
import { isNotFound, kubeMessage, kubeStatus } from '../kube/client.js';
import { FailureTypes } from '../domain/errors.js';
import { LABEL_RUN_ID, objectName, runSelector } from '../domain/names.js';
import type { Observation, RunInput, RunLogs, RunStatus } from '../domain/run.js';
import { buildConfigMap, buildJob, type SandboxSettings } from './manifests.js';
import { readBoundedPodLog } from '../kube/logs.js';
import { interpret } from './interpret.js';
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

/** Create-or-adopt: an object that already exists is ours only if it carries this run's label. */
async function createIdempotent(
  what: string,
  runId: string,
  create: () => Promise<{ metadata?: V1ObjectMeta }>,
  read: () => Promise<{ metadata?: V1ObjectMeta }>,
): Promise<V1ObjectMeta | undefined> {
  try {
    return (await create()).metadata;
  } catch (err) {
    if (kubeStatus(err) !== 409) throw toFailure(err, `creating ${what}`);
    const existing = await read().catch((e: unknown) => {
      throw toFailure(e, `reading existing ${what}`);
    });
    if (existing.metadata?.labels?.[LABEL_RUN_ID] !== runId)
      throw ApplicationFailure.nonRetryable(`${what} exists and belongs to another run`, FailureTypes.KubeConflict);
    return existing.metadata;
  }
}

export function createKubernetesActivities(deps: KubernetesDeps) {
  const { core, batch } = deps.kube;
  const { namespace } = deps.sandbox;

  async function readJob(name: string): Promise<V1Job | null> {
    try {
      return await batch.readNamespacedJob({ name, namespace });
    } catch (err) {
      if (isNotFound(err)) return null;
      throw toFailure(err, `reading Job ${name}`);
    }
  }

  return {
    /**
     * A long poll: the run's Job and pod, interpreted, as soon as the status differs from `known` (or the
     * run vanished), or after `waitMs`. Woken by the worker's watch, so a change is seen within
     * milliseconds and an unchanged run costs no history events; heartbeats carry cancellation.
     */
    async awaitRunChange(args: {
      runId: string;
      timeoutSeconds: number;
      known: RunStatus;
      waitMs: number;
      /** The first poll of a run creates its objects (idempotent: retries never make a second Job). */
      create?: RunInput;
    }): Promise<Observation> {
      const ctx = Context.current();
      if (args.create) await createRunObjects(args.create);
      const watched = await deps.watch.start().then(
        () => true,
        () => false,
      );
      const end = Date.now() + args.waitMs;
      let recheckMs = deps.recheck.initialMs;
      for (;;) {
        const o = await observe(args.runId, args.timeoutSeconds);
        const left = end - Date.now();
        if (o.status !== args.known || o.vanished || left <= 0 || ctx.cancellationSignal.aborted) return o;
        ctx.heartbeat();
        await deps.watch.changed(args.runId, Math.min(left, recheckMs), ctx.cancellationSignal);
        recheckMs = Math.min(Math.round(recheckMs * deps.recheck.factor), deps.recheck.maxMs);
        if (!watched) await deps.watch.start().catch(() => undefined);
      }
    },

    /**
     * Reads the output (bounded), then deletes the Job, its pods and the ConfigMap. Logs are read before
     * anything is deleted; a retry after a partial delete reuses the logs kept in the heartbeat.
     */
    async finalizeRun(args: { runId: string; podName?: string; readLogs: boolean }): Promise<RunLogs> {
      const ctx = Context.current();
      const name = objectName(args.runId);
      let logs: RunLogs = (ctx.info.heartbeatDetails as RunLogs | undefined) ?? {
        logs: '',
        truncated: false,
        bytes: 0,
      };
      if (args.readLogs && args.podName && ctx.info.heartbeatDetails === undefined) {
        logs = await readLogs(args.podName);
        ctx.heartbeat(logs);
      }
      await batch
        .deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background', gracePeriodSeconds: 0 })
        .catch(ignoreNotFound(`deleting Job ${name}`));
      await core
        .deleteCollectionNamespacedPod({ namespace, labelSelector: runSelector(args.runId), gracePeriodSeconds: 0 })
        .catch(ignoreNotFound(`deleting pods of ${name}`));
      await core.deleteNamespacedConfigMap({ name, namespace }).catch(ignoreNotFound(`deleting ConfigMap ${name}`));
      return logs;
    },
  };

  /** Creates the ConfigMap with the code and the Job that runs it. Safe to retry: never a second Job. */
  async function createRunObjects(input: RunInput): Promise<void> {
    const name = objectName(input.runId);
    await createIdempotent(
      `ConfigMap ${name}`,
      input.runId,
      () => core.createNamespacedConfigMap({ namespace, body: buildConfigMap(input, deps.sandbox) }),
      () => core.readNamespacedConfigMap({ name, namespace }),
    );
    const job = await createIdempotent(
      `Job ${name}`,
      input.runId,
      () => batch.createNamespacedJob({ namespace, body: buildJob(input, deps.sandbox) }),
      () => batch.readNamespacedJob({ name, namespace }),
    );
    // Let Kubernetes' garbage collector delete the ConfigMap with the Job (TTL safety net).
    if (job?.uid) {
      const ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name, uid: job.uid, blockOwnerDeletion: false }];
      await core
        .patchNamespacedConfigMap(
          { name, namespace, body: { metadata: { ownerReferences } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        )
        .catch((err: unknown) => {
          throw toFailure(err, `linking ConfigMap ${name} to its Job`);
        });
    }
  }

  /** From the watch's cache when it has the Job; else (not synced, or a Job newer than the cache) the API. */
  async function observe(runId: string, timeoutSeconds: number): Promise<Observation> {
    const name = objectName(runId);
    const cached = deps.watch.snapshot(runId, name);
    if (cached?.job) return interpret(cached.job, cached.pods, timeoutSeconds);
    const job = await readJob(name);
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
      if (code === 404 || code === 400) return { logs: '', truncated: false, bytes: 0 };
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

function ignoreNotFound(what: string) {
  return (err: unknown): void => {
    if (!isNotFound(err)) throw toFailure(err, what);
  };
}

export type KubernetesActivities = ReturnType<typeof createKubernetesActivities>;
