import { boundByTenant } from '../../src/domain/tenant-maxima.js';
import type { RunInput } from '../../src/domain/run.js';
import { runLimits, sandboxMemoryMb } from '../../src/domain/launcher-spec.js';

const input = (over: Partial<RunInput> = {}): RunInput => ({
  runId: 'r1',
  language: 'python',
  code: 'print(1)',
  stdin: '',
  timeoutSeconds: 10,
  sandbox: { image: 'img', fileName: 'main.py', command: ['python3', 'main.py'], launcher: 'image' },
  client: 'native',
  createdAt: '2026-12-06T00:00:00.000Z',
  ...over,
});

describe("a tenant's maxima of time and memory (pure)", () => {
  it('leaves a run within the maxima as it is', () => {
    const i = input({ limits: { memory_mb: 128 } });
    expect(boundByTenant(i, { maxTimeoutSeconds: 30, maxMemoryMb: 256 })).toEqual({ input: i });
    expect(boundByTenant(i, {})).toEqual({ input: i });
  });

  it('refuses, field by field, what the client asked for over a maximum', () => {
    const r = boundByTenant(input({ timeoutSeconds: 60, limits: { cpu_time_ms: 40_000, memory_mb: 512 } }), {
      maxTimeoutSeconds: 30,
      maxMemoryMb: 256,
    });
    expect('violations' in r && r.violations.map((v) => v.field)).toEqual([
      'body.timeout_seconds',
      'body.limits.cpu_time_ms',
      'body.limits.memory_mb',
    ]);
  });

  it('lowers what the API filled in (the default timeout, the language and launcher defaults) to the maxima', () => {
    const i = input({
      timeoutSeconds: 10,
      sandbox: { ...input().sandbox, runLimits: { wall_time_ms: 20_000, memory_mb: 512 } },
    });
    const r = boundByTenant(i, { maxTimeoutSeconds: 5, maxMemoryMb: 128 }, ['timeout_seconds']);
    if (!('input' in r)) throw new Error(JSON.stringify(r));
    expect(r.input.timeoutSeconds).toBe(5);
    expect(runLimits(r.input)).toMatchObject({ wall_time_ms: 5_000, cpu_time_ms: 5_000, memory_mb: 128 });
    // The launcher's own default (256 MB) is lowered too, so the sandbox's memory follows.
    const plain = boundByTenant(input(), { maxMemoryMb: 100 });
    if (!('input' in plain)) throw new Error('refused');
    expect(runLimits(plain.input).memory_mb).toBe(100);
    expect(sandboxMemoryMb(plain.input)).toBe(164);
  });

  it('lowers a compatible API default over a maximum instead of refusing it', () => {
    const i = input({ limits: { wall_time_ms: 10_000, cpu_time_ms: 5_000, memory_mb: 500 } });
    const all = ['timeout_seconds', 'wall_time_ms', 'cpu_time_ms', 'memory_mb'] as const;
    const r = boundByTenant(i, { maxTimeoutSeconds: 4, maxMemoryMb: 200 }, all);
    if (!('input' in r)) throw new Error(JSON.stringify(r));
    expect(r.input.timeoutSeconds).toBe(4);
    expect(r.input.limits).toEqual({ wall_time_ms: 4_000, cpu_time_ms: 4_000, memory_mb: 200 });
  });
});
