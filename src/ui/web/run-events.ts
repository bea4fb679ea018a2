import type { Run, RunLogs } from '../shared/types.js';
import { apiKey } from './api-key.js';

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
  // EventSource cannot send an API key (no headers): with a key the page polls, which sends it.
  if (typeof EventSource === 'undefined' || apiKey()) {
    on.fallback();
    return { close: () => undefined };
  }
  const es = new EventSource(`/runs/${encodeURIComponent(runId)}/events`);
  let errors = 0;
  let over = false;
  const parse = <T>(e: Event): T => JSON.parse((e as MessageEvent<string>).data) as T;
  es.addEventListener('status', (e) => {
    errors = 0;
    on.status(parse<Run>(e));
  });
  es.addEventListener('output', (e) => {
    errors = 0;
    on.output(parse<{ text: string }>(e).text);
  });
  es.addEventListener('result', (e) => {
    over = true;
    es.close();
    on.result(parse<Run & { logs: string }>(e));
  });
  // EventSource reconnects by itself (sending Last-Event-ID); a refused connection (404) closes it for good.
  es.addEventListener('error', () => {
    if (over) return;
    errors++;
    if (es.readyState === EventSource.CLOSED || errors >= MAX_ERRORS) {
      over = true;
      es.close();
      on.fallback();
    }
  });
  return {
    close() {
      over = true;
      es.close();
    },
  };
}

/** The output so far of a run still going, in the shape of GET /runs/{id}/logs. */
export const liveLogs = (r: Run, text: string): RunLogs => ({
  run_id: r.run_id,
  logs: text,
  truncated: false,
  status: r.status,
  live: true,
});
