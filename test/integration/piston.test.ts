import type { Server } from 'node:http';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/api/app.js';
import { LanguagesService } from '../../src/api/languages-service.js';
import { SystemService } from '../../src/api/system-service.js';
import { ImageCatalog } from '../../src/kube/image-catalog.js';
import type { PistonResult } from '../../src/api/piston/response.js';
import { createStack, type Stack } from '../support/stack.js';
import { serveLocal } from '../support/serve.js';

const RUN_ID = 'x-code-runner-run-id';
const py = (content: string, extra: object = {}) => ({
  language: 'python',
  version: '*',
  files: [{ content }],
  ...extra,
});

/**
 * The Piston v2 contract (engineer-man/piston docs/api-v2.md and api/src/api/v2.js), written from its
 * documentation, against the whole stack: the real app, Temporal, a worker, the cluster and the launcher.
 */
describe('Piston v2 compatible API', () => {
  let stack: Stack;
  let app: Express;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    // A 4 KiB output limit per run, so an output flood is quick to produce.
    stack = await createStack({ LOG_LIMIT_BYTES: '4096' });
    await stack.startWorker();
    const { namespace, name } = stack.cfg.runner.imageCatalog;
    const languages = new LanguagesService(stack.cfg, new ImageCatalog(stack.kube, namespace, name));
    app = createApp({
      cfg: stack.cfg,
      runs: stack.runs,
      system: new SystemService(stack.client, stack.kube, stack.cfg),
      languages,
    });
    ({ server: server, base: base } = await serveLocal(app));
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await stack?.close();
  });

  const execute = async (body: object, path = '/api/v2/execute') => {
    const res = await request(app).post(path).set('Content-Type', 'application/json').send(JSON.stringify(body));
    return { status: res.status, body: res.body as PistonResult & { message?: string }, runId: res.get(RUN_ID) };
  };
  const ok = async (body: object) => {
    const res = await execute(body);
    if (res.status !== 200) throw new Error(`execute: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };

  it('lists python among the runtimes with its version and aliases', async () => {
    const res = await request(app).get('/api/v2/runtimes');
    expect(res.status).toBe(200);
    const python = (res.body as { language: string; version: string; aliases: string[] }[]).find(
      (r) => r.language === 'python',
    );
    expect(python?.aliases).toEqual(expect.arrayContaining(['py', 'python3', 'py3']));
    // The cluster's image catalog tells the version (0.0.0 would mean it does not).
    expect(python?.version).toMatch(/^3\.\d+\.\d+$/);
  });

  it('runs python hello world by its exact version, with times and memory; the run is ours too', async () => {
    const runtimes = (await request(app).get('/api/v2/runtimes')).body as { language: string; version: string }[];
    const version = runtimes.find((r) => r.language === 'python')?.version ?? '';
    const res = await ok({ language: 'py', version, files: [{ name: 'hello.py', content: 'print("hello")' }] });
    expect(res.body).toEqual({
      language: 'python',
      version,
      run: expect.objectContaining({ stdout: 'hello\n', stderr: '', output: 'hello\n', code: 0, signal: null }),
    });
    expect(res.body.run).toMatchObject({ status: null, message: null });
    expect(res.body.run.cpu_time).toEqual(expect.any(Number));
    expect(res.body.run.wall_time).toBeGreaterThan(0);
    expect(res.body.run.memory).toBeGreaterThan(1024 * 1024); // bytes: an interpreter takes megabytes
    // The run id header names an ordinary run of ours, marked as Piston's.
    const native = await request(app).get(`/runs/${res.runId}`);
    expect(native.status).toBe(200);
    expect(native.body).toMatchObject({ run_id: res.runId, client: 'piston', status: 'Succeeded', stdout: 'hello\n' });
    const input = await request(app).get(`/runs/${res.runId}/input`);
    expect(input.body).toMatchObject({ client: 'piston', language: 'python', code: 'print("hello")' });
  });

  it('passes stdin and args; several files (a module, base64 and hex data) land beside the main file', async () => {
    const [io, files] = await Promise.all([
      ok(py('import sys\nprint(sys.argv[1:], input())', { stdin: 'from stdin\n', args: ['a', 'b c'] })),
      ok({
        language: 'python',
        version: '3.x',
        files: [
          { name: 'main.py', content: 'import util\nprint(util.X, open("d.bin").read(), open("d.hex").read())' },
          { name: 'util.py', content: 'X = 41 + 1' },
          { name: 'd.bin', content: Buffer.from('b64').toString('base64'), encoding: 'base64' },
          { name: 'd.hex', content: Buffer.from('hex').toString('hex'), encoding: 'hex' },
        ],
      }),
    ]);
    expect(io.body.run.stdout).toBe("['a', 'b c'] from stdin\n");
    expect(files.body.run).toMatchObject({ stdout: '42 b64 hex\n', code: 0 });
  });

  it('compiles C: a compile stage, then the run; a failed compile has no real run', async () => {
    const [good, bad] = await Promise.all([
      ok({ language: 'c', version: '*', files: [{ name: 'main.c', content: cProgram('puts("compiled");') }] }),
      ok({ language: 'gcc', version: '*', files: [{ content: 'int main(void) { return nope; }' }] }),
    ]);
    expect(good.body.compile).toMatchObject({ code: 0, status: null, signal: null });
    expect(good.body.compile?.wall_time).toBeGreaterThan(0);
    expect(good.body.run).toMatchObject({ stdout: 'compiled\n', code: 0, status: null });
    expect(bad.body.compile).toMatchObject({ code: 1, status: 'RE', stdout: '' });
    expect(bad.body.compile?.stderr).toMatch(/nope/);
    expect(bad.body.compile?.output).toBe(bad.body.compile?.stderr);
    expect(bad.body.run).toEqual(bad.body.compile);
  });

  it('reports a runtime error (RE and its code), a signal (SG), a timeout (TO) and an output flood (OL)', async () => {
    const [re, sg, to, ol] = await Promise.all([
      ok(py('import sys\nprint("before")\nsys.exit(3)')),
      ok({
        language: 'c',
        version: '*',
        files: [{ content: cProgram('int *p = (int *)(long)(argc - 1); printf("%d\\n", *p);') }],
      }),
      ok(py('print("started", flush=True)\nwhile True: pass', { run_timeout: 1000 })),
      ok(py('while True: print("y" * 1000)')),
    ]);
    expect(re.body.run).toMatchObject({
      status: 'RE',
      code: 3,
      signal: null,
      stdout: 'before\n',
      message: 'exit code 3',
    });
    expect(sg.body.run).toMatchObject({ status: 'SG', signal: 'SIGSEGV', code: null, message: 'killed by SIGSEGV' });
    expect(to.body.run).toMatchObject({ status: 'TO', signal: 'SIGKILL', stdout: 'started\n' });
    expect(to.body.run.message).toBe('wall time limit of 1000 ms exceeded');
    expect(to.body.run.wall_time).toBeGreaterThanOrEqual(1000);
    expect(ol.body.run).toMatchObject({ status: 'OL', signal: 'SIGKILL' });
    expect(ol.body.run.stdout.length).toBe(4096);
  });

  it('honours the limit fields: compile_timeout stops the compiler, run_memory_limit the program', async () => {
    const [compile, memory] = await Promise.all([
      ok({ language: 'c', version: '*', files: [{ content: cProgram('') }], compile_timeout: 1 }),
      ok(py('x = bytearray(200 << 20)\nprint(len(x))', { run_memory_limit: 64 * 1024 * 1024 })),
    ]);
    expect(compile.body.compile).toMatchObject({ status: 'TO', signal: 'SIGKILL' });
    expect(compile.body.run).toEqual(compile.body.compile);
    expect(memory.body.run).toMatchObject({ status: 'SG', signal: 'SIGKILL', stdout: '' });
    expect(memory.body.run.message).toMatch(/^memory limit exceeded/);
  });

  it('reads a JSON body sent as text/plain or with no content type, over the network', async () => {
    const body = JSON.stringify(py('print(7 * 6)'));
    const plain = await fetch(`${base}/api/v2/execute`, { method: 'POST', body }); // text/plain;charset=UTF-8
    const bare = await fetch(`${base}/api/v2/execute`, { method: 'POST', body: new TextEncoder().encode(body) });
    for (const res of [plain, bare]) {
      expect(res.status).toBe(200);
      expect(((await res.json()) as PistonResult).run.stdout).toBe('42\n');
      expect(res.headers.get(RUN_ID)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('is also served under the configured prefix (/piston)', async () => {
    const runtimes = await fetch(`${base}${stack.cfg.piston.prefix}/api/v2/runtimes`);
    expect(runtimes.status).toBe(200);
    const res = await execute(py('print("prefixed")'), '/piston/api/v2/execute');
    expect(res.status).toBe(200);
    expect(res.body.run.stdout).toBe('prefixed\n');
  });

  it('refuses what it cannot run with 400 (413 when too big) and a message, and starts no run', async () => {
    const cases: [object, string][] = [
      [{ ...py('x'), language: 'cobol' }, 'cobol-* runtime is unknown'],
      [{ ...py('x'), version: '1.0.0' }, 'python-1.0.0 runtime is unknown'],
      [{ ...py('x'), version: 'latest' }, 'python-latest runtime is unknown'],
      [{ language: 'python', version: '*' }, 'files is required as an array'],
      [py('x', { run_timeout: 10_000_000 }), 'run_timeout cannot exceed the configured limit of 300000'],
    ];
    for (const [body, message] of cases) {
      const res = await execute(body);
      expect({ status: res.status, body: res.body, runId: res.runId }).toEqual({
        status: 400,
        body: { message },
        runId: undefined,
      });
    }
    const big = await execute(py('#'.repeat(stack.cfg.limits.maxCodeBytes + 1)));
    expect(big.status).toBe(413);
    expect(big.body.message).toBe(
      `the submission exceeds a size limit: code is ${stack.cfg.limits.maxCodeBytes + 1} bytes; the limit is ${stack.cfg.limits.maxCodeBytes}`,
    );
    const malformed = await fetch(`${base}/api/v2/execute`, { method: 'POST', body: '{"language": ' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ message: 'the request body is not valid JSON' });
    const unknown = await request(app).get('/api/v2/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ message: 'no route for GET /api/v2/nothing-here' });
  });
});

/** A C program; `argc - 1` is 0 but the compiler cannot know it (a null pointer read stays a real SIGSEGV). */
const cProgram = (body: string) =>
  `#include <stdio.h>\nint main(int argc, char **argv) { (void)argv; ${body} return 0; }\n`;
