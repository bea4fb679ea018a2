import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ApiClient } from '../support/api.js';
import { FIXTURES } from '../support/paths.js';
import { createStack, type Stack } from '../support/stack.js';
import { createApp } from '../../src/api/app.js';
import { LanguagesService } from '../../src/api/languages-service.js';
import { SystemService } from '../../src/api/system-service.js';
import { ImageCatalog } from '../../src/kube/image-catalog.js';
import type { RunView, SingleRunView } from '../../src/domain/run-view.js';

/** Every language of the default registry compiles (where it does) and passes A+B in its own image. */
describe('the language matrix', () => {
  let stack: Stack;
  let api: ApiClient;
  const dir = join(FIXTURES, 'languages');
  const fixture = (id: string) => readdirSync(dir).find((f) => f.startsWith(`${id}.`));
  beforeAll(async () => {
    stack = await createStack({ MAX_ACTIVE_RUNS: '4' });
    await stack.startWorker();
    api = new ApiClient(stack.app);
  });
  afterAll(async () => {
    await stack.close();
  });

  it('has at least 24 languages, the ones judges ask for, each with an A+B fixture', () => {
    const ids = stack.cfg.languages.map((l) => l.id);
    expect(ids.length).toBeGreaterThanOrEqual(24);
    const wanted = ['c', 'cpp', 'java', 'go', 'rust', 'csharp', 'haskell', 'pascal', 'fortran', 'typescript'];
    const more = ['python', 'javascript', 'ruby', 'php', 'bash', 'perl', 'lua', 'r', 'sql', 'ocaml', 'prolog'];
    expect(ids).toEqual(expect.arrayContaining([...wanted, ...more, 'commonlisp']));
    expect(ids.some((id) => id === 'kotlin' || id === 'scala')).toBe(true);
    expect(ids.some((id) => id === 'elixir' || id === 'erlang')).toBe(true);
    expect(ids.filter((id) => !fixture(id))).toEqual([]);
  });

  it('GET /languages reports each version, read from the toolchain at image build, and that the image landed', async () => {
    const { namespace, name } = stack.cfg.runner.imageCatalog;
    const languages = new LanguagesService(stack.cfg, new ImageCatalog(stack.kube, namespace, name));
    const app = createApp({
      cfg: stack.cfg,
      runs: stack.runs,
      system: new SystemService(stack.client, stack.kube, stack.cfg),
      languages,
    });
    const res = await request(app).get('/languages');
    expect(res.status).toBe(200);
    const list = res.body.languages as { id: string; version: string | null; available: boolean | null }[];
    const missing = list.filter((l) => !l.version || l.available !== true).map((l) => l.id);
    expect(missing).toEqual([]);
    expect(list.find((l) => l.id === 'cpp')?.version).toMatch(/^\d+\.\d+/);
  });

  /** Runs one program per language (from a fixture folder, or made from the language), all at once. */
  const everyLanguage = (body: (l: Stack['cfg']['languages'][number]) => object | null) =>
    Promise.all(
      stack.cfg.languages.map(async (l) => {
        const b = body(l);
        if (!b) return null;
        const runId = await api.start({ language: l.id, timeout_seconds: 10, ...b });
        const done = (await api.waitDone(runId, 600000)) as RunView & SingleRunView;
        return { id: l.id, compiled: !!l.compile, done };
      }),
    ).then((rs) => rs.filter((r) => r !== null));
  const source = (folder: string, id: string) => {
    const f = readdirSync(join(FIXTURES, folder)).find((n) => n.startsWith(`${id}.`));
    return readFileSync(join(FIXTURES, folder, f ?? `${id}.missing`), 'utf8');
  };

  it('hello world in every language', async () => {
    const results = await everyLanguage((l) => ({ code: source('hello', l.id) }));
    const wrong = results.filter((r) => r.done.status !== 'Succeeded' || r.done.stdout !== 'Hello, World!\n');
    expect(wrong.map((r) => `${r.id}: ${r.done.verdict} ${r.done.reason} ${JSON.stringify(r.done.stdout)}`)).toEqual(
      [],
    );
  });

  it("a compile error is CompilationError, with the compiler's message, in every compiled language", async () => {
    const broken = 'this is not a program ((( }\n';
    // A multi-file program's compile step is its own `compile` script, one of its files.
    const results = await everyLanguage((l) =>
      !l.compile
        ? null
        : l.id === 'multifile'
          ? { code: 'echo never\n', files: [{ name: 'compile', content: broken }] }
          : { code: broken },
    );
    expect(results.length).toBeGreaterThanOrEqual(10);
    for (const r of results) {
      expect({ id: r.id, verdict: r.done.verdict, status: r.done.status }).toEqual({
        id: r.id,
        verdict: 'CompilationError',
        status: 'Failed',
      });
      expect(`${r.done.compile?.stdout}${r.done.compile?.stderr}`.length).toBeGreaterThan(0);
      expect(r.done.tests).toEqual([]);
    }
  });

  it('a runtime error is RuntimeError in every language, with the output written before it', async () => {
    const results = await everyLanguage((l) => ({ code: source('runtime-error', l.id) }));
    const wrong = results.filter(
      (r) => r.done.verdict !== 'RuntimeError' || r.done.status !== 'Failed' || r.done.stdout !== 'before\n',
    );
    expect(wrong.map((r) => `${r.id}: ${r.done.verdict} ${r.done.reason} ${JSON.stringify(r.done.stdout)}`)).toEqual(
      [],
    );
    for (const r of results) expect(r.done.exit_code !== 0 || r.done.signal !== null).toBe(true);
  });

  it('runs A+B in every language: compile once, two tests on stdin, both Accepted', async () => {
    const results = await everyLanguage((l) => ({
      code: readFileSync(join(dir, fixture(l.id) ?? ''), 'utf8'),
      tests: [
        { stdin: '2 3\n', expected_output: '5\n' },
        { stdin: '-7 10\n', expected_output: '3\n' },
      ],
    }));
    const failed = results
      .filter((r) => r.done.verdict !== 'Accepted')
      .map((r) => `${r.id}: ${r.done.verdict ?? r.done.status} ${r.done.reason ?? ''} ${r.done.compile?.stderr ?? ''}`);
    expect(failed).toEqual([]);
    for (const r of results) {
      expect(r.done.tests?.map((t) => t.stdout)).toEqual(['5\n', '3\n']);
      expect(r.done.compile?.status ?? null).toBe(r.compiled ? 'Success' : null);
    }
  });
});
