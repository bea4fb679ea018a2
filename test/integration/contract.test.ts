import type { Server } from 'node:http';
import { ContractClient } from '../../bench/contract-client.js';
import { createStack, eventually, type Stack } from '../support/stack.js';
import { serveLocal } from '../support/serve.js';

/**
 * The REST contract kept from the predecessors, over a real socket, with the client the overhead benchmark
 * uses to time Code Runner and a peer alike (bench/contract-client.ts): a client written for Mini Code
 * Runner works unchanged, and the benchmark's client measures what it claims.
 */
describe("the predecessors' REST contract over HTTP", () => {
  let stack: Stack;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    stack = await createStack();
    await stack.startWorker();
    ({ server: server, base: base } = await serveLocal(stack.app));
  });
  afterAll(async () => {
    server.close();
    await stack.close();
  });

  it('submit {language, code, timeout_seconds}, poll the run, read {run_id, logs}', async () => {
    const client = new ContractClient(base);
    const run = await client.run('python', 'print(6 * 7)', 15);
    expect(run).toMatchObject({ status: 'Succeeded', logs: '42\n' });
    expect(run.polls).toBeGreaterThan(0);
    const detail = (await (await fetch(`${base}/runs/${run.runId}`)).json()) as Record<string, unknown>;
    for (const field of ['run_id', 'status', 'language', 'job_name', 'pod_name', 'node_name', 'reason'])
      expect(detail).toHaveProperty(field);
    expect(detail.started_at && detail.finished_at).toBeTruthy();
    const list = (await (await fetch(`${base}/runs`)).json()) as { runs: { run_id: string }[] };
    expect(list.runs.map((r) => r.run_id)).toContain(run.runId);
  });

  it('a failing program is reported through the same client, not hidden as success', async () => {
    const run = await new ContractClient(base).run('python', 'import sys\nprint("boom")\nsys.exit(2)', 15);
    expect(run).toMatchObject({ status: 'Failed', logs: 'boom\n' });
  });

  it('DELETE /runs/{id} cancels, and the system status carries the predecessor’s fields', async () => {
    const created = await fetch(`${base}/runs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ language: 'python', code: 'import time\ntime.sleep(60)', timeout_seconds: 90 }),
    });
    expect(created.status).toBe(201);
    const { run_id: runId, status } = (await created.json()) as { run_id: string; status: string };
    expect(status).toBe('Queued');
    expect((await fetch(`${base}/runs/${runId}`, { method: 'DELETE' })).status).toBe(202);
    const system = (await (await fetch(`${base}/system/status`)).json()) as Record<string, unknown>;
    for (const field of [
      'queue_name',
      'queue_depth',
      'queued_run_ids',
      'worker_replicas',
      'worker_ready_replicas',
      'worker_pods',
      'runner_jobs',
      'runner_pods',
      'node_runs',
    ])
      expect(system).toHaveProperty(field);
    const statusNow = async () => ((await (await fetch(`${base}/runs/${runId}`)).json()) as { status: string }).status;
    await eventually(async () => (await statusNow()) === 'Cancelled', 60_000, 'the cancelled run to end Cancelled');
    expect(await statusNow()).toBe('Cancelled');
  });
});
