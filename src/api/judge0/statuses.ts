import type { Verdict } from '../../domain/judge.js';
import type { RunStatus } from '../../domain/run.js';

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

/**
 * A verdict as Judge0 would report it. Judge0 has no memory verdict (isolate's kill is "Other") and no
 * output limit (stdout is unbounded there; a file over max_file_size is SIGXFSZ): we use 12 and 8.
 */
export function statusOfVerdict(verdict: Verdict, signal: string | null): Judge0Status {
  switch (verdict) {
    case 'Accepted':
      return status(3);
    case 'WrongAnswer':
      return status(4);
    case 'TimeLimitExceeded':
      return status(5);
    case 'CompilationError':
      return status(6);
    case 'RuntimeError':
      return status(signal ? (BY_SIGNAL[signal] ?? 12) : 11);
    case 'MemoryLimitExceeded':
      return status(12);
    case 'OutputLimitExceeded':
      return status(8);
    case 'InternalError':
      return status(13);
  }
}

/** A run that has no verdict: open (queued or processing) or ended without the launcher's result. */
export function statusOfRun(s: RunStatus): Judge0Status {
  switch (s) {
    case 'Queued':
      return status(1);
    case 'Pending':
    case 'Running':
      return status(2);
    case 'Timeout':
      return status(5);
    case 'OOMKilled':
      return status(12);
    case 'Succeeded':
    case 'Failed':
    case 'Cancelled':
      return status(13);
  }
}
