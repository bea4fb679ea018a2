/**
 * Pure: Piston's interactive protocol (/api/v2/connect, docs/api-v2.md) — what a client's message asks,
 * and what an interactive launcher's stdout says (its program's output, its stage, exit and end lines).
 */

/** Piston's close codes. */
export const CLOSE = {
  alreadyInitialized: [4000, 'Already Initialized'],
  initTimeout: [4001, 'Initialization Timeout'],
  notifiedError: [4002, 'Notified Error'],
  notInitialized: [4003, 'Not yet Initialized'],
  onlyStdin: [4004, 'Can only write to stdin'],
  invalidSignal: [4005, 'Invalid Signal'],
  done: [4999, 'Job Completed'],
} as const satisfies Record<string, readonly [number, string]>;
export type Close = (typeof CLOSE)[keyof typeof CLOSE];

/** Piston's signal names (api/src/globals.js): 1-31, then the real-time ones up to 64. */
const CLASSIC = [
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP',
  'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH',
  'SIGIO', 'SIGPWR', 'SIGSYS',
]; // prettier-ignore
const realtime = (n: number): string =>
  n === 34 ? 'SIGRTMIN' : n <= 49 ? `SIGRTMIN+${n - 34}` : n === 64 ? 'SIGRTMAX' : `SIGRTMAX-${64 - n}`;
export const SIGNALS: ReadonlyMap<string, number> = new Map([
  ...CLASSIC.map((name, i): [string, number] => [name, i + 1]),
  ...Array.from({ length: 31 }, (_, i): [string, number] => [realtime(i + 34), i + 34]),
]);

/** What one client message asks for, given whether the session has started. */
export type ClientAction =
  | { kind: 'init'; body: Record<string, unknown> }
  | { kind: 'stdin'; data: string }
  | { kind: 'signal'; signal: number }
  | { kind: 'close'; close: Close }
  | { kind: 'error'; message: string }
  | { kind: 'ignore' };

export function clientAction(raw: string, initialized: boolean): ClientAction {
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : 'invalid JSON' };
  }
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return { kind: 'ignore' };
  const m = msg as Record<string, unknown>;
  switch (m.type) {
    case 'init':
      return initialized ? { kind: 'close', close: CLOSE.alreadyInitialized } : { kind: 'init', body: m };
    case 'data':
      if (!initialized) return { kind: 'close', close: CLOSE.notInitialized };
      if (m.stream !== 'stdin') return { kind: 'close', close: CLOSE.onlyStdin };
      return { kind: 'stdin', data: typeof m.data === 'string' ? m.data : String(m.data ?? '') };
    case 'signal': {
      if (!initialized) return { kind: 'close', close: CLOSE.notInitialized };
      const n = typeof m.signal === 'string' ? SIGNALS.get(m.signal) : undefined;
      return n === undefined ? { kind: 'close', close: CLOSE.invalidSignal } : { kind: 'signal', signal: n };
    }
    default:
      return { kind: 'ignore' }; // as Piston: an unknown type is no error
  }
}

/** What the launcher's stdout carried. */
export type LaunchEvent =
  | { kind: 'data'; data: string }
  | { kind: 'stage'; stage: string }
  | { kind: 'exit'; stage: string; code: number | null; signal: string | null }
  | { kind: 'end' };

const STAGE = '\x1ecode-runner:stage ';
const EXIT = '\x1ecode-runner:exit ';
const END = '\x1ecode-runner:end ';
/** Bound on a launcher line; a longer "line" is not the launcher's and is passed on as data. */
const MAX_MARK_LINE = 160;

/**
 * Splits an interactive launcher's stdout (decoded text, in chunks as they come) into the program's data,
 * the launcher's stage and exit lines, and its end line, after which comes its result frame, which is not
 * the client's. Data is passed on at once (a prompt is not held back); only a launcher line still
 * unfinished at a chunk's end waits for the next. A program cannot forge a line: the launcher escapes the
 * program's 0x1e bytes.
 */
export class LaunchStdout {
  private held = '';
  private ended = false;

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
