// Over 300 lines on purpose: Judge0's contract, endpoint by endpoint, on one stack (it is slow to start).
import request from 'supertest';
import { createStack, eventually, terminateRuns, type Stack } from '../support/stack.js';

/**
 * The Judge0 CE 1.13.1 API, written from Judge0's documentation, against the real stack (API, Temporal,
 * worker, Kubernetes, launcher): every submission is one of our runs.
 */
type Json = Record<string, unknown>;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: unknown) => Buffer.from(String(s), 'base64').toString('utf8');
// A null pointer the compiler cannot see (GCC -O2 turns a visible one into a trap, SIGILL).
const SEGV = 'int main(int argc, char **argv) { int *p = (int *)(long)(argc - 1); *p = 1; return argv == 0; }\n';

describe('Judge0 API', () => {
  let stack: Stack;
  const j0 = (method: 'get' | 'post' | 'delete', path: string, user = false) => {
    const req = request(stack.app)[method](`/judge0${path}`).set('X-Auth-Token', 'tok-b');
    return user ? req.set('X-Auth-User', 'admin') : req;
  };
  const create = async (body: Json, query = '') => {
    const res = await j0('post', `/submissions${query}`).send(body);
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Json;
  };
  /** Polls as a Judge0 client does until the status is neither In Queue nor Processing. */
  const finished = (token: string, query = '?fields=*') =>
    eventually(
      async () => {
        const res = await j0('get', `/submissions/${token}${query}`);
        expect(res.status).toBe(200);
        return (res.body as { status: { id: number } }).status.id > 2 ? (res.body as Json) : null;
      },
      120_000,
      `submission ${token} to finish`,
      300,
    );
  const run = async (body: Json) => finished(String((await create(body)).token));

  beforeAll(async () => {
    stack = await createStack({ JUDGE0_AUTH_TOKEN: 'tok-a tok-b', JUDGE0_AUTHZ_TOKEN: 'admin' });
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('auth: X-Auth-Token on every Judge0 request (401), X-Auth-User to list and delete (403); our API is untouched', async () => {
    expect((await request(stack.app).get('/judge0/about')).status).toBe(401);
    expect((await request(stack.app).get('/statuses').set('X-Auth-Token', 'nope')).status).toBe(401);
    expect((await request(stack.app).get('/about').set('X-Auth-Token', 'tok-a')).status).toBe(200);
    const list = await j0('get', '/submissions');
    expect(list.status).toBe(403);
    expect(list.body).toEqual({ error: expect.stringMatching(/X-Auth-User/) });
    expect((await j0('delete', '/submissions/00000000-0000-4000-8000-000000000000')).status).toBe(403);
    expect((await request(stack.app).get('/health')).status).toBe(200);
  });

  it('information: about, version, statuses, config_info, languages (ours at the root), system', async () => {
    expect((await j0('get', '/about')).body).toMatchObject({ version: '1.13.1' });
    expect((await j0('get', '/version')).text).toBe('1.13.1');
    const statuses = (await j0('get', '/statuses')).body as { id: number; description: string }[];
    expect(statuses.map((s) => s.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(statuses[2]).toEqual({ id: 3, description: 'Accepted' });
    const config = (await j0('get', '/config_info')).body as Json;
    expect(config).toMatchObject({
      cpu_time_limit: 5,
      max_cpu_time_limit: 15,
      memory_limit: 128000,
      max_memory_limit: 512000,
      max_number_of_runs: 20,
      max_submission_batch_size: 20,
      enable_wait_result: true,
      enable_callbacks: true,
      enable_additional_files: true,
      allow_enable_network: false,
    });
    const languages = (await j0('get', '/languages')).body as { id: number; name: string }[];
    expect(languages.map((l) => l.id)).toEqual(expect.arrayContaining([46, 50, 52, 54, 62, 63, 71, 73, 85]));
    expect(languages.map((l) => l.id)).not.toContain(70);
    expect(languages.find((l) => l.id === 71)?.name).toMatch(/^Python/);
    expect((await j0('get', '/languages/50')).body).toMatchObject({
      id: 50,
      is_archived: false,
      source_file: 'main.c',
      compile_cmd: expect.stringContaining('gcc'),
      run_cmd: './main',
    });
    expect((await j0('get', '/languages/all')).body).toContainEqual(
      expect.objectContaining({ id: 71, is_archived: false }),
    );
    expect((await j0('get', '/languages/9999')).status).toBe(404);
    // the root /languages stays ours; the Judge0 paths that do not clash answer at the root too
    expect((await request(stack.app).get('/languages')).body).toHaveProperty('languages');
    expect((await request(stack.app).get('/config_info').set('X-Auth-Token', 'tok-a')).body).toHaveProperty(
      'max_queue_size',
    );
    for (const p of ['/system_info', '/statistics', '/workers']) expect((await j0('get', p)).status).toBe(200);
    expect((await j0('get', '/workers')).body).toEqual([
      expect.objectContaining({ queue: stack.cfg.temporal.taskQueue }),
    ]);
  });

  it('create returns a token, the submission is polled to its end, and it is one of our runs', async () => {
    const created = await create({ source_code: 'print(input()[::-1])', language_id: 71, stdin: 'abc' });
    expect(Object.keys(created)).toEqual(['token']);
    const token = String(created.token);
    const first = await j0('get', `/submissions/${token}`);
    expect(Object.keys(first.body as Json).sort()).toEqual(
      ['compile_output', 'memory', 'message', 'status', 'stderr', 'stdout', 'time', 'token'].sort(),
    );
    const done = await finished(token);
    expect(done).toMatchObject({ token, status: { id: 3, description: 'Accepted' }, stdout: 'cba\n', stderr: null });
    expect(done.time).toMatch(/^\d+\.\d+$/);
    expect(done.wall_time).toMatch(/^\d+\.\d+$/);
    expect(done.memory as number).toBeGreaterThan(1000);
    expect(done.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(done).toMatchObject({
      language_id: 71,
      language: { id: 71 },
      source_code: 'print(input()[::-1])',
      stdin: 'abc',
    });
    const native = await request(stack.app).get(`/runs/${token}`);
    expect(native.body).toMatchObject({ run_id: token, status: 'Succeeded', client: 'judge0', language: 'python' });
    expect((await request(stack.app).get(`/runs/${token}/input`)).body).toMatchObject({ client: 'judge0' });
    expect((await j0('get', '/submissions/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('wait=true returns the finished submission; expected_output gives Accepted or Wrong Answer', async () => {
    const [ok, wrong] = await Promise.all([
      j0('post', '/submissions?wait=true').send({
        source_code: 'print(sum(map(int, input().split())))',
        language_id: 71,
        stdin: '2 3',
        expected_output: '5  \n\n',
      }),
      j0('post', '/submissions?wait=true&fields=status_id,stdout,expected_output').send({
        source_code: 'print(4)',
        language_id: 71,
        expected_output: '5',
      }),
    ]);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ status: { id: 3, description: 'Accepted' }, stdout: '5\n' });
    expect(wrong.body).toEqual({ status_id: 4, stdout: '4\n', expected_output: '5' });
    // A form-encoded body (curl -d), as Rails reads it: every value a string.
    const form = await j0('post', '/submissions?wait=true&fields=status_id,stdout')
      .type('form')
      .send({ source_code: 'print(int(input()) * 2)', language_id: '71', stdin: '21' });
    expect(form.status).toBe(201);
    expect(form.body).toEqual({ status_id: 3, stdout: '42\n' });
  });

  it('base64_encoded=true decodes the request and encodes the response (as Ruby does: lines ending in a newline)', async () => {
    const res = await j0(
      'post',
      '/submissions?wait=true&base64_encoded=true&fields=stdout,stderr,source_code,stdin',
    ).send({
      source_code: b64('import sys\nprint(input() + "!")\nprint("é", file=sys.stderr)'),
      language_id: 71,
      stdin: b64('héllo'),
    });
    expect(res.status).toBe(201);
    expect(res.body.stdout).toBe(`${b64('héllo!\n')}\n`);
    expect(unb64(res.body.stderr)).toBe('é\n');
    expect(unb64(res.body.stdin)).toBe('héllo');
    expect(unb64(res.body.source_code)).toMatch(/^import sys/);
  });

  it('fields: a list, *, and an unknown field (400 as Judge0)', async () => {
    const { token } = await create({ source_code: 'print(1)', language_id: 71 });
    const all = await finished(String(token));
    expect(Object.keys(all)).toEqual(
      expect.arrayContaining(['source_code', 'status_id', 'wall_time_limit', 'language']),
    );
    expect(Object.keys(all)).toHaveLength(35);
    expect((await j0('get', `/submissions/${token}?fields=token,exit_code`)).body).toEqual({ token, exit_code: 0 });
    const bad = await j0('get', `/submissions/${token}?fields=stdout,bogus,id`);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'invalid fields: [bogus, id]' });
    expect((await j0('post', '/submissions?fields=nope').send({ source_code: 'x', language_id: 71 })).status).toBe(400);
  });

  it('invalid submissions are 422 with messages per field', async () => {
    const res = await j0('post', '/submissions').send({
      source_code: '',
      language_id: 150000,
      cpu_time_limit: 99,
      memory_limit: 'lots',
      callback_url: 'http://169.254.169.254/latest/meta-data/',
      additional_files: b64('PK'),
      enable_network: true,
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      source_code: ["can't be blank"],
      language_id: ["language with id 150000 doesn't exist"],
      cpu_time_limit: ['must be less than or equal to 15.0'],
      memory_limit: ['is not a number'],
      callback_url: ['169.254.169.254 is a link-local address, which callbacks may not reach'],
      additional_files: ['is not a zip archive'],
      enable_network: ['enabling network is not allowed'],
    });
    const multi = await j0('post', '/submissions').send({ language_id: 89, source_code: 'echo' });
    expect(multi.body).toEqual({ source_code: ['must be blank'], additional_files: ["can't be blank"] });
  });

  it('C: compilation error, SIGSEGV (7), and a time limit exceeded in Python', async () => {
    const [ce, segv, tle] = await Promise.all([
      run({ source_code: 'int main(void) { return x; }', language_id: 50 }),
      run({ source_code: SEGV, language_id: 50 }),
      run({ source_code: 'while True: pass', language_id: 71, cpu_time_limit: 1, wall_time_limit: 5 }),
    ]);
    expect(ce).toMatchObject({ status: { id: 6, description: 'Compilation Error' }, stdout: null, time: null });
    expect(ce.compile_output).toMatch(/error/);
    expect(segv).toMatchObject({
      status: { id: 7, description: 'Runtime Error (SIGSEGV)' },
      exit_signal: 11,
      stdout: null,
    });
    expect(tle).toMatchObject({ status: { id: 5, description: 'Time Limit Exceeded' } });
    // RLIMIT_CPU's SIGXCPU can end the program a little before the rusage it reports reaches the limit (938 ms seen)
    expect(Number(tle.time)).toBeGreaterThan(0.5);
    expect(tle.message).toMatch(/CPU time/);
  });

  it('number_of_runs runs the program N times; redirect_stderr_to_stdout merges the streams', async () => {
    const [runs, redirected] = await Promise.all([
      run({ source_code: 'print(6*7)', language_id: 71, number_of_runs: 3, expected_output: '42' }),
      run({ source_code: 'import sys\nprint("a", file=sys.stderr)', language_id: 71, redirect_stderr_to_stdout: true }),
    ]);
    expect(runs).toMatchObject({ status: { id: 3 }, number_of_runs: 3, stdout: '42\n' });
    const native = (await request(stack.app).get(`/runs/${String(runs.token)}`)).body as { tests: unknown[] };
    expect(native.tests).toHaveLength(3);
    expect(redirected).toMatchObject({ stdout: 'a\n', stderr: null, redirect_stderr_to_stdout: true });
  });

  it('batch: create (one invalid item), then get with an unknown token (null)', async () => {
    const created = await j0('post', '/submissions/batch?base64_encoded=true').send({
      submissions: [
        { source_code: b64('print(1)'), language_id: 71 },
        { source_code: b64('print(2)'), language_id: 71 },
        { source_code: b64('print(3)'), language_id: 4242 },
      ],
    });
    expect(created.status).toBe(201);
    const items = created.body as Json[];
    expect(items[2]).toEqual({ language_id: ["language with id 4242 doesn't exist"] });
    const tokens = items.slice(0, 2).map((i) => String(i.token));
    for (const t of tokens) await finished(t);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const got = await j0(
      'get',
      `/submissions/batch?tokens=${[...tokens, unknown].join(',')}&base64_encoded=true&fields=*`,
    );
    const subs = (got.body as { submissions: (Json | null)[] }).submissions;
    expect(subs.map((s) => (s ? unb64(s.stdout) : null))).toEqual(['1\n', '2\n', null]);
    expect(subs[0]).toMatchObject({ token: tokens[0], status_id: 3 });
    const tooMany = await j0('post', '/submissions/batch').send({
      submissions: Array.from({ length: 21 }, () => ({})),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual({ error: 'number of submissions in a batch should be less than or equal to 20' });
    expect((await j0('get', '/submissions/batch')).body).toEqual({
      error: 'there should be at least one submission in a batch',
    });
  });

  it('list pages with meta; delete refuses nothing finished and keeps our history', async () => {
    const page1 = await j0('get', '/submissions?page=1&per_page=2', true);
    expect(page1.status).toBe(200);
    const meta = page1.body.meta as Json;
    expect(meta).toMatchObject({ current_page: 1, next_page: 2, prev_page: null });
    expect(meta.total_count as number).toBeGreaterThanOrEqual(10);
    expect(meta.total_pages).toBe(Math.ceil((meta.total_count as number) / 2));
    expect(page1.body.submissions).toHaveLength(2);
    const page2 = await j0('get', '/submissions?page=2&per_page=2', true);
    expect(page2.body.meta).toMatchObject({ current_page: 2, prev_page: 1 });
    const first = new Set((page1.body.submissions as Json[]).map((s) => s.token));
    for (const s of page2.body.submissions as Json[]) expect(first.has(s.token)).toBe(false);
    expect((await j0('get', '/submissions?page=0', true)).body).toEqual({ error: 'invalid page: 0' });

    const token = String((page1.body.submissions as Json[])[0]?.token);
    const deleted = await j0('delete', `/submissions/${token}`, true);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ token, status: { id: expect.any(Number) } });
    expect(deleted.headers['x-code-runner-retained']).toBe('true');
    expect((await j0('get', `/submissions/${token}`)).status).toBe(200);
  });

  it("replays the official Python SDK's requests (judge0-python: Client, create/get, batches, wait)", async () => {
    const sdk = (method: 'get' | 'post', path: string) => {
      const agent = request(stack.app);
      const req = method === 'get' ? agent.get(`/judge0${path}`) : agent.post(`/judge0${path}`);
      return req
        .set('X-Auth-Token', 'tok-a')
        .set('X-Judge0-App', 'Judge0 Python SDK')
        .set('X-Judge0-App-Version', '0.0.6');
    };
    // Client.__init__: languages then config_info; the first submission reads /about for its version's ids.
    const languages = (await sdk('get', '/languages')).body as { id: number; name: string }[];
    expect(languages.every((l) => Number.isInteger(l.id) && typeof l.name === 'string')).toBe(true);
    const config = (await sdk('get', '/config_info')).body as Json;
    for (const key of ['max_submission_batch_size', 'cpu_time_limit', 'enable_wait_result', 'max_extract_size'])
      expect(config).toHaveProperty(key);
    expect((await sdk('get', '/about')).body.version).toBe('1.13.1');
    // LanguageAlias.PYTHON → 71, C → 50, CPP → 52 for 1.13.1: the SDK checks they are listed
    for (const id of [71, 50, 52]) expect(languages.map((l) => l.id)).toContain(id);

    const one = await sdk('post', '/submissions?base64_encoded=true&wait=false').send({
      source_code: b64('print(f"hello {input()}")'),
      language_id: 71,
      stdin: b64('sdk'),
    });
    expect(one.status).toBe(201);
    const batch = await sdk('post', '/submissions/batch?base64_encoded=true').send({
      submissions: [
        { source_code: b64('print(1)'), language_id: 71, cpu_time_limit: 2 },
        { source_code: b64('print(2)'), language_id: 71, expected_output: b64('2') },
      ],
    });
    expect(batch.status).toBe(201);
    const tokens = [String(one.body.token), ...(batch.body as Json[]).map((b) => String(b.token))];
    // wait(): get_submissions until none is In Queue or Processing, base64 with fields=*
    const subs = await eventually(
      async () => {
        const res = await sdk('get', `/submissions/batch?base64_encoded=true&fields=*&tokens=${tokens.join(',')}`);
        const list = (res.body as { submissions: Json[] }).submissions;
        return list.every((s) => (s.status as { id: number }).id > 2) ? list : null;
      },
      120_000,
      'the SDK batch to finish',
      500,
    );
    expect(subs.map((s) => unb64(s.stdout))).toEqual(['hello sdk\n', '1\n', '2\n']);
    for (const s of subs) {
      // Submission.set_attributes: datetimes as %Y-%m-%dT%H:%M:%S.%fZ, decimals through float()
      expect(s.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
      expect(s.finished_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
      for (const f of ['time', 'wall_time', 'cpu_time_limit', 'cpu_extra_time', 'wall_time_limit'])
        expect(Number.isFinite(parseFloat(String(s[f])))).toBe(true);
      expect(s.status).toEqual({ id: 3, description: 'Accepted' });
    }
    expect(subs[1]?.cpu_time_limit).toBe('2.0');
    const single = await sdk('get', `/submissions/${tokens[0]}?base64_encoded=true&fields=*`);
    expect(unb64(single.body.stdout)).toBe('hello sdk\n');
  });
});

describe('Judge0 API without a worker: the queue bound and the switches', () => {
  let stack: Stack;
  const tokens: string[] = [];
  beforeAll(async () => {
    stack = await createStack({ JUDGE0_MAX_QUEUE_SIZE: '2', JUDGE0_ENABLE_WAIT_RESULT: 'false' });
  });
  afterAll(async () => {
    await terminateRuns(stack, tokens, 'test done');
    await stack.close();
  });

  it('more queued runs than JUDGE0_MAX_QUEUE_SIZE is 503 "queue is full"; wait disabled is 400; queued cannot be deleted', async () => {
    const post = (body: Json, query = '') => request(stack.app).post(`/submissions${query}`).send(body);
    const wait = await post({ source_code: 'print(1)', language_id: 71 }, '?wait=true');
    expect(wait.status).toBe(400);
    expect(wait.body).toEqual({ error: 'wait not allowed' });
    for (let i = 0; i < 2; i++) {
      const res = await post({ source_code: `print(${i})`, language_id: 71 });
      expect(res.status).toBe(201);
      tokens.push(String(res.body.token));
    }
    await eventually(
      async () => ((await request(stack.app).get('/system/queue')).body as { queue_depth: number }).queue_depth === 2,
      20_000,
      'both runs to be counted as queued',
    );
    const full = await post({ source_code: 'print(3)', language_id: 71 });
    expect(full.status).toBe(503);
    expect(full.body).toEqual({ error: 'queue is full' });
    expect(
      (
        await request(stack.app)
          .post('/submissions/batch')
          .send({ submissions: [{}] })
      ).status,
    ).toBe(503);
    const queued = await request(stack.app).get(`/submissions/${tokens[0]}`);
    expect(queued.body).toMatchObject({ status: { id: 1, description: 'In Queue' }, stdout: null, time: null });
    const del = await request(stack.app).delete(`/submissions/${tokens[0]}`);
    expect(del.status).toBe(400);
    expect(del.body).toEqual({ error: 'submission cannot be deleted because its status is 1 (In Queue)' });
  });
});
