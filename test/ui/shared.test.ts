import { spawnSync } from 'node:child_process';
import type { z } from 'zod';
import type { RunView } from '../../src/api/runs-service.js';
import type { fromJudge } from '../../src/api/run-view.js';
import type { CreateRunBody, createRunBody } from '../../src/api/schemas.js';
import type { SystemService } from '../../src/api/system-service.js';
import { COMPARE_MODES as SERVER_COMPARE_MODES, VERDICTS as SERVER_VERDICTS } from '../../src/domain/judge.js';
import { RUN_STATUSES as SERVER_STATUSES } from '../../src/domain/run.js';
import { curlCommand, shellQuote } from '../../src/ui/shared/curl.js';
import { describeApiError, fieldName } from '../../src/ui/shared/errors.js';
import { batchTimeout, canGenerateLoad, runLimited, sleepProgram } from '../../src/ui/shared/load.js';
import { formatDuration, timeAgo } from '../../src/ui/shared/format.js';
import { STATUS_INFO, explainReason, isFinal, timeline } from '../../src/ui/shared/status.js';
import {
  COMPARE_MODES,
  RUN_STATUSES,
  VERDICTS,
  type Run,
  type SubmitBody,
  type SystemStatus,
} from '../../src/ui/shared/types.js';

// Compile-time: the browser's types accept what the server sends (tsc fails the build if they drift; a
// run is the server's own type).
const _runFromServer = (v: RunView): Run => v;
const _statusFromServer = (s: Awaited<ReturnType<SystemService['status']>>): SystemStatus => s;
const _judgedFromServer = (v: RunView & ReturnType<typeof fromJudge>): Run => v;
const _bodyToServer = (b: CreateRunBody): SubmitBody => b;
const _bodyFromBrowser = (b: SubmitBody): z.input<ReturnType<typeof createRunBody>> => b;
void _runFromServer;
void _statusFromServer;
void _judgedFromServer;
void _bodyToServer;
void _bodyFromBrowser;

const run = (over: Partial<Run>): Run => ({
  run_id: 'r1',
  status: 'Queued',
  language: 'python',
  job_name: 'run-r1',
  pod_name: null,
  node_name: null,
  reason: null,
  exit_code: null,
  created_at: null,
  started_at: null,
  finished_at: null,
  timeout_seconds: 10,
  logs_truncated: null,
  cancel_requested: false,
  status_history: [],
  temporal_ui_url: 'http://localhost:8233/namespaces/default/workflows/r1',
  ...over,
});

