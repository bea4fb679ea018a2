import { loadConfig } from '../../src/config/config.js';
import { HttpError } from '../../src/api/http-error.js';
import { PISTON_DEFAULTS, pistonPlan } from '../../src/api/piston/request.js';
import { executeBody, firstProblem } from '../../src/api/piston/schemas.js';
import { createRunBody } from '../../src/api/schemas.js';
import type { LanguageSpec } from '../../src/domain/run.js';

const cfg = loadConfig({ MAX_TIMEOUT_SECONDS: '20', MAX_CPU_TIME_MS: '15000', MAX_MEMORY_MB: '512' });
const lang = (id: string): LanguageSpec => {
  const l = cfg.languages.find((x) => x.id === id);
  if (!l) throw new Error(id);
  return l;
};

const body = (extra: Record<string, unknown> = {}) =>
  executeBody.parse({ language: 'python', version: '*', files: [{ content: 'print(1)' }], ...extra });
const problem = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof HttpError && e.status === 400) return e.message;
    throw e;
  }
  throw new Error('no problem reported');
};
const parseProblem = (raw: unknown): string => {
  const r = executeBody.safeParse(raw);
  if (r.success) throw new Error('parsed');
  return firstProblem(r.error);
};

describe('Piston execute request -> our submission', () => {
  it("reports the body's problems with Piston's messages", () => {
    expect(parseProblem({})).toBe('language is required as a string');
    expect(parseProblem({ language: 'python' })).toBe('version is required as a string');
    expect(parseProblem({ language: 'python', version: '*' })).toBe('files is required as an array');
    expect(parseProblem({ language: 'python', version: '*', files: [{ name: 'a' }] })).toBe(
      'files[0].content is required as a string',
    );
    expect(parseProblem({ language: 'python', version: '*', files: [{ content: 'x' }, { content: 1 }] })).toBe(
      'files[1].content is required as a string',
    );
    expect(parseProblem([1])).toBe('the request body must be a JSON object');
  });

  it("uses Piston's run defaults, the language's compile limits, and our code/stdin/args", () => {
    const plan = pistonPlan(body({ stdin: 'in', args: ['a', 'b'] }), lang('python'), cfg);
    expect(plan.body).toMatchObject({ language: 'python', code: 'print(1)', stdin: 'in', args: ['a', 'b'] });
    expect(plan.body.limits).toEqual({
      wall_time_ms: PISTON_DEFAULTS.run_timeout,
      cpu_time_ms: PISTON_DEFAULTS.run_cpu_time,
    });
    expect(plan.body.timeout_seconds).toBe(3);
    expect(plan.compileLimits).toEqual({});
    // The native schema accepts what the mapper builds.
    expect(createRunBody(cfg.limits).safeParse(plan.body).success).toBe(true);
  });

  it('honours every limit field in its unit: ms for times, bytes for memory (floored to MiB)', () => {
    const plan = pistonPlan(
      body({
        run_timeout: 1500.2,
        run_cpu_time: 1000,
        run_memory_limit: 100_000_000,
        compile_timeout: 12000,
        compile_cpu_time: 9000,
        compile_memory_limit: 300 * 1024 * 1024,
      }),
      lang('c'),
      cfg,
    );
    expect(plan.body.limits).toEqual({ wall_time_ms: 1501, cpu_time_ms: 1000, memory_mb: 95 });
    expect(plan.body.timeout_seconds).toBe(2);
    expect(plan.compileLimits).toEqual({ wall_time_ms: 12000, cpu_time_ms: 9000, memory_mb: 300 });
  });

  it('treats 0 as not given and -1 memory as our maximum, as Piston treats "no limit"', () => {
    const plan = pistonPlan(body({ run_timeout: 0, run_memory_limit: -1, compile_memory_limit: -1 }), lang('c'), cfg);
    expect(plan.body.limits).toMatchObject({ wall_time_ms: 3000, memory_mb: 512 });
    expect(plan.compileLimits).toEqual({ memory_mb: 512 });
  });

  it("refuses limits out of range with Piston's messages, our maxima as its configured limits", () => {
    const p = (extra: Record<string, unknown>) => problem(() => pistonPlan(body(extra), lang('python'), cfg));
    expect(p({ run_timeout: 20001 })).toBe('run_timeout cannot exceed the configured limit of 20000');
    expect(p({ compile_cpu_time: 15001 })).toBe('compile_cpu_time cannot exceed the configured limit of 15000');
    expect(p({ run_memory_limit: 512 * 1024 * 1024 + 1 })).toBe(
      'run_memory_limit cannot exceed the configured limit of 536870912',
    );
    expect(p({ run_timeout: -5 })).toBe('run_timeout must be non-negative');
    expect(p({ run_cpu_time: '100' })).toBe('If specified, run_cpu_time must be a number');
    expect(p({ run_memory_limit: 1000 })).toBe('run_memory_limit must be at least 1048576 bytes (1 MiB)');
  });

  it('bounds the wait by the compile and run limits plus the start, within SYNC_WAIT_MAX_SECONDS', () => {
    const quick = loadConfig({ START_TIMEOUT_SECONDS: '10', SYNC_WAIT_MAX_SECONDS: '600' });
    const py = pistonPlan(body({ run_timeout: 2000 }), lang('python'), quick);
    expect(py.waitMs).toBe(2000 + 10_000 + 5000);
    const c = pistonPlan(body({ run_timeout: 2000, compile_timeout: 4000 }), lang('c'), quick);
    expect(c.waitMs).toBe(4000 + 2000 + 10_000 + 5000);
    expect(pistonPlan(body(), lang('python'), cfg).waitMs).toBe(cfg.limits.syncWaitMaxSeconds * 1000);
  });

  it('makes the first utf8 file the code and the others files beside it, hex as base64', () => {
    const plan = pistonPlan(
      body({
        files: [
          { name: 'blob.bin', content: 'AAEC', encoding: 'base64' },
          { name: 'main.py', content: 'import util' },
          { name: 'util.py', content: 'X = 1', encoding: 'utf8' },
          { name: 'data.hex', content: '68690a', encoding: 'hex' },
          { content: 'no name' },
        ],
      }),
      lang('python'),
      cfg,
    );
    expect(plan.body.code).toBe('import util');
    expect(plan.body.files).toEqual([
      { name: 'blob.bin', content: 'AAEC', encoding: 'base64' },
      { name: 'util.py', content: 'X = 1', encoding: 'utf8' },
      { name: 'data.hex', content: Buffer.from('hi\n').toString('base64'), encoding: 'base64' },
      { name: 'file4.code', content: 'no name', encoding: 'utf8' },
    ]);
  });

  it('refuses files it cannot place: no utf8 file, bad encodings, unsafe names', () => {
    const p = (files: unknown[]) => problem(() => pistonPlan(body({ files }), lang('python'), cfg));
    expect(p([{ content: 'AA==', encoding: 'base64' }])).toBe('files must include at least one utf8 encoded file');
    expect(p([{ content: 'x' }, { content: 'zz', encoding: 'hex' }])).toBe('files[1].content is not valid hex');
    expect(p([{ content: 'x' }, { content: 'a*b', encoding: 'base64' }])).toBe('files[1].content is not valid base64');
    expect(p([{ content: 'x' }, { name: '../etc/passwd', content: 'y' }])).toMatch(/^files\[1\]\.name must be/);
    expect(parseProblem({ language: 'c', version: '*', files: [{ content: 'x', encoding: 'utf16' }] })).toBe(
      'files[0].encoding must be one of utf8, base64, hex',
    );
  });
});
