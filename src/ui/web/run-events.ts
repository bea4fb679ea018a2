import type { Run, RunLogs } from '../shared/types.js';
import { apiKey, keyHeaders } from './api-key.js';
import { fetchSse } from './sse-fetch.js';

/** The run's stream (GET /runs/{id}/events) as the run page reads it; see docs/events.md. */
export interface RunEventHandlers {
  status(run: Run): void;
  /** New live output, `offset` bytes into it. */
  output(text: string): void;
  /** The final run with its whole output; the stream is over. */
  result(run: Run & { logs: string }): void;
  /** The stream cannot be used (no EventSource, the run is unknown, or it keeps failing): poll instead. */
  fallback(): void;
}

/** Errors in a row (no event between them) after which the page gives up on the stream. */
const MAX_ERRORS = 3;

export function followRun(runId: string, on: RunEventHandlers): { close(): void } {
  const url = `/runs/${encodeURIComponent(runId)}/events`;
  let errors = 0;
  let over = false;
  let stream: { close(): void } = { close: () => undefined };
  const end = () => {
    over = true;
    stream.close();
  };
  const event = (type: string, data: string) => {
    if (over) return;
    errors = 0;
    if (type === 'status') on.status(JSON.parse(data) as Run);
    else if (type === 'output') on.output((JSON.parse(data) as { text: string }).text);
    else if (type === 'result') {
      end();
      on.result(JSON.parse(data) as Run & { logs: string });
    }
  };
  const error = (fatal: boolean) => {
    if (over) return;
    if (fatal || ++errors >= MAX_ERRORS) {
      end();
      on.fallback();
    }
  };
  if (apiKey()) {
    // EventSource sends no headers: with an API key the stream is read with fetch, which sends it.
    stream = fetchSse(url, keyHeaders(), { event, error });
  } else if (typeof EventSource !== 'undefined') {
    const es = new EventSource(url);
    stream = es;
    for (const type of ['status', 'output', 'result'])
      es.addEventListener(type, (e) => event(type, (e as MessageEvent<string>).data));
    // EventSource reconnects by itself (sending Last-Event-ID); a refused connection (404) closes it for good.
    es.addEventListener('error', () => error(es.readyState === EventSource.CLOSED));
  } else on.fallback();
  return { close: end };
}

/** The output so far of a run still going, in the shape of GET /runs/{id}/logs. */
export const liveLogs = (r: Run, text: string): RunLogs => ({
  run_id: r.run_id,
  logs: text,
  truncated: false,
  status: r.status,
  live: true,
});
