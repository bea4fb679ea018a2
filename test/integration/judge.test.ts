import { ApiClient } from '../support/api.js';
import { createStack, type Stack } from '../support/stack.js';
import type { RunView, SingleRunView } from '../../src/domain/run-view.js';

type Judged = RunView & SingleRunView & Record<string, unknown>;

/**
 * Judge-grade runs through the whole stack (real API, Temporal, worker, Kubernetes, launcher in the pod):
 * tests and their verdicts, each limit's verdict, streams apart, files and args, hidden expected output.
 */
describe('judge-grade runs', () => {
  let stack: Stack;
  let api: ApiClient;
  beforeAll(async () => {
    stack = await createStack();
    await stack.startWorker();
    api = new ApiClient(stack.app);
  });
  afterAll(async () => {
    await stack.close();
  });

  const run = async (body: object): Promise<Judged> => {
    const runId = await api.start(body);
    return (await api.waitDone(runId, 120000)) as Judged;
  };

  it('judges each test: Accepted and WrongAnswer, with streams and measurements per test', async () => {
    const done = await run({
      language: 'python',
      code: 'import sys\na, b = map(int, input().split())\nprint("debug", a, file=sys.stderr)\nprint(a + b if a < 9 else 0)',
      tests: [
        { stdin: '2 3\n', expected_output: '5\n' },
        { stdin: '10 1\n', expected_output: '11\n' },
        { stdin: '1 1\n', expected_output: '2' },
      ],
      compare: { mode: 'trim_trailing' },
    });
    expect(done.status).toBe('Failed');
    expect(done.verdict).toBe('WrongAnswer');
    expect(done.tests?.map((t) => t.verdict)).toEqual(['Accepted', 'WrongAnswer', 'Accepted']);
    const [first] = done.tests ?? [];
    expect(first).toMatchObject({ stdout: '5\n', stderr: 'debug 2\n', exit_code: 0, signal: null });
    expect(first!.cpu_time_ms).toBeGreaterThan(0);
    expect(first!.memory_kb).toBeGreaterThan(1000);
    expect(done.reason).toMatch(/^test 2: /);
  });

  it('while it runs, the run says which step it is on, and its live log carries no stage lines', async () => {
    const runId = await api.start({
      language: 'python',
      code: 'import time\nprint("t", input(), flush=True)\ntime.sleep(1.5)',
      tests: [{ stdin: '1\n' }, { stdin: '2\n' }, { stdin: '3\n' }, { stdin: '4\n' }],
    });
    const seen: string[] = [];
    let live = '';
    for (let v = await api.get(runId); v.status !== 'Succeeded' && v.status !== 'Failed'; v = await api.get(runId)) {
      if (v.status === 'Running' && v.stage && seen.at(-1) !== v.stage) seen.push(v.stage);
      // Only a live read counts: the run may end between this view and the read (then it is the final output).
      if (v.status === 'Running') {
        const l = await api.logs(runId);
        if (l.live) live = l.logs || live;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    // Polls are paced by the workflow's timer: some steps are seen, in order, never one that did not happen.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => /^test [1-4]\/4$/.test(s))).toBe(true);
    expect([...seen].sort()).toEqual(seen);
    expect(live).toMatch(/^t 1\n/);
    expect(live).not.toContain('\x1e');
    const done = await api.get(runId);
    expect(done.status).toBe('Succeeded');
    expect(done.stage ?? null).toBeNull();
  });

  it('a run without tests has its streams apart and its measurements at the top level', async () => {
    const done = await run({ language: 'python', code: 'import sys\nprint("out")\nprint("err", file=sys.stderr)' });
    expect(done).toMatchObject({
      status: 'Succeeded',
      verdict: 'Accepted',
      stdout: 'out\n',
      stderr: 'err\n',
      tests: [],
    });
    expect(done.exit_code).toBe(0);
    expect(typeof done.cpu_time_ms).toBe('number');
    expect(done.memory_kb as number).toBeGreaterThan(1000);
    // the interleaved output has both, write by write in arrival order (python -u writes "out" and its
    // newline apart, so writes a moment apart on the two pipes may interleave)
    const sorted = (t: string) => [...t].sort().join('');
    expect(sorted((await api.logs(done.run_id)).logs)).toBe(sorted('out\nerr\n'));
  });

  it('each limit has its own verdict: CPU time, memory, output', async () => {
    const [tle, mle, ole] = await Promise.all([
      run({ language: 'python', code: 'while True: pass', limits: { cpu_time_ms: 500 } }),
      run({ language: 'python', code: 'x = bytearray(200 << 20)\nprint(len(x))', limits: { memory_mb: 64 } }),
      run({ language: 'python', code: 'while True: print("y" * 1000)', limits: { output_kb: 8 } }),
    ]);
    expect(tle).toMatchObject({ status: 'Timeout', verdict: 'TimeLimitExceeded' });
    expect(tle.cpu_time_ms as number).toBeGreaterThanOrEqual(500);
    expect(mle).toMatchObject({ status: 'OOMKilled', verdict: 'MemoryLimitExceeded' });
    expect(ole).toMatchObject({ status: 'Failed', verdict: 'OutputLimitExceeded' });
    expect((ole.stdout as string).length).toBe(8 * 1024);
  });

  it('a runtime error names its signal', async () => {
    const done = await run({ language: 'python', code: 'import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)' });
    expect(done).toMatchObject({ status: 'Failed', verdict: 'RuntimeError', signal: 'SIGSEGV', exit_code: null });
  });

  it('files and args reach the program; the expected output and the spec stay hidden from it', async () => {
    const done = await run({
      language: 'python',
      code: [
        'import os, sys',
        'print(open("data/in.txt").read().strip(), open("blob.bin", "rb").read().hex(), " ".join(sys.argv[1:]))',
        // look for the expected output everywhere the program can read: its input, workdir, /tmp, environment
        'needle = "secret-" + "expected"  # not spelled out: the code itself is readable',
        'def seen():',
        '    for top in ("/input", "/workspace", "/tmp", "/opt"):',
        '        for d, _, fs in os.walk(top):',
        '            for f in fs:',
        '                try:',
        '                    if needle.encode() in open(os.path.join(d, f), "rb").read(): return os.path.join(d, f)',
        '                except OSError: pass',
        '    return "environ" if needle in str(os.environ) else "nowhere"',
        'print(seen(), "CODE_RUNNER" in str(os.environ))',
      ].join('\n'),
      files: [
        { name: 'data/in.txt', content: 'hello file' },
        { name: 'blob.bin', content: Buffer.from([0, 1, 255]).toString('base64'), encoding: 'base64' },
      ],
      args: ['--flag', 'two words'],
      tests: [{ stdin: '', expected_output: 'secret-expected-output' }],
    });
    expect(done.verdict).toBe('WrongAnswer');
    expect(done.tests?.[0]?.stdout).toBe('hello file 0001ff --flag two words\nnowhere False\n');
    const input = await api.raw('get', `/runs/${done.run_id}/input`);
    expect(input.status).toBe(200);
    expect(input.body).toMatchObject({ language: 'python', args: ['--flag', 'two words'] });
    expect(input.body.files).toHaveLength(2);
  });

  it('compare modes: floats within a tolerance, tokens', async () => {
    const [floats, tokens] = await Promise.all([
      run({
        language: 'python',
        code: 'print(1/3)',
        tests: [{ stdin: '', expected_output: '0.3333' }],
        compare: { mode: 'float', abs_tol: 1e-3 },
      }),
      run({
        language: 'python',
        code: 'print("a   b\\n\\nc")',
        tests: [{ stdin: '', expected_output: 'a b c' }],
        compare: { mode: 'tokens' },
      }),
    ]);
    expect(floats.verdict).toBe('Accepted');
    expect(tokens.verdict).toBe('Accepted');
  });

  it('an image put in place of ours (SANDBOX_IMAGE_*) gets the launcher from an init container', async () => {
    const other = await createStack({ SANDBOX_IMAGE_PYTHON: 'localhost/code-runner/python:3.13' });
    try {
      await other.startWorker();
      const otherApi = new ApiClient(other.app);
      const runId = await otherApi.start({
        language: 'python',
        code: 'print(int(input()) + 1)',
        tests: [
          { stdin: '1', expected_output: '2' },
          { stdin: '5', expected_output: '7' },
        ],
        compare: { mode: 'tokens' },
      });
      const done = (await otherApi.waitDone(runId, 120000)) as Judged;
      expect(done.tests?.map((t) => t.verdict)).toEqual(['Accepted', 'WrongAnswer']);
      expect(other.cfg.languages.find((l) => l.id === 'python')?.launcher).toBe('init');
    } finally {
      await other.close();
    }
  });

  it('bad judge input is a 400 naming each field', async () => {
    const res = await api.submit({
      language: 'python',
      code: 'print(1)',
      files: [
        { name: '../etc/passwd', content: 'x' },
        { name: 'ok', content: '!!', encoding: 'base64' },
      ],
      tests: Array.from({ length: 51 }, () => ({ stdin: '' })),
      limits: { memory_mb: 1 << 20, bogus: 1 },
      compare: { mode: 'fuzzy' },
    });
    expect(res.status).toBe(400);
    const fields = (res.body as unknown as { error: { details: { field: string }[] } }).error.details.map(
      (d) => d.field,
    );
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.files.0.name',
        'body.files.1.content',
        'body.tests',
        'body.limits.memory_mb',
        'body.limits',
        'body.compare.mode',
      ]),
    );
  });

  it("a file may take neither the code's name nor the launcher spec's", async () => {
    for (const name of ['main.py', '.spec.json']) {
      const res = await api.submit({ language: 'python', code: 'print(1)', files: [{ name, content: 'x' }] });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'invalid_request', details: [{ field: 'body.files.0.name' }] } });
    }
  });
});
