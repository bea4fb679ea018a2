import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { CLUSTER_POOL } from '../domain/admission.js';
import {
  ADMISSION_WORKFLOW_TYPE,
  acquireSignal,
  admitSignal,
  admissionWorkflowId,
  releaseSignal,
  type AdmissionPolicy,
} from '../workflows/definitions.js';

/**
 * Activities that talk to Temporal itself for admission control (one module per external system).
 * The cap belongs to the worker deployment, which is what creates the Jobs; 0 turns admission off.
 */
export interface AdmissionDeps {
  taskQueue: string;
  maxActiveRuns: number;
  policy: AdmissionPolicy;
}

const SIGNAL_CONCURRENCY = 16;
/** The cluster pool's limit when only tenants' caps apply. */
const UNBOUNDED = 1_000_000;
/** Run ids per visibility query of the audit (ids are UUIDs: ~4 KB of query). */
const AUDIT_CHUNK = 100;

export function createAdmissionActivities(deps: AdmissionDeps) {
  const workflowId = admissionWorkflowId(deps.taskQueue);
  /** A run goes through the admission workflow when the cluster has a cap or its tenant has one. */
  const queued = (tenantLimit = 0) => deps.maxActiveRuns > 0 || tenantLimit > 0;
  return {
    /**
     * Joins the queue, starting the admission workflow if needed. `immediate`: no cap, start now. A
     * tenant's cap holds even with the cluster's off (MAX_ACTIVE_RUNS=0): the cluster pool is then unbounded.
     */
    async requestAdmission(args: {
      runId: string;
      queuedAt: string;
      tenant?: string;
      tenantLimit?: number;
    }): Promise<{ immediate: boolean }> {
      const tenantLimit = args.tenantLimit ?? 0;
      if (!queued(tenantLimit)) return { immediate: true };
      const ticket = { runId: args.runId, pool: CLUSTER_POOL, queuedAt: args.queuedAt, tenant: args.tenant };
      const limit = deps.maxActiveRuns > 0 ? deps.maxActiveRuns : UNBOUNDED;
      await Context.current().client.workflow.signalWithStart(ADMISSION_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [{ policy: deps.policy }],
        signal: acquireSignal,
        signalArgs: [{ ticket, limit, ...(tenantLimit > 0 ? { tenantLimit } : {}) }],
      });
      return { immediate: false };
    },

    /** Gives the slot back (or leaves the queue). Nothing to do when the admission workflow is gone. */
    async releaseAdmission(args: { runId: string; tenantLimit?: number }): Promise<void> {
      if (!queued(args.tenantLimit)) return;
      try {
        await Context.current().client.workflow.getHandle(workflowId).signal(releaseSignal, { runId: args.runId });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },

    /** Tells admitted runs they may start; returns the ones that are gone (their slots are freed). */
    async notifyAdmitted(args: { runIds: string[] }): Promise<string[]> {
      const client = Context.current().client;
      const gone: string[] = [];
      let next = 0;
      const send = async () => {
        while (next < args.runIds.length) {
          const runId = args.runIds[next++]!;
          try {
            await client.workflow.getHandle(runId).signal(admitSignal);
          } catch (err) {
            if (err instanceof WorkflowNotFoundError) gone.push(runId);
            else throw err;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(SIGNAL_CONCURRENCY, args.runIds.length) }, send));
      return gone;
    },

    /**
     * Which of these runs have ended (or never existed): their slots are reclaimed. One visibility query
     * per chunk finds the ones still running (the common case: all of them); only the rest are described
     * one by one, because visibility may lag behind (a run it does not list yet is not taken for closed).
     */
    async closedRuns(args: { runIds: string[] }): Promise<string[]> {
      const client = Context.current().client;
      const running = new Set<string>();
      // Run ids are UUIDs or hashes; anything else is only described, never put into a query.
      const listable = args.runIds.filter((id) => /^[A-Za-z0-9-]+$/.test(id));
      for (let i = 0; i < listable.length; i += AUDIT_CHUNK) {
        const ids = listable.slice(i, i + AUDIT_CHUNK);
        const query = `ExecutionStatus = 'Running' AND WorkflowId IN (${ids.map((id) => `'${id}'`).join(', ')})`;
        for await (const e of client.workflow.list({ query, pageSize: AUDIT_CHUNK })) running.add(e.workflowId);
      }
      const closed: string[] = [];
      for (const runId of args.runIds.filter((id) => !running.has(id))) {
        try {
          const d = await client.workflow.getHandle(runId).describe();
          if (d.status.name !== 'RUNNING') closed.push(runId);
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) closed.push(runId);
          else throw err;
        }
      }
      return closed;
    },
  };
}
