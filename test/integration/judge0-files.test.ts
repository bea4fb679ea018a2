import request from 'supertest';
import { createStack, eventually, type Stack } from '../support/stack.js';
import { makeZip, type ZipItem } from '../support/zip.js';

/**
 * Judge0's additional_files (a Base64 zip extracted beside the source) and multi-file programs (language 89:
 * the archive's `compile`, then its `run`), against the real stack: API, Temporal, worker, cluster, launcher.
 */
type Json = Record<string, unknown>;
const zip64 = (items: ZipItem[]) => makeZip(items).toString('base64');

describe('Judge0 additional files and multi-file programs', () => {
  let stack: Stack;
  const j0 = (method: 'get' | 'post', path: string) => request(stack.app)[method](`/judge0${path}`);
  const run = async (body: Json) => {
    const res = await j0('post', '/submissions').send(body);
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    const token = String((res.body as Json).token);
    return eventually(
      async () => {
        const s = (await j0('get', `/submissions/${token}?fields=*`)).body as { status: { id: number } };
        return s.status.id > 2 ? (s as unknown as Json) : null;
      },
      120_000,
      `submission ${token} to finish`,
      300,
    );
  };

  beforeAll(async () => {
    stack = await createStack();
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('lists 89 "Multi-file program" (Judge0 and our own GET /languages)', async () => {
    const list = (await j0('get', '/languages')).body as { id: number; name: string }[];
    expect(list).toContainEqual({ id: 89, name: 'Multi-file program' });
    expect((await j0('get', '/languages/89')).body).toEqual({
      id: 89,
      name: 'Multi-file program',
      is_archived: false,
      source_file: null,
      compile_cmd: null,
      run_cmd: null,
    });
    const ours = (await request(stack.app).get('/languages')).body as { languages: { id: string }[] };
    expect(ours.languages.map((l) => l.id)).toContain('multifile');
  });

  it('89: compile builds C from the archive into the workdir, run runs it with a data file; a failing compile is 6', async () => {
    const mainC = [
      '#include <stdio.h>',
      '#include "add.h"',
      'int main(void) { int a, b; if (scanf("%d %d", &a, &b) != 2) return 1; printf("%d\\n", add(a, b)); }',
    ].join('\n');
    const project = [
      { name: 'compile', data: 'gcc -O2 -Iinc -o prog src/main.c && echo built\n' },
      { name: 'run', data: 'cat data/banner.txt\n./prog\n' },
      { name: 'inc/add.h', data: 'static int add(int a, int b) { return a + b; }\n' },
      { name: 'src/main.c', data: `${mainC}\n` },
      { name: 'data/banner.txt', data: 'A+B\n', method: 0 },
    ];
    const [ok, ce] = await Promise.all([
      run({ language_id: 89, additional_files: zip64(project), stdin: '2 3\n', expected_output: 'A+B\n5\n' }),
      run({
        language_id: 89,
        additional_files: zip64([
          { name: 'compile', data: 'gcc -o prog missing.c\n' },
          { name: 'run', data: './prog\n' },
        ]),
      }),
    ]);
    expect(ok).toMatchObject({
      status: { id: 3, description: 'Accepted' },
      stdout: 'A+B\n5\n',
      compile_output: 'built\n',
      language_id: 89,
      language: { id: 89, name: 'Multi-file program' },
      source_code: null,
    });
    expect(ce).toMatchObject({ status: { id: 6, description: 'Compilation Error' }, stdout: null });
    expect(ce.compile_output).toMatch(/missing\.c/);
  });

  it('71 with additional_files: the main source imports a module from the archive', async () => {
    const done = await run({
      language_id: 71,
      source_code: 'from lib.util import twice\nprint(twice(int(input())))\n',
      additional_files: zip64([{ name: 'lib/util.py', data: 'def twice(n):\n    return 2 * n\n' }]),
      stdin: '21\n',
      expected_output: '42\n',
    });
    expect(done).toMatchObject({ status: { id: 3 }, stdout: '42\n' });
  });

  it('refuses hostile archives and bad Base64 with 422 on additional_files', async () => {
    const refused = async (additional_files: unknown, language_id = 71) => {
      const res = await j0('post', '/submissions').send({ language_id, source_code: 'print(1)', additional_files });
      expect(res.status).toBe(422);
      return (res.body as { additional_files: string[] }).additional_files;
    };
    expect(await refused(zip64([{ name: '../../etc/cron.d/x', data: 'x' }]))).toEqual([
      '"../../etc/cron.d/x": "." and ".." are not allowed',
    ]);
    expect(await refused(zip64([{ name: 'link', data: '/etc/shadow', mode: 0o120777 }]))).toEqual([
      'link: symbolic links are not allowed',
    ]);
    const bomb = zip64([{ name: 'zeros', data: Buffer.alloc(50 * 1024 * 1024), claimedSize: 10 }]);
    expect(await refused(bomb)).toEqual([
      `unpacked, the files are over ${stack.cfg.limits.maxInputBytes} bytes (a zip bomb?)`,
    ]);
    expect(await refused('%%% not base64 %%%')).toEqual(['is not valid Base64']);
    expect(await refused(Buffer.from('plain text').toString('base64'))).toEqual(['is not a zip archive']);
    const many = Array.from({ length: 101 }, (_, i) => ({ name: `f${i}.txt`, data: 'x' }));
    expect(await refused(zip64(many))).toEqual(['has 101 entries; at most 100']);
  });
});
