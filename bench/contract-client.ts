/**
 * A client of the REST contract Code Runner shares with its predecessors (Mini Code Runner's `POST /runs`
 * `{language, code, timeout_seconds}` → `{run_id, status}`, `GET /runs/{id}`, `GET /runs/{id}/logs` →
 * `{run_id, logs}`), over plain HTTP and knowing nothing of this project's code: the same client measures
 * Code Runner and any peer that speaks the contract (PEER_API_URL), so both are timed alike.
 */
const TERMINAL = new Set(['Succeeded', 'Failed', 'Timeout', 'OOMKilled', 'Cancelled']);

export interface ContractRun {
  runId: string;
  status: string;
  logs: string;
  /** Submit (request sent) → terminal status seen → logs read. */
  ms: number;
  /** GET /runs/{id} calls it took to see the terminal status. */
  polls: number;
}

export class ContractClient {
  constructor(
    readonly baseUrl: string,
    private readonly pollMs = 100,
    private readonly timeoutMs = 120_000,
  ) {}

  private async call(method: string, path: string, body?: object): Promise<Record<string, unknown>> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  }

  /** Submits, polls the run until it is finished, reads its logs. */
  async run(language: string, code: string, timeoutSeconds = 10): Promise<ContractRun> {
    const t0 = performance.now();
    const created = await this.call('POST', '/runs', { language, code, timeout_seconds: timeoutSeconds });
    const runId = String(created.run_id ?? '');
    if (!runId) throw new Error(`POST /runs answered without run_id: ${JSON.stringify(created)}`);
    let status = String(created.status ?? '');
    let polls = 0;
    while (!TERMINAL.has(status)) {
      if (performance.now() - t0 > this.timeoutMs)
        throw new Error(`run ${runId} still ${status} after ${this.timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, this.pollMs));
      status = String((await this.call('GET', `/runs/${encodeURIComponent(runId)}`)).status ?? '');
      polls++;
    }
    const logs = await this.call('GET', `/runs/${encodeURIComponent(runId)}/logs`);
    if (logs.run_id !== undefined && logs.run_id !== runId)
      throw new Error(`logs of ${String(logs.run_id)} for ${runId}`);
    return { runId, status, logs: String(logs.logs ?? ''), ms: performance.now() - t0, polls };
  }
}
