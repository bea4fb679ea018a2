import type { Verdict } from '../judge.js';
import type { RunStatus } from '../run.js';

/** Judge0's 14 statuses (GET /statuses), and how our run statuses and verdicts map onto them. */
export const STATUSES = [
  { id: 1, description: 'In Queue' },
  { id: 2, description: 'Processing' },
  { id: 3, description: 'Accepted' },
  { id: 4, description: 'Wrong Answer' },
  { id: 5, description: 'Time Limit Exceeded' },
  { id: 6, description: 'Compilation Error' },
  { id: 7, description: 'Runtime Error (SIGSEGV)' },
  { id: 8, description: 'Runtime Error (SIGXFSZ)' },
  { id: 9, description: 'Runtime Error (SIGFPE)' },
  { id: 10, description: 'Runtime Error (SIGABRT)' },
  { id: 11, description: 'Runtime Error (NZEC)' },
  { id: 12, description: 'Runtime Error (Other)' },
  { id: 13, description: 'Internal Error' },
  { id: 14, description: 'Exec Format Error' },
] as const;

export type Judge0Status = (typeof STATUSES)[number];

export const status = (id: number): Judge0Status => STATUSES.find((s) => s.id === id) ?? STATUSES[12];

/** Judge0 names a runtime error by its signal, as isolate reports it; a plain non-zero exit is NZEC. */
const BY_SIGNAL: Readonly<Record<string, number>> = { SIGSEGV: 7, SIGXFSZ: 8, SIGFPE: 9, SIGABRT: 10 };

/** Our verdicts' statuses (a runtime error's depends on its signal, below). */
const BY_VERDICT: Readonly<Record<Verdict, number>> = {
  Accepted: 3,
  WrongAnswer: 4,
  TimeLimitExceeded: 5,
  CompilationError: 6,
  RuntimeError: 11,
  MemoryLimitExceeded: 12,
  OutputLimitExceeded: 8,
  InternalError: 13,
};

/**
 * A verdict as Judge0 would report it. Judge0 has no memory verdict (isolate's kill is "Other") and no
 * output limit (stdout is unbounded there; a file over max_file_size is SIGXFSZ): we use 12 and 8.
 */
export function statusOfVerdict(verdict: Verdict, signal: string | null): Judge0Status {
  if (verdict === 'RuntimeError' && signal) return status(BY_SIGNAL[signal] ?? 12);
  return status(BY_VERDICT[verdict]);
}

/**
 * A run that has no verdict: open (queued, or admitted and processing), or ended without the launcher's
 * result (the Job's deadline, the pod's OOM kill, a cancel, a lost result: Internal Error).
 */
const BY_RUN: Readonly<Record<RunStatus, number>> = {
  Queued: 1,
  Pending: 2,
  Running: 2,
  Timeout: 5,
  OOMKilled: 12,
  Succeeded: 13,
  Failed: 13,
  Cancelled: 13,
};

export const statusOfRun = (s: RunStatus): Judge0Status => status(BY_RUN[s]);
