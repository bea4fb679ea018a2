import { RESULT_FRAME_START } from './judge-frame.js';

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

// eslint-disable-next-line no-control-regex -- the launcher marks its stage lines with a record separator (0x1e)
const STAGE_LINE = /\x1ecode-runner:stage [^\n\x1e]{1,40}\n/g;
// eslint-disable-next-line no-control-regex -- as above
const STAGE_END = /\x1ecode-runner:stage [^\n\x1e]{1,40}\n$/;
/** A line held back longer than this is let through (a stage line is far shorter). */
const MAX_HELD = 64 * 1024;

/**
 * The launcher's live log turned into output piece by piece as it arrives (what liveOutput does to a whole
 * log): stage lines removed, everything from the result frame on dropped. A tail that may still become a stage
 * line or the frame's start is held back until the next piece decides it.
 */
export class LiveOutputCutter {
  private held = '';
  private ended = false;

  /** The output that the log so far settles; '' when nothing new is certain yet. */
  push(piece: string): string {
    if (this.ended) return '';
    const log = this.held + piece;
    const frame = log.indexOf(RESULT_FRAME_START);
    if (frame >= 0) {
      this.ended = true;
      this.held = '';
      return log.slice(0, frame).replace(STAGE_LINE, '');
    }
    let cut = log.length;
    const nl = log.lastIndexOf('\n');
    // A last newline may begin the result frame (unless it ends a stage line): it waits for the next piece.
    const endsStage = nl >= 0 && STAGE_END.test(log.slice(Math.max(0, nl - 64), nl + 1));
    if (nl >= 0 && !endsStage && RESULT_FRAME_START.startsWith(log.slice(nl))) cut = nl;
    else {
      const rs = log.indexOf('\x1e', nl + 1);
      if (rs >= 0) cut = rs;
    }
    if (log.length - cut > MAX_HELD) cut = log.length;
    this.held = log.slice(cut);
    return log.slice(0, cut).replace(STAGE_LINE, '');
  }

  /** The log ended: what was held back is output after all (unless the frame began). */
  end(): string {
    const rest = this.ended ? '' : this.held.replace(STAGE_LINE, '');
    this.ended = true;
    this.held = '';
    return rest;
  }

  /** The result frame began: the program's output is complete. */
  get complete(): boolean {
    return this.ended;
  }
}

/** The part of `text` beyond byte `skip` of a stream whose first `before` bytes were already counted. */
export function beyond(text: string, before: number, skip: number): string {
  const len = Buffer.byteLength(text);
  if (before + len <= skip) return '';
  if (before >= skip) return text;
  return Buffer.from(text)
    .subarray(skip - before)
    .toString('utf8');
}
