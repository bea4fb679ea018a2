import { createHash } from 'node:crypto';
import { extractResult, lastStage, liveOutput, parseSummary, ResultLost } from '../../src/domain/judge-frame.js';
import { END_LINE } from '../../src/domain/launch-stdout.js';
import { combinedOutput, judgedStatus } from '../../src/domain/judge-status.js';
import type { JudgeResult, TestResult } from '../../src/domain/judge.js';
import { launcherSeconds, sandboxMemoryMb } from '../../src/domain/launcher-spec.js';
import type { RunInput } from '../../src/domain/run.js';

const test = (over: Partial<TestResult> = {}): TestResult => ({
  verdict: 'Accepted',
  stdout: 'out\n',
  stderr: '',
  output: 'out\n',
  stdout_truncated: false,
  stderr_truncated: false,
  output_truncated: false,
  exit_code: 0,
  signal: null,
  cpu_time_ms: 3,
  wall_time_ms: 4,
  memory_kb: 5000,
  ...over,
});
const result = (over: Partial<JudgeResult> = {}): JudgeResult => ({
  verdict: 'Accepted',
  compile: null,
  tests: [test()],
  cgroup: null,
  truncated: false,
  ...over,
});

/** The launcher's frame (launcher/internal/result/frame.go): base64 in 76 columns between nonce lines. */
function frame(json: string, nonce: string): string {
  const b64 = Buffer.from(json)
    .toString('base64')
    .replace(/(.{76})/g, '$1\n')
    .replace(/\n$/, '');
  return `\n--- code-runner-result ${nonce} ---\n${b64}\n--- end ${nonce} ---\n`;
}
const summaryOf = (json: string) => ({
  verdict: 'Accepted' as const,
  bytes: Buffer.byteLength(json),
  sha256: createHash('sha256').update(json).digest('hex'),
});

describe("the launcher's result in the pod log", () => {
  const json = JSON.stringify(result({ tests: [test({ stdout: 'x'.repeat(500) })] }));

  it('is the last frame with the run nonce, checked against the termination summary', () => {
    const forged = frame(JSON.stringify(result({ verdict: 'WrongAnswer' })), 'other-nonce-123');
    const log = `user output\n${forged}launcher: note\n${frame(json, 'run-nonce-1234')}`;
    expect(extractResult(log, 'run-nonce-1234', summaryOf(json))).toEqual(JSON.parse(json));
  });

  it('is lost when the log was cut, or does not match the summary', () => {
    const whole = frame(json, 'run-nonce-1234');
    expect(() => extractResult(whole.slice(0, -20), 'run-nonce-1234', null)).toThrow(ResultLost);
    expect(() => extractResult('no frame at all', 'run-nonce-1234', null)).toThrow(ResultLost);
    const other = summaryOf(JSON.stringify(result({ verdict: 'WrongAnswer' })));
    expect(() => extractResult(whole, 'run-nonce-1234', other)).toThrow(/does not match/);
  });

  it('reads a termination message only if it is a launcher summary', () => {
    expect(parseSummary('{"verdict":"Accepted","bytes":3,"sha256":"ab"}')).toEqual({
      verdict: 'Accepted',
      bytes: 3,
      sha256: 'ab',
    });
    expect(parseSummary('Error: something')).toBeNull();
    expect(parseSummary(undefined)).toBeNull();
  });

  it('gives a result with no tests (a compile error) an empty list', () => {
    const ce = JSON.stringify({ ...result({ verdict: 'CompilationError' }), tests: null });
    expect(extractResult(frame(ce, 'run-nonce-1234'), 'run-nonce-1234', null).tests).toEqual([]);
  });
});

describe("the launcher's stage lines in the live copy", () => {
  const mark = (stage: string) => `\x1ecode-runner:stage ${stage}\n`;
  const log = `${mark('compile')}warning\n${mark('test 1/3')}1\npartial${mark('test 2/3')}2\n`;

  it('name the last step begun, and none in a piece of log without one', () => {
    expect(lastStage(log)).toBe('test 2/3');
    expect(lastStage('plain output\n')).toBeUndefined();
    // A program's own separators are escaped by the launcher (U+241E), so they never read as a stage.
    expect(lastStage('\u241ecode-runner:stage test 9/9\n')).toBeUndefined();
  });

  it('are left out of the live output clients read, which ends at the end line', () => {
    const framed = frame(JSON.stringify(result()), 'run-nonce-1234');
    expect(liveOutput(`${log}${END_LINE}${framed}`)).toBe('warning\n1\npartial2\n');
    // A program printing a frame's first line does not end its live output; only the launcher's line does.
    expect(liveOutput(`a\n--- code-runner-result x ---\nb${END_LINE}${framed}`)).toBe(
      'a\n--- code-runner-result x ---\nb',
    );
  });
});

