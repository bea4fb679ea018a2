import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { KubeClients } from '../kube/client.js';
import { isNotFound } from '../kube/client.js';
import { LABEL_RUN_ID, RUNNER_SELECTOR } from '../domain/names.js';
import { toFailure } from './kubernetes.js';

/**
 * The leak sweeper's activity: runner Jobs, bare runner Pods (Pod mode: pods no Job owns) and ConfigMaps
 * whose run (workflow id = run id) is finished or unknown to Temporal are deleted, whichever sandbox kind
 * made them (the kind can change between deployments). A run that is still running keeps its objects whatever their age.
 * Objects younger than minAgeSeconds are left alone (a run being created right now).
 */
export interface SweepInput {
  minAgeSeconds: number;
  /** Only these runs (tests sharing a namespace); default: every run. */
  onlyRunIds?: string[];
}
export interface SweepResult {
  examinedRuns: number;
  kept: string[];
  deleted: { runId: string; why: string; jobs: number; pods: number; configMaps: number }[];
}

export interface SweeperDeps {
  kube: KubeClients;
  namespace: string;
}

/** Workflow execution status names that mean "the run still owns its objects". */
const ALIVE = new Set(['RUNNING']);

export function createSweeperActivities(deps: SweeperDeps) {
  const { kube, namespace } = deps;
  return {
    async sweepRunnerObjects(input: SweepInput): Promise<SweepResult> {
      const ctx = Context.current();
      const now = Date.now();
      const old = (created?: Date) => !created || now - new Date(created).getTime() >= input.minAgeSeconds * 1000;
      const [jobs, pods, cms] = await Promise.all([
        kube.batch.listNamespacedJob({ namespace, labelSelector: RUNNER_SELECTOR }),
        kube.core.listNamespacedPod({ namespace, labelSelector: RUNNER_SELECTOR }),
        kube.core.listNamespacedConfigMap({ namespace, labelSelector: RUNNER_SELECTOR }),
      ]).catch((err: unknown) => {
        throw toFailure(err, `listing runner objects in ${namespace}`);
      });
      const byRun = new Map<string, { jobs: string[]; pods: string[]; configMaps: string[] }>();
      const add = (
        kind: 'jobs' | 'pods' | 'configMaps',
        meta?: { name?: string; labels?: Record<string, string>; creationTimestamp?: Date },
      ) => {
        const runId = meta?.labels?.[LABEL_RUN_ID];
        if (!runId || !meta?.name || !old(meta.creationTimestamp)) return;
        if (input.onlyRunIds && !input.onlyRunIds.includes(runId)) return;
        const e = byRun.get(runId) ?? { jobs: [], pods: [], configMaps: [] };
        e[kind].push(meta.name);
        byRun.set(runId, e);
      };
      for (const j of jobs.items) add('jobs', j.metadata);
      // A Job's pods go with their Job; only bare pods are swept themselves.
      for (const p of pods.items) if (!p.metadata?.ownerReferences?.length) add('pods', p.metadata);
      for (const c of cms.items) add('configMaps', c.metadata);

      const result: SweepResult = { examinedRuns: byRun.size, kept: [], deleted: [] };
      for (const [runId, objs] of byRun) {
        ctx.heartbeat(runId);
        let why: string;
        try {
          const d = await ctx.client.workflow.getHandle(runId).describe();
          if (ALIVE.has(d.status.name)) {
            result.kept.push(runId);
            continue;
          }
          why = `run ${d.status.name.toLowerCase()}`;
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          why = 'run unknown to Temporal';
        }
        for (const name of objs.jobs) {
          await kube.batch
            .deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background', gracePeriodSeconds: 0 })
            .catch(ignoreNotFound(`deleting Job ${name}`));
        }
        for (const name of objs.pods) {
          await kube.core
            .deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 })
            .catch(ignoreNotFound(`deleting pod ${name}`));
        }
        for (const name of objs.configMaps) {
          await kube.core
            .deleteNamespacedConfigMap({ name, namespace })
            .catch(ignoreNotFound(`deleting ConfigMap ${name}`));
        }
        result.deleted.push({
          runId,
          why,
          jobs: objs.jobs.length,
          pods: objs.pods.length,
          configMaps: objs.configMaps.length,
        });
      }
      return result;
    },
  };
}

function ignoreNotFound(what: string) {
  return (err: unknown) => {
    if (!isNotFound(err)) throw toFailure(err, what);
  };
}