describe('ui: statuses', () => {
  it('knows every status the server has, each with a label, a tone and a sentence', () => {
    expect([...RUN_STATUSES]).toEqual([...SERVER_STATUSES]);
    for (const s of RUN_STATUSES) {
      expect(STATUS_INFO[s].label).toBeTruthy();
      expect(STATUS_INFO[s].meaning).toMatch(/\.$/);
    }
    expect(RUN_STATUSES.filter(isFinal)).toEqual(['Succeeded', 'Failed', 'Timeout', 'OOMKilled', 'Cancelled']);
    // The judge's verdicts and compare modes are the server's own lists too.
    expect([...VERDICTS]).toEqual([...SERVER_VERDICTS]);
    expect([...COMPARE_MODES]).toEqual([...SERVER_COMPARE_MODES]);
  });

  it('timeline: the current step of an active run, the steps reached by a finished one', () => {
    const states = (r: Run) => timeline(r).map((s) => `${s.label}:${s.state}`);
    expect(states(run({ status: 'Queued' }))).toEqual([
      'Queued:current',
      'Pending:upcoming',
      'Running:upcoming',
      'Finished:upcoming',
    ]);
    expect(states(run({ status: 'Running', pod_name: 'p', started_at: 'x' }))).toEqual([
      'Queued:done',
      'Pending:done',
      'Running:current',
      'Finished:upcoming',
    ]);
    expect(states(run({ status: 'Succeeded', pod_name: 'p', started_at: 'x' }))).toEqual([
      'Queued:done',
      'Pending:done',
      'Running:done',
      'Succeeded:current',
    ]);
    // Cancelled while still queued: it never got a pod.
    expect(states(run({ status: 'Cancelled' }))).toEqual([
      'Queued:done',
      'Pending:skipped',
      'Running:skipped',
      'Cancelled:current',
    ]);
    // Image missing: a pod, but the program never started.
    expect(states(run({ status: 'Failed', pod_name: 'p' }))[2]).toBe('Running:skipped');
  });

  it.each<[Partial<Run>, RegExp]>([
    [{ status: 'OOMKilled', reason: 'memory limit exceeded (OOMKilled)' }, /more memory than its limit.*kernel/],
    [{ status: 'Timeout', reason: 'time limit of 2s exceeded' }, /2-second time limit/],
    [{ status: 'Timeout', reason: 'Job deadline exceeded (70s including start-up)' }, /time limit/],
    [{ status: 'Failed', reason: 'exit code 3', exit_code: 3 }, /exit code 3.*reported an error/],
    [{ status: 'Failed', reason: 'exit code 139 (killed by SIGSEGV)', exit_code: 139 }, /segmentation fault/],
    [
      { status: 'Failed', reason: 'image localhost/x:1 is not available on node n1 (ErrImageNeverPull)' },
      /image for this language is missing/,
    ],
    [
      { status: 'Failed', reason: 'did not start within 60s: waiting for a node: 0/1 nodes' },
      /did not start within 60/,
    ],
    [{ status: 'Cancelled', reason: 'cancelled by request' }, /cancelled the run/],
    [{ status: 'Cancelled', reason: 'workflow cancelled' }, /cancelled in Temporal/],
    [{ status: 'Failed', reason: 'the run’s Job disappeared (deleted outside Code Runner)' }, /deleted by something/],
    [{ status: 'Failed', reason: 'workflow terminated' }, /stopped in Temporal/],
    [{ status: 'Succeeded', reason: 'exit code 0', exit_code: 0 }, /finished normally/],
    [{ status: 'Pending', reason: 'ContainerCreating' }, /starting the sandbox/],
    [{ status: 'Running', reason: null }, /is running/],
  ])('explains %j in plain words', (over, expected) => {
    expect(explainReason(run(over))).toMatch(expected);
  });
});

