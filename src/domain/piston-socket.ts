/**
 * Pure: Piston's interactive protocol (/api/v2/connect, docs/api-v2.md) — what a client's message asks.
 * What the launcher's stdout says is read by launch-stdout.ts.
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
