import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AdmissionState, Ticket } from '../domain/admission.js';
import type { RunState } from '../domain/run.js';
import type { PollPolicy } from '../domain/run-machine.js';
import type { CallbackPolicy } from '../domain/callback.js';

/** Shared between workflow, worker and client: names here are part of the product's contract. */
export const RUN_WORKFLOW_TYPE = 'runWorkflow';

export const cancelSignal = defineSignal<[{ reason?: string }?]>('cancel');
/** From the worker's watch: the run's Job or pod changed, poll now rather than at the next timer. */
export const runChangedSignal = defineSignal('runChanged');
export const stateQuery = defineQuery<RunState>('state');

export const SA_STATUS = defineSearchAttributeKey('RunStatus', SearchAttributeType.KEYWORD);
export const SA_LANGUAGE = defineSearchAttributeKey('RunLanguage', SearchAttributeType.KEYWORD);
/** The tenant whose key submitted the run (lists show each tenant its own runs). */
export const SA_TENANT = defineSearchAttributeKey('RunTenant', SearchAttributeType.KEYWORD);
export const SA_NODE = defineSearchAttributeKey('RunNode', SearchAttributeType.KEYWORD);
export const SA_POD = defineSearchAttributeKey('RunPod', SearchAttributeType.KEYWORD);

/** name=type pairs the Temporal server must know (dev server flags, operator API). */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword'> = {
  RunStatus: 'Keyword',
  RunLanguage: 'Keyword',
  RunNode: 'Keyword',
  RunPod: 'Keyword',
};

/** Guards and the poll cadence (src/domain/run-machine.ts): inputs, so tests and operators tune them. */
export type RunPolicy = PollPolicy & {
  callback?: CallbackPolicy;
  /** The run's link in the Temporal Web UI, for a native webhook's run view (the workflow cannot know it). */
  temporalUiUrl?: string;
};

/** Admission: one long-lived workflow per task queue holds the slots; runs wait for its admit signal. */
export const ADMISSION_WORKFLOW_TYPE = 'admissionWorkflow';
export const admissionWorkflowId = (taskQueue: string): string => `code-runner-admission:${taskQueue}`;
/**
 * Joins the queue; `admit` follows when the run holds a slot. A signal, not an update: the server caps
 * in-flight updates per workflow (10 by default), and a burst of runs asking at once must not queue twice.
 */
/** A run asks for a slot: the cluster's limit and, when its tenant has one, the tenant's cap. */
export const acquireSignal = defineSignal<[{ ticket: Ticket; limit: number; tenantLimit?: number }]>('acquire');
export const releaseSignal = defineSignal<[{ runId: string }]>('release');
export const admitSignal = defineSignal('admit');
export const admissionQuery = defineQuery<AdmissionState>('admission');

export interface AdmissionPolicy {
  /** How often the holders are checked for runs that ended without releasing (terminated by hand). */
  auditSeconds: number;
  /** An empty admission workflow completes after this long; the next request starts it again. */
  idleSeconds: number;
  /** Continue-as-new after this many history events, to keep replays short. */
  maxHistoryEvents: number;
}
