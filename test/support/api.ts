import request from 'supertest';
import type { Express } from 'express';
import type { RunView } from '../../src/api/runs-service.js';
import { isTerminal, type RunStatus } from '../../src/domain/run.js';
import { eventually } from './stack.js';

/** Talks to the API the way a client does (in-process app through supertest, or a URL). */
export class ApiClient {
  constructor(private readonly target: Express | string) {}

  async submit(
    body: object,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: RunView & Record<string, unknown> }> {
    let req = request(this.target).post('/runs').set('Content-Type', 'application/json');
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    const res = await req.send(JSON.stringify(body));
    return { status: res.status, body: res.body };
  }

  async start(body: object): Promise<string> {
    const res = await this.submit(body);
    if (res.status !== 201) throw new Error(`submit failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.run_id;
  }

  async get(runId: string): Promise<RunView> {
    const res = await request(this.target).get(`/runs/${runId}`);
    if (res.status !== 200) throw new Error(`GET /runs/${runId}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as RunView;
  }

  async logs(runId: string): Promise<{ logs: string; truncated: boolean; status: RunStatus; live: boolean }> {
    const res = await request(this.target).get(`/runs/${runId}/logs`);
    if (res.status !== 200) throw new Error(`GET logs: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Any request; the response's status and JSON body. */
  async raw(
    method: 'get' | 'post' | 'delete',
    path: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await request(this.target)[method](path);
    return { status: res.status, body: res.body as Record<string, unknown> };
  }

  cancel(runId: string) {
    return request(this.target).delete(`/runs/${runId}`);
  }

  waitFor(runId: string, pred: (v: RunView) => boolean, timeoutMs: number, what: string): Promise<RunView> {
    return eventually(
      async () => {
        const v = await this.get(runId);
        return pred(v) ? v : null;
      },
      timeoutMs,
      `${what} (run ${runId})`,
      300,
    );
  }

  waitDone(runId: string, timeoutMs = 90000): Promise<RunView> {
    return this.waitFor(runId, (v) => isTerminal(v.status), timeoutMs, 'a terminal status');
  }
}
