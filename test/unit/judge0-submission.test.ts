import { loadConfig } from '../../src/config/config.js';
import { judge0Language, toRun } from '../../src/api/judge0/to-run.js';
import { judge0Limits, submissionSchema } from '../../src/api/judge0/request.js';
import { DEFAULT_FIELDS, FIELDS, parseFields, present, toSubmission } from '../../src/api/judge0/submission.js';
import { statusOfRun, STATUSES } from '../../src/api/judge0/statuses.js';
import { runInput } from '../../src/api/languages.js';
import { RunViews } from '../../src/api/run-view.js';
import type { CompileResult, JudgeResult, TestResult } from '../../src/domain/judge.js';
import type { RunInput, RunStatus } from '../../src/domain/run.js';
import type { RunView } from '../../src/domain/run-view.js';

const cfg = loadConfig({});
const names = (id: number) => `lang ${id}`;

/** The run input a Judge0 request becomes (through the same steps as the service). */
function inputOf(body: Record<string, unknown>): RunInput {
  const parsed = submissionSchema(cfg).parse(body);
  const lang = judge0Language(body.language_id, cfg.languages);
  if (!lang || 'error' in lang) throw new Error('language');
  const { body: b, settings } = toRun(parsed, lang, judge0Limits(cfg));
  return runInput(
    lang.spec,
    { runId: 'r1', ...b, timeoutSeconds: b.timeout_seconds, client: 'judge0', clientSettings: settings },
    '2026-12-06T10:00:00.000Z',
  );
}
const views = new RunViews(() => 'http://ui');
/** A run's view as the service builds it, at a status. */
const view = (status: RunStatus, over: Partial<RunView> = {}): RunView => ({
  ...views.queued({ runId: 'r1', language: 'python', createdAt: '2026-12-06T10:00:00.000Z', timeoutSeconds: 10 }),
  status,
  finished_at: '2026-12-06T10:00:02.000Z',
  ...over,
});
const test = (over: Partial<TestResult> = {}): TestResult => ({
  verdict: 'Accepted',
  stdout: 'out\n',
  stderr: 'err\n',
  output: 'out\nerr\n',
  stdout_truncated: false,
  stderr_truncated: false,
  output_truncated: false,
  exit_code: 0,
  signal: null,
  cpu_time_ms: 10,
  wall_time_ms: 20,
  memory_kb: 3000,
  ...over,
});
const result = (tests: TestResult[], compile: CompileResult | null = null): JudgeResult => ({
  verdict: tests.find((t) => t.verdict !== 'Accepted')?.verdict ?? 'Accepted',
  compile,
  tests,
  cgroup: null,
  truncated: false,
});
const py = { source_code: 'print(1)', language_id: 71 };

