import { InputCache } from '../../src/api/input-cache.js';
import type { RunInput } from '../../src/domain/run.js';

const input = (runId: string, codeBytes: number): RunInput =>
  ({ runId, code: 'x'.repeat(codeBytes), stdin: '' }) as unknown as RunInput;

describe('the input cache of the runs this API started', () => {
  it('keeps the newest inputs within its byte budget and drops the oldest first', () => {
    const cache = new InputCache(10_000);
    cache.set(input('a', 3000));
    cache.set(input('b', 3000));
    expect(cache.get('a')?.runId).toBe('a');
    cache.set(input('c', 3000)); // 3 x (3000 + 1024) > 10000: a goes
    expect(cache.get('a')).toBeUndefined();
    expect([cache.get('b')?.runId, cache.get('c')?.runId]).toEqual(['b', 'c']);
  });

  it('never holds an input larger than its whole budget, and replaces an entry set twice', () => {
    const cache = new InputCache(12_000);
    cache.set(input('big', 20_000));
    expect(cache.get('big')).toBeUndefined();
    cache.set(input('a', 4000));
    cache.set(input('a', 4000));
    cache.set(input('b', 4000)); // 2 x 5024 fits; 'a' counted twice would not
    expect([cache.get('a')?.runId, cache.get('b')?.runId]).toEqual(['a', 'b']);
  });
});
