import { readFileSync } from 'node:fs';
import { FIXTURES } from '../support/paths.js';
import { compareOutput, judgeOutputs } from '../../src/domain/judge-compare.js';
import type { CompareMode, JudgeResult, TestResult } from '../../src/domain/judge.js';

const shared = JSON.parse(readFileSync(`${FIXTURES}/compare-cases.json`, 'utf8')) as {
  cases: { name: string; mode: CompareMode; expected: string; actual: string; equal: boolean }[];
};

describe('output comparison, outside the sandbox', () => {
  it.each(shared.cases)('agrees with the launcher: $name', (c) => {
    const o = compareOutput(c.expected, c.actual, { mode: c.mode, abs_tol: 1e-6, rel_tol: 1e-6 });
    expect(o.equal).toBe(c.equal);
    if (!o.equal) expect(o.detail).not.toBe('');
  });

  it('names the first difference as the launcher does', () => {
    expect(compareOutput('1\n2\n', '1\n3\n', { mode: 'exact' }).detail).toBe('line 2: expected "2", got "3"');
    expect(compareOutput('1 2', '1', { mode: 'tokens' }).detail).toBe('expected 2 tokens, got 1');
  });
});

describe('judging a launcher result against the expected outputs', () => {
  const test = (stdout: string, over: Partial<TestResult> = {}): TestResult => ({
    verdict: 'Accepted',
    stdout,
    stderr: '',
    output: stdout,
    stdout_truncated: false,
    stderr_truncated: false,
    output_truncated: false,
    exit_code: 0,
    signal: null,
    cpu_time_ms: 1,
    wall_time_ms: 1,
    memory_kb: 1,
    ...over,
  });
  const result = (tests: TestResult[]): JudgeResult => ({
    verdict: 'Accepted',
    compile: null,
    tests,
    cgroup: null,
    truncated: false,
  });

  it('turns a differing accepted test into WrongAnswer, and the first failure decides', () => {
    const r = judgeOutputs(
      result([test('5\n'), test('7\n'), test('x', { verdict: 'TimeLimitExceeded', message: 'slow' })]),
      [
        { stdin: '', expected_output: '5' },
        { stdin: '', expected_output: '6' },
        { stdin: '', expected_output: 'x' },
      ],
      { mode: 'trim_trailing' },
    );
    expect(r.tests.map((t) => t.verdict)).toEqual(['Accepted', 'WrongAnswer', 'TimeLimitExceeded']);
    expect(r.verdict).toBe('WrongAnswer');
    expect(r.message).toBe('test 2: line 1: expected "6", got "7"');
  });

  it('leaves runs without expected outputs, limit verdicts and compile errors as the launcher judged them', () => {
    const r = result([test('anything')]);
    expect(judgeOutputs(r, [{ stdin: '', expected_output: null }], undefined)).toBe(r);
    expect(judgeOutputs(r, undefined, undefined)).toBe(r);
    const ce: JudgeResult = { ...r, verdict: 'CompilationError', tests: [] };
    expect(judgeOutputs(ce, [{ stdin: '', expected_output: '1' }], undefined)).toBe(ce);
  });

  it('cannot accept output that was cut', () => {
    const r = judgeOutputs(
      result([test('5', { stdout_truncated: true })]),
      [{ stdin: '', expected_output: '5' }],
      undefined,
    );
    expect(r.verdict).toBe('WrongAnswer');
  });
});