describe('the status a verdict gives', () => {
  const pod = { status: 'Succeeded' as const, reason: 'exit code 0' };
  const logs = (r: JudgeResult) => ({ logs: '', truncated: false, bytes: 1, result: r });

  it('maps every verdict; a single run needs no test number in its reason', () => {
    expect(judgedStatus(pod, logs(result()))).toEqual({ status: 'Succeeded', reason: 'exit code 0', exitCode: 0 });
    const tle = result({ verdict: 'TimeLimitExceeded', message: 'test 1: wall time limit of 2000 ms exceeded' });
    tle.tests = [test({ verdict: 'TimeLimitExceeded', exit_code: null, signal: 'SIGKILL' })];
    expect(judgedStatus(pod, logs(tle))).toEqual({
      status: 'Timeout',
      reason: 'wall time limit of 2000 ms exceeded',
      exitCode: null,
    });
    const mle = result({ verdict: 'MemoryLimitExceeded', tests: [test({ verdict: 'MemoryLimitExceeded' })] });
    expect(judgedStatus(pod, logs(mle)).status).toBe('OOMKilled');
    const wa = result({
      verdict: 'WrongAnswer',
      message: 'test 2: line 1',
      tests: [test(), test({ verdict: 'WrongAnswer', exit_code: 0 })],
    });
    expect(judgedStatus(pod, logs(wa))).toEqual({ status: 'Failed', reason: 'test 2: line 1', exitCode: 0 });
  });

  it('keeps the pod verdict when the pod did not end on its own, and fails a run whose result was lost', () => {
    expect(judgedStatus({ status: 'Timeout', reason: 'deadline' }, logs(result()))).toEqual({
      status: 'Timeout',
      reason: 'deadline',
    });
    expect(judgedStatus(pod, { logs: '', truncated: false, bytes: 0, unavailable: 'cut' })).toEqual({
      status: 'Failed',
      reason: 'result unavailable: cut',
    });
  });

  it('combines output as the logs endpoint always gave it', () => {
    expect(combinedOutput(result()).text).toBe('out\n');
    const ce = result({
      verdict: 'CompilationError',
      tests: [],
      compile: {
        status: 'CompilationError',
        stdout: '',
        stderr: 'error: x',
        stdout_truncated: false,
        stderr_truncated: false,
        exit_code: 1,
        signal: null,
        time_ms: 1,
        cpu_time_ms: 1,
        memory_kb: 1,
      },
    });
    expect(combinedOutput(ce).text).toBe('error: x');
    expect(combinedOutput(result({ tests: [test(), test({ verdict: 'WrongAnswer', output: 'no\n' })] })).text).toBe(
      '--- test 1: Accepted ---\nout\n\n--- test 2: WrongAnswer ---\nno\n',
    );
  });
});

describe('the sandbox budget', () => {
  const input = {
    runId: 'r',
    language: 'cpp',
    code: '',
    stdin: '',
    timeoutSeconds: 2,
    sandbox: { image: 'i', fileName: 'main.cpp', command: ['./main'], compile: ['g++', 'main.cpp'] },
    createdAt: '',
  } satisfies RunInput;

  it('covers compiling and every test at its wall limit', () => {
    expect(launcherSeconds(input)).toBe(20 + 2 + 3);
    expect(
      launcherSeconds({
        ...input,
        tests: [
          { stdin: '', expected_output: null },
          { stdin: '', expected_output: null },
        ],
      }),
    ).toBe(20 + 4 + 3);
    expect(launcherSeconds({ ...input, limits: { wall_time_ms: 500 } })).toBe(Math.ceil(20.5) + 3);
  });

  it('gives the pod the memory of its larger stage', () => {
    expect(sandboxMemoryMb(input)).toBe(1024 + 64);
    expect(sandboxMemoryMb({ ...input, sandbox: { ...input.sandbox, compile: undefined } })).toBe(256 + 64);
  });
});
