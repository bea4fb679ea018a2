import { activeCount, admit, emptyAdmission, enqueue, knownRuns, release } from '../../src/domain/admission.js';

const ticket = (runId: string, pool = 'cluster', queuedAt = '2026-01-01T00:00:00.000Z') => ({ runId, pool, queuedAt });

describe('admission (pure semaphore)', () => {
  it('admits up to the limit, first come first served, and queues the rest in order', () => {
    const s = emptyAdmission();
    for (const id of ['a', 'b', 'c', 'd']) enqueue(s, ticket(id), 2);
    expect(admit(s).map((t) => t.runId)).toEqual(['a', 'b']);
    expect(s.queue.map((t) => t.runId)).toEqual(['c', 'd']);
    expect(admit(s)).toEqual([]);
    expect(release(s, 'b')).toBe(true);
    expect(admit(s).map((t) => t.runId)).toEqual(['c']);
    expect(activeCount(s)).toBe(2);
  });

  it('ignores a repeated request (activity retry) and a release of an unknown run', () => {
    const s = emptyAdmission();
    enqueue(s, ticket('a'), 1);
    admit(s);
    enqueue(s, ticket('a'), 1);
    enqueue(s, ticket('b'), 1);
    enqueue(s, ticket('b'), 1);
    expect(s.queue.map((t) => t.runId)).toEqual(['b']);
    expect(release(s, 'zzz')).toBe(false);
    expect(knownRuns(s).sort()).toEqual(['a', 'b']);
  });

  it('a queued run that leaves (cancelled) gives up its place without taking a slot', () => {
    const s = emptyAdmission();
    for (const id of ['a', 'b', 'c']) enqueue(s, ticket(id), 1);
    admit(s);
    expect(release(s, 'b')).toBe(true);
    release(s, 'a');
    expect(admit(s).map((t) => t.runId)).toEqual(['c']);
  });

  it('orders waiting runs by acceptance time, whatever order their requests arrive in', () => {
    const s = emptyAdmission();
    enqueue(s, ticket('holder', 'cluster', '2026-01-01T00:00:00.000Z'), 1);
    enqueue(s, ticket('late', 'cluster', '2026-01-01T00:00:00.300Z'), 1);
    enqueue(s, ticket('early', 'cluster', '2026-01-01T00:00:00.100Z'), 1);
    enqueue(s, ticket('tie', 'cluster', '2026-01-01T00:00:00.100Z'), 1);
    admit(s);
    expect(s.queue.map((t) => t.runId)).toEqual(['early', 'tie', 'late']);
  });

  it('pools are independent and take their limit from the latest request', () => {
    const s = emptyAdmission();
    enqueue(s, ticket('p1', 'language:python'), 1);
    enqueue(s, ticket('p2', 'language:python'), 1);
    enqueue(s, ticket('j1', 'language:javascript'), 1);
    expect(admit(s).map((t) => t.runId)).toEqual(['p1', 'j1']);
    enqueue(s, ticket('p3', 'language:python'), 3); // the cap was raised
    expect(admit(s).map((t) => t.runId)).toEqual(['p2', 'p3']);
    expect(activeCount(s)).toBe(4);
  });
});