describe('ui: curl command', () => {
  /** Runs the command with a shell function standing in for curl; returns the arguments curl got. */
  const argsOf = (cmd: string): string[] => {
    const r = spawnSync('bash', ['-c', `curl() { printf '%s\\0' "$@"; }\n${cmd}`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    return r.stdout.split('\0').slice(0, -1);
  };

  it('reproduces the exact submission through a real shell, whatever the code contains', () => {
    const code = `print('it\\'s "quoted"', r"\\n", $HOME, \`x\`)\n# ünïcödé ✓\nexit(0)`;
    const body = { language: 'python', code, timeout_seconds: 7, stdin: "a'b\n" };
    const args = argsOf(curlCommand('http://127.0.0.1:8080/', body));
    expect(args.slice(0, 3)).toEqual(['-sS', '-X', 'POST']);
    expect(args[3]).toBe('http://127.0.0.1:8080/runs');
    expect(args).toContain('Content-Type: application/json');
    const data = args[args.indexOf('--data-binary') + 1]!;
    expect(JSON.parse(data)).toEqual(body);
  });

  it('sends the API key from the environment when the browser has one, never the key itself', () => {
    const cmd = curlCommand('http://h', { language: 'python', code: 'print(1)' }, true);
    expect(cmd).not.toMatch(/crk_/);
    const r = spawnSync('bash', ['-c', `curl() { printf '%s\\0' "$@"; }\n${cmd}`], {
      encoding: 'utf8',
      env: { ...process.env, CODE_RUNNER_API_KEY: 'crk_abc' },
    });
    expect(r.stdout.split('\0')).toContain('Authorization: Bearer crk_abc');
    expect(curlCommand('http://h', { language: 'python', code: 'print(1)' })).not.toMatch(/Authorization/);
  });

  it('leaves out what was not given', () => {
    const args = argsOf(curlCommand('http://h', { language: 'javascript', code: 'console.log(1)', stdin: '' }));
    expect(JSON.parse(args[args.indexOf('--data-binary') + 1]!)).toEqual({
      language: 'javascript',
      code: 'console.log(1)',
    });
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('carries files, arguments, tests, compare and limits when given, and only then', () => {
    const body: SubmitBody = {
      language: 'python',
      code: 'print(int(input())*2)',
      files: [{ name: 'data/in.txt', content: "it's\n", encoding: 'utf8' }],
      args: ['--x', 'two words'],
      tests: [
        { stdin: '2\n', expected_output: '4\n' },
        { stdin: '3', expected_output: null },
      ],
      compare: { mode: 'float', abs_tol: 0.001 },
      limits: { memory_mb: 128 },
    };
    const args = argsOf(curlCommand('http://h', body));
    expect(JSON.parse(args[args.indexOf('--data-binary') + 1]!)).toEqual(body);
    const plain = argsOf(
      curlCommand('http://h', { ...body, files: [], args: [], tests: [], compare: { mode: 'exact' }, limits: {} }),
    );
    expect(Object.keys(JSON.parse(plain[plain.indexOf('--data-binary') + 1]!))).toEqual(['language', 'code']);
  });
});

describe('ui: API errors in words', () => {
  it('keeps the API message and lists field problems by readable names', () => {
    const m = describeApiError(413, 'payload_too_large', 'the submission exceeds a size limit', [
      { field: 'body.code', message: 'code is 70000 bytes; the limit is 65536' },
    ]);
    expect(m.title).toBe('The submission is too large');
    expect(m.message).toBe('The submission exceeds a size limit.');
    expect(m.problems).toHaveLength(1);
    expect(fieldName(m.problems[0]!.field)).toBe('Code');
  });

  it('names the fields of files, tests and limits the way the form shows them', () => {
    expect(fieldName('body.tests.1.expected_output')).toBe('Test 2 expected output');
    expect(fieldName('body.tests.0.stdin')).toBe('Test 1 input');
    expect(fieldName('body.files.2.name')).toBe('File 3 name');
    expect(fieldName('body.files.0')).toBe('File 1');
    expect(fieldName('body.args.4')).toBe('Argument 5');
    expect(fieldName('body.limits.memory_mb')).toBe('Memory limit');
    expect(fieldName('body.compare.abs_tol')).toBe('Absolute tolerance');
    expect(describeApiError(503, 'language_unavailable', 'x').title).toBe('This language is not ready yet');
  });

  it('explains unavailable services and network failures without jargon', () => {
    expect(describeApiError(503, 'temporal_unavailable', 'x').message).toMatch(/not answering.*nothing was accepted/);
    expect(describeApiError(0, 'network_error', 'network error').title).toBe('Cannot reach Code Runner');
    expect(describeApiError(500, 'internal_error', 'internal error').message).toMatch(/unexpected error/);
    // Details that are not field problems (e.g. {run_id}) are not listed as such.
    expect(describeApiError(409, 'run_finished', 'run x already finished', { run_id: 'x' }).problems).toEqual([]);
  });
});

describe('ui: load generator and formatting', () => {
  it('makes sleeping programs and bounded timeouts', () => {
    expect(canGenerateLoad('python')).toBe(true);
    expect(canGenerateLoad('cobol')).toBe(false);
    expect(sleepProgram('python', 3)).toContain('time.sleep(3)');
    expect(sleepProgram('javascript', 2)).toContain('2000');
    expect(batchTimeout(5, 300)).toBe(35);
    expect(batchTimeout(290, 300)).toBe(300);
  });

  it('runs tasks with bounded parallelism and reports each', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    const results = await runLimited(
      10,
      3,
      async (i) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        if (i === 4) throw new Error('refused');
        return i * 2;
      },
      (done) => seen.push(done),
    );
    expect(peak).toBe(3);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(results[9]).toEqual({ status: 'fulfilled', value: 18 });
  });

  it('formats durations and ages', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12.4 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    const now = Date.parse('2026-01-01T00:10:00Z');
    expect(timeAgo('2026-01-01T00:09:30Z', now)).toBe('30 s ago');
    expect(timeAgo(null, now)).toBe('—');
  });
});
