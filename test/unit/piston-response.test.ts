import { pistonResult, pistonStatus } from '../../src/api/piston/response.js';
import type { RunView, SingleRunView } from '../../src/domain/run-view.js';

const base: RunView = {
  run_id: 'r1',
  status: 'Succeeded',
  language: 'c',
  job_name: 'run-r1',
  pod_name: null,
  node_name: null,
  reason: null,
  exit_code: 0,
  created_at: null,
  started_at: null,
  finished_at: null,
  timeout_seconds: 3,
  logs_truncated: false,
  cancel_requested: false,
  status_history: [],
  temporal_ui_url: 'http://ui/r1',
};
const streams = { stdout_truncated: false, stderr_truncated: false };
const compiled = {
  status: 'Success',
  stdout: '',
  stderr: 'warning: x\n',
  ...streams,
  exit_code: 0,
  signal: null,
  time_ms: 420,
  cpu_time_ms: 380,
  memory_kb: 20000,
};
const rt = { language: 'c', version: '14.2.0' };
const run = (extra: Partial<RunView & SingleRunView>): RunView & SingleRunView => ({
  ...base,
  verdict: 'Accepted',
  message: null,
  compile: compiled,
  tests: [],
  stdout: 'hi\n',
  stderr: '',
  ...streams,
  signal: null,
  cpu_time_ms: 3,
  wall_time_ms: 5,
  memory_kb: 1000,
  ...extra,
});

describe('our finished run -> Piston execute answer', () => {
  it.each([
    ['Success', null, null],
    ['Accepted', null, null],
    ['RuntimeError', null, 'RE'],
    ['RuntimeError', 'SIGSEGV', 'SG'],
    ['CompilationError', null, 'RE'],
    ['TimeLimitExceeded', 'SIGKILL', 'TO'],
    ['OutputLimitExceeded', null, 'OL'],
    ['MemoryLimitExceeded', 'SIGKILL', 'SG'],
    ['InternalError', null, 'XX'],
  ] as const)('%s (signal %s) is status %s', (verdict, signal, status) => {
    expect(pistonStatus(verdict, signal)).toBe(status);
  });

  it('gives the run and compile stages with times in ms and memory in bytes', () => {
    const r = pistonResult(run({}), 'hi\n', rt);
    expect(r).toEqual({
      language: 'c',
      version: '14.2.0',
      run: {
        stdout: 'hi\n',
        stderr: '',
        output: 'hi\n',
        code: 0,
        signal: null,
        message: null,
        status: null,
        cpu_time: 3,
        wall_time: 5,
        memory: 1000 * 1024,
      },
      compile: {
        stdout: '',
        stderr: 'warning: x\n',
        output: 'warning: x\n',
        code: 0,
        signal: null,
        message: null,
        status: null,
        cpu_time: 380,
        wall_time: 420,
        memory: 20000 * 1024,
      },
    });
  });

  it('has no compile stage for an interpreted language', () => {
    expect(pistonResult(run({ compile: null }), 'hi\n', rt)).not.toHaveProperty('compile');
  });

  it("reports a runtime error's code and our message without the launcher's test number", () => {
    const r = pistonResult(
      run({ verdict: 'RuntimeError', exit_code: 3, message: 'test 1: exit code 3', status: 'Failed' }),
      '',
      rt,
    );
    expect(r?.run).toMatchObject({ code: 3, signal: null, status: 'RE', message: 'exit code 3' });
  });

  it('reports a stopped run (time, output) as killed by SIGKILL, as Piston does', () => {
    const to = pistonResult(run({ verdict: 'TimeLimitExceeded', exit_code: null, signal: null }), '', rt);
    expect(to?.run).toMatchObject({ status: 'TO', signal: 'SIGKILL', code: null });
    const ol = pistonResult(run({ verdict: 'OutputLimitExceeded', exit_code: null }), '', rt);
    expect(ol?.run).toMatchObject({ status: 'OL', signal: 'SIGKILL' });
    const sg = pistonResult(run({ verdict: 'RuntimeError', exit_code: null, signal: 'SIGSEGV' }), '', rt);
    expect(sg?.run).toMatchObject({ status: 'SG', signal: 'SIGSEGV', code: null });
  });

  it('answers a failed compile with the compile stage, and the same as run (Piston has no real run)', () => {
    const r = pistonResult(
      run({
        verdict: 'CompilationError',
        message: 'compilation failed: exit code 1',
        compile: { ...compiled, status: 'CompilationError', stderr: 'main.c:1: error\n', exit_code: 1 },
        stdout: undefined,
        stderr: undefined,
        cpu_time_ms: undefined,
      }),
      'ignored',
      rt,
    );
    expect(r?.compile).toMatchObject({
      status: 'RE',
      code: 1,
      stderr: 'main.c:1: error\n',
      output: 'main.c:1: error\n',
      message: 'compilation failed: exit code 1',
    });
    expect(r?.run).toEqual(r?.compile);
  });

  it('has no answer when the launcher gave no result (cancelled, or the pod failed first)', () => {
    expect(pistonResult({ ...base, status: 'Cancelled' }, '', rt)).toBeNull();
    expect(pistonResult(run({ verdict: null }), '', rt)).toBeNull();
  });
});
