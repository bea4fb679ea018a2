import { hardLimitMs, nextStep, type PollPolicy } from '../../src/domain/run-machine.js';

/** The run's state machine in isolation: observation + elapsed time → verdict or the next wait. */
describe('run state machine', () => {
  const p: PollPolicy = {
    poll: { initialMs: 1000, maxMs: 5000, factor: 1.5, fallbackMs: 15000 },
    startTimeoutSeconds: 120,
  };
  const at = (elapsedMs: number, intervalMs = 1000) => ({ elapsedMs, intervalMs, timeoutSeconds: 10 });

  it('a final status is the verdict, with its reason', () => {
    expect(nextStep({ status: 'Succeeded', reason: 'exit code 0' }, at(0), p)).toEqual({
      kind: 'verdict',
      status: 'Succeeded',
      reason: 'exit code 0',
    });
    expect(nextStep({ status: 'OOMKilled' }, at(0), p)).toMatchObject({ status: 'OOMKilled', reason: 'OOMKilled' });
  });

  it('a vanished sandbox fails the run whatever status it last had', () => {
    expect(nextStep({ status: 'Running', vanished: true, reason: 'gone' }, at(0), p)).toEqual({
      kind: 'verdict',
      status: 'Failed',
      reason: 'gone',
    });
  });

  it('waits on a backing-off timer, or the fallback when a wake-up is armed', () => {
    expect(nextStep({ status: 'Pending' }, at(0, 1000), p)).toEqual({
      kind: 'wait',
      status: 'Pending',
      waitMs: 1000,
      nextIntervalMs: 1500,
    });
    expect(nextStep({ status: 'Running' }, at(0, 4000), p)).toMatchObject({ waitMs: 4000, nextIntervalMs: 5000 });
    expect(nextStep({ status: 'Running', wakeArmed: true }, at(0, 1000), p)).toMatchObject({ waitMs: 15000 });
  });

  it('never waits past the start timeout while Pending, then fails the run with the reason seen', () => {
    expect(nextStep({ status: 'Pending', wakeArmed: true }, at(119_000), p)).toMatchObject({ waitMs: 1000 });
    expect(nextStep({ status: 'Pending', wakeArmed: true }, at(110_000), p)).toMatchObject({ waitMs: 10_000 });
    expect(nextStep({ status: 'Pending', reason: 'no node fits' }, at(120_000), p)).toEqual({
      kind: 'verdict',
      status: 'Failed',
      reason: 'did not start within 120s: no node fits',
    });
    // Running is past the start guard: only the hard limit applies
    expect(nextStep({ status: 'Running' }, at(150_000), p)).toMatchObject({ kind: 'wait' });
  });

  it('ends a run Kubernetes never decides at the hard limit', () => {
    const hard = hardLimitMs(10, p);
    expect(hard).toBe((10 + 120 + 60) * 1000);
    expect(nextStep({ status: 'Running', wakeArmed: true }, at(hard - 300), p)).toMatchObject({ waitMs: 300 });
    expect(nextStep({ status: 'Running' }, at(hard), p)).toMatchObject({
      kind: 'verdict',
      status: 'Failed',
      reason: 'run exceeded its hard limit without a verdict from Kubernetes',
    });
  });
});
