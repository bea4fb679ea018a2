/**
 * Pure: what the launcher writes to its stdout while it runs (launcher/internal/capture/live.go): the
 * program's output, its own stage, exit and end lines (each starts with 0x1e), then its result frame.
 */

/** What the launcher's stdout carried. */
export type LaunchEvent =
  | { kind: 'data'; data: string }
  | { kind: 'stage'; stage: string }
  | { kind: 'exit'; stage: string; code: number | null; signal: string | null }
  | { kind: 'end' };

const STAGE = '\x1ecode-runner:stage ';
const EXIT = '\x1ecode-runner:exit ';
/** The end line: what follows it is the result frame. */
export const END_LINE = '\x1ecode-runner:end result\n';
const END = '\x1ecode-runner:end ';
/** Bound on a launcher line; a longer "line" is not the launcher's and is passed on as data. */
const MAX_MARK_LINE = 160;

/**
 * Splits the launcher's live stdout (decoded text, in chunks as they come: an attached stream or a followed
 * pod log) into the program's data, the launcher's stage and exit lines, and its end line, after which
 * comes its result frame, which is not output. Data is passed on at once (a prompt is not held back); only
 * a launcher line still unfinished at a chunk's end waits for the next. A program cannot forge a line: the
 * launcher escapes the program's 0x1e bytes.
 */
export class LaunchStdout {
  private held = '';
  private ended = false;

  /** The end line was read: the program's output is complete. */
  get complete(): boolean {
    return this.ended;
  }

  /** The stream ended without an end line (a killed launch): a held tail is output after all. */
  flush(): LaunchEvent[] {
    const rest = this.ended ? '' : this.held;
    this.ended = true;
    this.held = '';
    return rest ? [{ kind: 'data', data: rest }] : [];
  }

  push(text: string): LaunchEvent[] {
    if (this.ended) return [];
    let buf = this.held + text;
    this.held = '';
    const out: LaunchEvent[] = [];
    for (;;) {
      const mark = buf.indexOf('\x1e');
      const data = mark < 0 ? buf : buf.slice(0, mark);
      if (data) out.push({ kind: 'data', data });
      if (mark < 0) return out;
      const nl = buf.indexOf('\n', mark);
      if (nl < 0 && buf.length - mark < MAX_MARK_LINE) {
        this.held = buf.slice(mark);
        return out;
      }
      const end = nl < 0 ? buf.length : nl + 1;
      const event = markLine(buf.slice(mark, nl < 0 ? end : nl));
      if (event?.kind === 'end') {
        this.ended = true;
        out.push(event);
        return out;
      }
      if (event) out.push(event);
      else out.push({ kind: 'data', data: buf.slice(mark, end) });
      buf = buf.slice(end);
    }
  }
}

function markLine(line: string): LaunchEvent | null {
  if (line.startsWith(END)) return { kind: 'end' };
  if (line.startsWith(STAGE)) return { kind: 'stage', stage: line.slice(STAGE.length) };
  if (!line.startsWith(EXIT)) return null;
  const words = line.slice(EXIT.length).split(' ');
  if (words.length < 3) return null;
  const [code, signal] = words.slice(-2);
  return {
    kind: 'exit',
    stage: words.slice(0, -2).join(' '),
    code: code === '-' ? null : Number(code),
    signal: signal === '-' ? null : (signal ?? null),
  };
}

/** The program's data among some events, joined. */
export const dataOf = (events: LaunchEvent[]): string => events.map((e) => (e.kind === 'data' ? e.data : '')).join('');
