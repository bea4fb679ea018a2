import type { JudgeResult, TestResult, Verdict } from './judge.js';
import type { RunLogs, RunStatus } from './run.js';

/** Pure: a run's final status from what the pod did and what the launcher judged. */

const STATUS_OF: Record<Verdict, RunStatus> = {
  Accepted: 'Succeeded',
  WrongAnswer: 'Failed',
  CompilationError: 'Failed',
  TimeLimitExceeded: 'Timeout',
  MemoryLimitExceeded: 'OOMKilled',
  OutputLimitExceeded: 'Failed',
  RuntimeError: 'Failed',
  InternalError: 'Failed',
};

export interface Judged {
  status: RunStatus;
  reason: string;
  exitCode?: number | null;
}

/**
 * A pod that did not end on its own (deadline, OOM kill of the launcher, cancel) keeps the pod's verdict.
 * A pod that did: the launcher's verdict, or Failed when its result was lost.
 */
export function judgedStatus(pod: { status: RunStatus; reason: string }, logs: RunLogs | undefined): Judged {
  if (pod.status !== 'Succeeded') return pod;
  const r = logs?.result;
  if (!r) return logs?.unavailable ? { status: 'Failed', reason: `result unavailable: ${logs.unavailable}` } : pod;
  const decisive = decisiveTest(r);
  // A run without tests is "test 1" to the launcher; its reason needs no test number.
  const message = r.tests.length === 1 ? r.message?.replace(/^test 1: /, '') : r.message;
  const reason = r.verdict === 'Accepted' ? pod.reason : message || r.verdict;
  return { status: STATUS_OF[r.verdict], reason, exitCode: decisive?.exit_code ?? null };
}

/** The test that decided the verdict: the first one not accepted, else the last. */
export function decisiveTest(r: JudgeResult): TestResult | undefined {
  return r.tests.find((t) => t.verdict !== 'Accepted') ?? r.tests[r.tests.length - 1];
}

/** The run's combined output, as the logs endpoint has always given it. */
export function combinedOutput(r: JudgeResult): { text: string; truncated: boolean } {
  const compileFailed = r.compile && r.compile.status !== 'Success';
  if (compileFailed && r.compile)
    return {
      text: r.compile.stdout + r.compile.stderr,
      truncated: r.compile.stdout_truncated || r.compile.stderr_truncated,
    };
  if (r.tests.length === 1 && r.tests[0]) return { text: r.tests[0].output, truncated: r.tests[0].output_truncated };
  return {
    text: r.tests.map((t, i) => `--- test ${i + 1}: ${t.verdict} ---\n${t.output}`).join('\n'),
    truncated: r.tests.some((t) => t.output_truncated),
  };
}
