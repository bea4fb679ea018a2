import { activeCount, admit, emptyAdmission, enqueue, knownRuns, release } from '../../src/domain/admission.js';
import fc from 'fast-check';

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

describe('admission between tenants', () => {
  const t = (runId: string, tenant: string, ms: number) => ({
    runId,
    pool: 'cluster',
    tenant,
    queuedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms)).toISOString(),
  });

  it("a tenant's burst does not starve another: a free slot goes to the tenant holding fewer", () => {
    const s = emptyAdmission();
    for (let i = 0; i < 10; i++) enqueue(s, t(`a${i}`, 'a', i), 2);
    enqueue(s, t('b0', 'b', 50), 2);
    enqueue(s, t('b1', 'b', 51), 2);
    expect(admit(s).map((x) => x.runId)).toEqual(['a0', 'b0']);
    release(s, 'a0');
    // a holds 0, b holds 1: a's next run goes, though b1 is waiting
    expect(admit(s).map((x) => x.runId)).toEqual(['a1']);
    release(s, 'b0');
    expect(admit(s).map((x) => x.runId)).toEqual(['b1']);
    release(s, 'b1');
    expect(admit(s).map((x) => x.runId)).toEqual(['a2']);
    expect(s.tenants).toEqual({ a: ['a1', 'a2'] });
  });

  it("first come first served within a tenant, and a tenant's own cap holds even with free slots", () => {
    const s = emptyAdmission();
    enqueue(s, t('a-late', 'a', 9), 10, 2);
    enqueue(s, t('a-early', 'a', 1), 10, 2);
    enqueue(s, t('a-mid', 'a', 5), 10, 2);
    enqueue(s, t('b', 'b', 7), 10);
    expect(admit(s).map((x) => x.runId)).toEqual(['a-early', 'b', 'a-mid']);
    expect(s.queue.map((x) => x.runId)).toEqual(['a-late']);
    release(s, 'a-mid');
    expect(admit(s).map((x) => x.runId)).toEqual(['a-late']);
  });

  it('keeps the plain order for runs without a tenant (a state carried from before tenants)', () => {
    const s = { limits: {}, active: { cluster: ['old'] }, queue: [] };
    for (const id of ['x', 'y', 'z']) enqueue(s, ticket(id), 2);
    expect(admit(s).map((x) => x.runId)).toEqual(['x']);
    release(s, 'old');
    expect(admit(s).map((x) => x.runId)).toEqual(['y']);
    expect(knownRuns(s).sort()).toEqual(['x', 'y', 'z']);
  });

  it('never exceeds a pool or a tenant cap, and admits while anything fits (random workloads)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ tenant: fc.constantFrom('a', 'b', 'c'), release: fc.boolean() }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 5 }),
        (ops, cap) => {
          const s = emptyAdmission();
          const caps: Record<string, number> = { a: 2, b: 0, c: 1 };
          ops.forEach((op, i) => {
            if (op.release && s.active.cluster?.length) release(s, s.active.cluster[0]!);
            else enqueue(s, t(`r${i}`, op.tenant, i), cap, caps[op.tenant]);
            admit(s);
            expect(s.active.cluster?.length ?? 0).toBeLessThanOrEqual(cap);
            for (const [tenant, ids] of Object.entries(s.tenants ?? {}))
              if (caps[tenant]) expect(ids.length).toBeLessThanOrEqual(caps[tenant]);
            // Nothing that fits is left waiting.
            const full = (s.active.cluster?.length ?? 0) >= cap;
            const blocked = s.queue.every(
              (q) => caps[q.tenant!] && (s.tenants?.[q.tenant!]?.length ?? 0) >= caps[q.tenant!]!,
            );
            expect(full || blocked).toBe(true);
          });
        },
      ),
    );
  });
});