describe('our run → Judge0 submission', () => {
  it('a finished run: streams, time and wall_time as decimal strings, memory in KB, Judge0 status', () => {
    const s = toSubmission({ view: view('Succeeded'), input: inputOf(py), result: result([test()]) }, names);
    expect(present(s, DEFAULT_FIELDS, false)).toEqual({
      token: 'r1',
      time: '0.01',
      memory: 3000,
      stdout: 'out\n',
      stderr: 'err\n',
      compile_output: null,
      message: null,
      status: { id: 3, description: 'Accepted' },
    });
    expect(s).toMatchObject({
      source_code: 'print(1)',
      language_id: 71,
      language: { id: 71, name: 'lang 71' },
      wall_time: '0.02',
      exit_code: 0,
      exit_signal: null,
      cpu_time_limit: '5.0',
      wall_time_limit: '10.0',
      created_at: '2026-12-06T10:00:00.000Z',
      finished_at: '2026-12-06T10:00:02.000Z',
    });
    expect(Object.keys(s)).toEqual([...FIELDS]);
  });

  it('open runs: In Queue, then Processing, with no output and no finish time', () => {
    for (const [st, id] of [
      ['Queued', 1],
      ['Pending', 2],
      ['Running', 2],
    ] as const) {
      const s = toSubmission({ view: view(st), input: inputOf(py), result: null }, names);
      expect(s).toMatchObject({ status_id: id, stdout: null, time: null, finished_at: null });
    }
  });

  it('runtime errors by signal as isolate names them; exit code 0 after a signal, as Judge0 reports it', () => {
    const cases: [Partial<TestResult>, number, number | null][] = [
      [{ verdict: 'RuntimeError', signal: 'SIGSEGV', exit_code: null }, 7, 11],
      [{ verdict: 'RuntimeError', signal: 'SIGFPE', exit_code: null }, 9, 8],
      [{ verdict: 'RuntimeError', signal: 'SIGABRT', exit_code: null }, 10, 6],
      [{ verdict: 'RuntimeError', signal: 'SIGKILL', exit_code: null }, 12, 9],
      [{ verdict: 'RuntimeError', exit_code: 3, message: 'exit code 3' }, 11, null],
      [{ verdict: 'OutputLimitExceeded', signal: 'SIGXFSZ', exit_code: null }, 8, 25],
      [{ verdict: 'TimeLimitExceeded', signal: 'SIGKILL', exit_code: null }, 5, 9],
      [{ verdict: 'InternalError' }, 13, null],
    ];
    for (const [t, statusId, sig] of cases) {
      const s = toSubmission({ view: view('Failed'), input: inputOf(py), result: result([test(t)]) }, names);
      expect([s.status_id, s.exit_signal]).toEqual([statusId, sig]);
      expect(s.exit_code).toBe(t.exit_code ?? 0);
    }
  });

  it('memory limit: Runtime Error (Other) with a message saying memory', () => {
    const t = test({
      verdict: 'MemoryLimitExceeded',
      signal: 'SIGKILL',
      exit_code: null,
      message: 'killed by the kernel',
    });
    const s = toSubmission({ view: view('OOMKilled'), input: inputOf(py), result: result([t]) }, names);
    expect(s).toMatchObject({ status_id: 12, message: 'memory limit exceeded: killed by the kernel' });
  });

  it('compile error: compile_output from both streams, nothing else', () => {
    const compile: CompileResult = {
      status: 'CompilationError',
      stdout: '',
      stderr: 'main.c:1: error\n',
      stdout_truncated: false,
      stderr_truncated: false,
      exit_code: 1,
      signal: null,
      time_ms: 50,
      cpu_time_ms: 40,
      memory_kb: 9000,
    };
    const c = inputOf({ source_code: 'int main(', language_id: 50 });
    const s = toSubmission({ view: view('Failed', { language: 'c' }), input: c, result: result([], compile) }, names);
    expect(s).toMatchObject({
      status_id: 6,
      compile_output: 'main.c:1: error\n',
      stdout: null,
      time: null,
      exit_code: null,
    });
  });

  it('number_of_runs: stops at the first run not Accepted, averages time and memory over the runs done', () => {
    const input = inputOf({ ...py, number_of_runs: 4, expected_output: 'out' });
    const tests = [
      test({ cpu_time_ms: 10, memory_kb: 1000 }),
      test({ cpu_time_ms: 21, memory_kb: 2001, verdict: 'WrongAnswer', stdout: 'bad\n' }),
      test({ cpu_time_ms: 99, memory_kb: 9999 }),
      test(),
    ];
    const s = toSubmission({ view: view('Failed'), input, result: result(tests) }, names);
    expect(s).toMatchObject({ status_id: 4, time: '0.0155', memory: 1500, stdout: 'bad\n', number_of_runs: 4 });
    expect(s.expected_output).toBe('out');
  });

  it('redirect_stderr_to_stdout: stdout is the interleaved output, stderr is null', () => {
    const input = inputOf({ ...py, redirect_stderr_to_stdout: true });
    const s = toSubmission({ view: view('Succeeded'), input, result: result([test()]) }, names);
    expect(s).toMatchObject({ stdout: 'out\nerr\n', stderr: null, redirect_stderr_to_stdout: true });
  });

  it('a cancelled run and a run that ended without a result are Internal Errors with the reason', () => {
    const cancelled = toSubmission(
      { view: view('Cancelled', { reason: 'by user' }), input: null, result: null },
      names,
    );
    expect(cancelled).toMatchObject({ status_id: 13, message: 'cancelled: by user', source_code: null });
    const lost = toSubmission({ view: view('Failed', { reason: 'image missing' }), input: null, result: null }, names);
    expect(lost).toMatchObject({ status_id: 13, message: 'image missing', language_id: 71 });
    expect(statusOfRun('Timeout').id).toBe(5);
  });

  it('a run from our own API shows its limits in Judge0 units', () => {
    const own = runInput(
      cfg.languages.find((l) => l.id === 'python')!,
      {
        runId: 'r1',
        code: 'x',
        stdin: '',
        timeoutSeconds: 3,
        args: ['a', 'b'],
      },
    );
    const s = toSubmission({ view: view('Queued'), input: own, result: null }, names);
    expect(s).toMatchObject({
      language_id: 71,
      cpu_time_limit: '3.0',
      wall_time_limit: '3.0',
      command_line_arguments: 'a b',
    });
  });

  it('fields: the default eight, *, a list, and unknown ones', () => {
    expect(parseFields(undefined)).toEqual({ fields: DEFAULT_FIELDS });
    expect(parseFields('*')).toEqual({ fields: FIELDS });
    expect(parseFields('stdout,status_id')).toEqual({ fields: ['stdout', 'status_id'] });
    expect(parseFields('stdout,nope,id')).toEqual({ invalid: ['nope', 'id'] });
    const s = toSubmission({ view: view('Succeeded'), input: inputOf(py), result: result([test()]) }, names);
    expect(present(s, ['stdout', 'source_code', 'message', 'status_id'], true)).toEqual({
      stdout: 'b3V0Cg==\n',
      source_code: 'cHJpbnQoMSk=\n',
      message: null,
      status_id: 3,
    });
    expect(STATUSES).toHaveLength(14);
  });
});
