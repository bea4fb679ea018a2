import { Context } from '@temporalio/activity';
import { WithStartWorkflowOperation, WorkflowNotFoundError } from '@temporalio/client';
import { CLUSTER_POOL } from '../domain/admission.js';
import {
  ADMISSION_WORKFLOW_TYPE,
  acquireUpdate,
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

export function createAdmissionActivities(deps: AdmissionDeps) {
  const workflowId = admissionWorkflowId(deps.taskQueue);
  return {
    /** Joins the queue, starting the admission workflow if needed; `admitted`: the run may start now. */
    async requestAdmission(args: { runId: string; queuedAt: string }): Promise<{ admitted: boolean }> {
      if (deps.maxActiveRuns <= 0) return { admitted: true };
      return Context.current().client.workflow.executeUpdateWithStart(acquireUpdate, {
        args: [
          { ticket: { runId: args.runId, pool: CLUSTER_POOL, queuedAt: args.queuedAt }, limit: deps.maxActiveRuns },
        ],
        startWorkflowOperation: new WithStartWorkflowOperation(ADMISSION_WORKFLOW_TYPE, {
          workflowId,
          taskQueue: deps.taskQueue,
          args: [{ policy: deps.policy }],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
    },

    /** Gives the slot back (or leaves the queue). Nothing to do when the admission workflow is gone. */
    async releaseAdmission(args: { runId: string }): Promise<void> {
      if (deps.maxActiveRuns <= 0) return;
      try {
        await Context.current().client.workflow.getHandle(workflowId).signal(releaseSignal, { runId: args.runId });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },

    /** Which of these runs have ended (or never existed): their slots are reclaimed. */
    async closedRuns(args: { runIds: string[] }): Promise<string[]> {
      const client = Context.current().client;
      const closed: string[] = [];
      for (const runId of args.runIds) {
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
