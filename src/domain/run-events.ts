/**
 * Pure: what `GET /runs/{id}/events` is made of (docs/events.md). Every event's id is the position the
 * client has reached, `<statuses>.<stage>.<bytes>`: the length of the run's status history, the launcher's
 * step within that status (stageOrdinal), and the bytes of live output sent so far. A client resuming with
 * `Last-Event-ID` gets only what lies beyond that position; the result's id is `end` (nothing follows it).
 */

export interface EventPosition {
  statuses: number;
  stage: number;
  bytes: number;
}
export const RESULT_EVENT_ID = 'end';
export const START: EventPosition = { statuses: -1, stage: -1, bytes: 0 };

/** The launcher's steps in their order: none 0, compile 1, run 2, test i/n 2+i. */
export function stageOrdinal(stage: string | null | undefined): number {
  if (!stage) return 0;
  if (stage === 'compile') return 1;
  if (stage === 'run') return 2;
  const test = /^test (\d{1,4})\//.exec(stage);
  return test ? 2 + Number(test[1]) : 0;
}

export const formatEventId = (p: EventPosition): string => `${p.statuses}.${p.stage}.${p.bytes}`;

/** A Last-Event-ID back into a position; `end` once the result was received; null when absent or foreign. */
export function parseEventId(raw: string | undefined): EventPosition | 'end' | null {
  if (raw === undefined) return null;
  if (raw.trim() === RESULT_EVENT_ID) return 'end';
  const m = /^(\d{1,6})\.(\d{1,6})\.(\d{1,12})$/.exec(raw.trim());
  return m ? { statuses: Number(m[1]), stage: Number(m[2]), bytes: Number(m[3]) } : null;
}

/** Whether a status position (history length, stage) is beyond the one already sent. */
export const statusAhead = (next: EventPosition, sent: EventPosition): boolean =>
  next.statuses > sent.statuses || (next.statuses === sent.statuses && next.stage > sent.stage);

/** One SSE frame; data is JSON (one line, as JSON.stringify writes no raw newlines). */
export const sseFrame = (event: string, id: string, data: unknown): string =>
  `event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`;

/** The part of `text` beyond byte `skip` of a stream whose first `before` bytes were already counted. */
export function beyond(text: string, before: number, skip: number): string {
  const len = Buffer.byteLength(text);
  if (before + len <= skip) return '';
  if (before >= skip) return text;
  return Buffer.from(text)
    .subarray(skip - before)
    .toString('utf8');
}
