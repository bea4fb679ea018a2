import type { Client } from '@temporalio/client';
import { enums } from '../temporal/proto.js';
import type { Config } from '../config/config.js';
import type { KubeClients } from '../kube/client.js';
import { kubeMessage } from '../kube/client.js';
import { LABEL_RUN_ID, RUNNER_SELECTOR } from '../domain/names.js';
import { admissionQuery, admissionWorkflowId } from '../workflows/definitions.js';
import { activeCount, type AdmissionState } from '../domain/admission.js';
import { translateTemporalError } from './errors.js';
import { bounded } from '../temporal/deadline.js';
import { RunVisibility, openRunsQuery } from '../temporal/visibility.js';

const TQ = enums;

export interface QueueStats {
  backlog: number;
  pollers: number;
}

/** Everything the Live Monitor shows: queue (as KEDA reads it), runs, workers and runner objects. */
export class SystemService {
  private readonly visibility: RunVisibility;

  constructor(
    private readonly client: Client,
    private readonly kube: KubeClients,
    private readonly cfg: Config,
  ) {
    this.visibility = new RunVisibility(client, cfg.temporal.namespace);
  }

  /** Backlog and pollers of one task-queue type: the number KEDA's temporal scaler reads. */
  async queueStats(type: 'workflow' | 'activity'): Promise<QueueStats> {
    const res = await bounded(this.client, () =>
      this.client.workflowService.describeTaskQueue({
        namespace: this.cfg.temporal.namespace,
        taskQueue: { name: this.cfg.temporal.taskQueue, kind: TQ.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType:
          type === 'workflow' ? TQ.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW : TQ.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
        reportStats: true,
      }),
    );
    return { backlog: Number(res.stats?.approximateBacklogCount ?? 0), pollers: res.pollers?.length ?? 0 };
  }

  /** The admission workflow's own view (queue in order); null when it is not running or no worker answers. */
  private async admission(): Promise<AdmissionState | null> {
    if (this.cfg.admission.maxActiveRuns <= 0) return null;
    try {
      const handle = this.client.workflow.getHandle(admissionWorkflowId(this.cfg.temporal.taskQueue));
      return await bounded(this.client, () => handle.query(admissionQuery), 2000);
    } catch {
      return null;
    }
  }

  /** GET /system/queue: the queue alone, cheap enough for KEDA's metrics-api trigger to poll. */
  async queueSummary() {
    try {
      return await this.queue();
    } catch (err) {
      return translateTemporalError(err);
    }
  }

  /** The true queue: runs accepted and waiting for a slot (status Queued), oldest first. */
  private async queue() {
    const [{ queued, running: active }, newestQueued, adm] = await Promise.all([
      this.visibility.depth(this.cfg.temporal.taskQueue),
      this.visibility.ids(openRunsQuery(this.cfg.temporal.taskQueue, 'Queued'), 0, 100),
      this.admission(),
    ]);
    const cap = this.cfg.admission.maxActiveRuns;
    return {
      queue_depth: queued,
      queued_run_ids: adm ? adm.queue.slice(0, 100).map((t) => t.runId) : newestQueued.reverse(),
      active_runs: active,
      max_active_runs: cap > 0 ? cap : null,
      admitted_runs: adm ? activeCount(adm) : null,
      /** What KEDA's metrics-api trigger reads: every run that is not finished. */
      open_runs: queued + active,
    };
  }

  async status() {
    let temporalPart;
    try {
      const [wf, act, q] = await Promise.all([this.queueStats('workflow'), this.queueStats('activity'), this.queue()]);
      temporalPart = {
        queue_name: this.cfg.temporal.taskQueue,
        ...q,
        queue: {
          workflow_backlog: wf.backlog,
          activity_backlog: act.backlog,
          workflow_pollers: wf.pollers,
          activity_pollers: act.pollers,
        },
        queued_runs: q.queue_depth,
      };
    } catch (err) {
      translateTemporalError(err);
    }
    return { ...temporalPart, ...(await this.kubePart()) };
  }

  private async kubePart() {
    const ns = this.cfg.runner.namespace;
    try {
      const [jobs, pods, workers] = await Promise.all([
        this.kube.batch.listNamespacedJob({ namespace: ns, labelSelector: RUNNER_SELECTOR }),
        this.kube.core.listNamespacedPod({ namespace: ns, labelSelector: RUNNER_SELECTOR }),
        this.workers(),
      ]);
      const nodeRuns: Record<string, number> = {};
      for (const p of pods.items) {
        const n = p.spec?.nodeName ?? '(unscheduled)';
        nodeRuns[n] = (nodeRuns[n] ?? 0) + 1;
      }
      return {
        ...workers,
        runner_namespace: ns,
        runner_jobs: jobs.items.map((j) => ({
          name: j.metadata?.name ?? '',
          run_id: j.metadata?.labels?.[LABEL_RUN_ID] ?? null,
          active: j.status?.active ?? 0,
          succeeded: j.status?.succeeded ?? 0,
          failed: j.status?.failed ?? 0,
        })),
        runner_pods: pods.items.map((p) => ({
          name: p.metadata?.name ?? '',
          run_id: p.metadata?.labels?.[LABEL_RUN_ID] ?? null,
          phase: p.status?.phase ?? 'Unknown',
          node_name: p.spec?.nodeName ?? null,
        })),
        node_runs: nodeRuns,
        kubernetes: { ok: true, source: this.kube.source },
      };
    } catch (err) {
      return { kubernetes: { ok: false, error: kubeMessage(err) }, runner_jobs: [], runner_pods: [], node_runs: {} };
    }
  }

  /** Worker replicas from the Deployment when deployed (Helm), else null. */
  private async workers() {
    const name = this.cfg.worker.deployment;
    if (!name)
      return {
        worker_replicas: null,
        worker_ready_replicas: null,
        worker_pods: [] as { name: string; phase: string; node_name: string | null }[],
      };
    const ns = this.cfg.worker.namespace;
    const dep = await this.kube.apps.readNamespacedDeployment({ name, namespace: ns }).catch(() => null);
    const selector = dep?.spec?.selector?.matchLabels;
    const pods = selector
      ? await this.kube.core
          .listNamespacedPod({
            namespace: ns,
            labelSelector: Object.entries(selector)
              .map(([k, v]) => `${k}=${v}`)
              .join(','),
          })
          .catch(() => null)
      : null;
    return {
      worker_replicas: dep?.status?.replicas ?? 0,
      worker_ready_replicas: dep?.status?.readyReplicas ?? 0,
      worker_pods: (pods?.items ?? []).map((p) => ({
        name: p.metadata?.name ?? '',
        phase: p.status?.phase ?? 'Unknown',
        node_name: p.spec?.nodeName ?? null,
      })),
    };
  }
}
