import type { Client } from '@temporalio/client';
import type { temporal } from './proto.js';
import { RUN_WORKFLOW_TYPE } from '../workflows/definitions.js';
import { bounded } from './deadline.js';

/**
 * The runs of one task queue as Temporal's visibility store lists them: one query builder (pure) and the
 * three reads the API makes of it (count, numbered ids, a page with its token). Other queues in the
 * namespace are other deployments and never match. Errors are the client's; callers translate them.
 */

export interface RunFilter {
  /** One status, or several (`IN`). */
  status?: string | readonly string[];
  language?: string;
  /** Only this tenant's runs. */
  tenant?: string;
  /** Only open workflows (a finished run's workflow may stay open while its callback is delivered). */
  open?: boolean;
}

/** Quotes a value for a visibility query; a quote in it is dropped (no value of ours has one). */
const quoted = (v: string): string => `'${v.replace(/'/g, '')}'`;

export function runsQuery(taskQueue: string, f: RunFilter = {}): string {
  const clauses = [`WorkflowType = ${quoted(RUN_WORKFLOW_TYPE)}`, `TaskQueue = ${quoted(taskQueue)}`];
  if (f.open) clauses.push(`ExecutionStatus = 'Running'`);
  if (f.tenant !== undefined) clauses.push(`RunTenant = ${quoted(f.tenant)}`);
  if (typeof f.status === 'string') clauses.push(`RunStatus = ${quoted(f.status)}`);
  else if (f.status) clauses.push(`RunStatus IN (${f.status.map(quoted).join(', ')})`);
  if (f.language) clauses.push(`RunLanguage = ${quoted(f.language)}`);
  return clauses.join(' AND ');
}

type Execution = temporal.api.workflow.v1.IWorkflowExecutionInfo;

/** Open runs by state: queued (waiting for a slot) and running (Pending or Running: holding one). */
export interface QueueDepth {
  queued: number;
  running: number;
}

/** The open runs of a task queue in these statuses. */
export const openRunsQuery = (taskQueue: string, ...status: string[]): string =>
  runsQuery(taskQueue, { status, open: true });

export class RunVisibility {
  constructor(
    private readonly client: Client,
    private readonly namespace: string,
  ) {}

  async count(query: string): Promise<number> {
    const res = await bounded(this.client, () =>
      this.client.workflowService.countWorkflowExecutions({ namespace: this.namespace, query }),
    );
    return Number(res.count ?? 0);
  }

  /** The queue's open runs, queued and running: two counts (GET /system/queue and the queue-depth gauge). */
  async depth(taskQueue: string): Promise<QueueDepth> {
    const [queued, running] = await Promise.all([
      this.count(openRunsQuery(taskQueue, 'Queued')),
      this.count(openRunsQuery(taskQueue, 'Pending', 'Running')),
    ]);
    return { queued, running };
  }

  /** One page, newest first, and the token of the next (undefined at the end). */
  async page(
    query: string,
    pageSize: number,
    nextPageToken?: Uint8Array,
  ): Promise<{ executions: Execution[]; next?: Uint8Array }> {
    const res = await bounded(this.client, () =>
      this.client.workflowService.listWorkflowExecutions({ namespace: this.namespace, pageSize, query, nextPageToken }),
    );
    return { executions: res.executions ?? [], ...(res.nextPageToken?.length ? { next: res.nextPageToken } : {}) };
  }

  /** Run ids newest first, `limit` of them after skipping `offset` (numbered pages, as Judge0 pages). */
  async ids(query: string, offset: number, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let token: Uint8Array | undefined;
    do {
      const { executions, next } = await this.page(query, Math.min(1000, offset + limit), token);
      ids.push(...executions.map((e) => e.execution?.workflowId ?? '').filter(Boolean));
      token = next;
    } while (token && ids.length < offset + limit);
    return ids.slice(offset, offset + limit);
  }
}
