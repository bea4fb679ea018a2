import { createHash } from 'node:crypto';
import type { JudgeResult, JudgeSummary } from './judge.js';
import { END_LINE } from './launch-stdout.js';

/**
 * Pure: reads the launcher's result out of a pod's log (base64 between nonce-marked lines, the last thing
 * it prints; launcher/README.md) and checks it against the summary in the pod's termination message.
 */

export class ResultLost extends Error {}

/** How every result frame starts, whatever its nonce. */
export const RESULT_FRAME_START = '\n--- code-runner-result ';

export function extractResult(log: string, nonce: string, summary: JudgeSummary | null): JudgeResult {
  const begin = `${RESULT_FRAME_START}${nonce} ---\n`;
  const i = log.lastIndexOf(begin);
  if (i < 0) throw new ResultLost('no result in the log');
  const body = log.slice(i + begin.length);
  const j = body.indexOf(`\n--- end ${nonce} ---\n`);
  if (j < 0) throw new ResultLost('the log was cut inside the result');
  const json = Buffer.from(body.slice(0, j).replace(/\n/g, ''), 'base64');
  if (summary) {
    const sha = createHash('sha256').update(json).digest('hex');
    if (json.length !== summary.bytes || sha !== summary.sha256)
      throw new ResultLost(`the result in the log does not match the termination message (${summary.verdict})`);
  }
  const r = JSON.parse(json.toString('utf8')) as JudgeResult;
  // The launcher writes no tests (null) when nothing ran: a compile error, an invalid spec.
  return { ...r, tests: r.tests ?? [], compile: r.compile ?? null };
}

/** The termination message, if it is a launcher summary. */
export function parseSummary(message: string | undefined): JudgeSummary | null {
  if (!message) return null;
  try {
    const s = JSON.parse(message) as Partial<JudgeSummary>;
    return typeof s.verdict === 'string' && typeof s.bytes === 'number' && typeof s.sha256 === 'string'
      ? (s as JudgeSummary)
      : null;
  } catch {
    return null;
  }
}

/** Log bytes to read for a whole result: base64 (4/3), a newline per 76 columns, the markers. */
export const resultLogBytes = (maxResultKb: number): number =>
  Math.ceil(((maxResultKb * 1024 * 4) / 3) * (77 / 76)) + 4096;

/** The launcher's stage lines in the live copy (compile, run, test i/n); programs cannot forge them. */
// eslint-disable-next-line no-control-regex -- the launcher marks its lines with a record separator (0x1e)
const STAGE_LINE = /\x1ecode-runner:stage ([^\n\x1e]{1,40})\n/g;

/** Any line the launcher marks (stage, and an interactive launch's exit lines). */
// eslint-disable-next-line no-control-regex -- as above
const MARKED_LINE = /\x1ecode-runner:[a-z]+ [^\n\x1e]{1,80}\n/g;

/** What the launcher copied live into the log: everything before its end line, without its own lines. */
export function liveOutput(log: string): string {
  const i = log.indexOf(END_LINE);
  return (i >= 0 ? log.slice(0, i) : log).replace(MARKED_LINE, '');
}

/** The last stage the launcher announced in this piece of its log, if any. */
export function lastStage(log: string): string | undefined {
  let stage: string | undefined;
  for (const m of log.matchAll(STAGE_LINE)) stage = m[1];
  return stage;
}
