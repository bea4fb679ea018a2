import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { interpret, interpretPod } from '../../src/kube/sandbox/interpret.js';

const job = (conditions: NonNullable<V1Job['status']>['conditions'] = []): V1Job => ({
  metadata: { name: 'run-x' },
  spec: { template: {}, activeDeadlineSeconds: 40 },
  status: { conditions },
});
const pod = (state: object, extra: Partial<NonNullable<V1Pod['status']>> = {}): V1Pod => ({
  metadata: { name: 'run-x-abc', creationTimestamp: new Date('2026-11-22T10:00:00Z') },
  spec: { nodeName: 'node-1', containers: [] },
  status: {
    containerStatuses: [{ name: 'run', image: 'img:1', imageID: '', ready: false, restartCount: 0, state }],
    ...extra,
  },
});
const t0 = new Date('2026-11-22T10:00:01Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

describe('interpret', () => {
  it('a vanished Job is a failure with a reason', () => {
    expect(interpret(null, [], 5)).toMatchObject({ status: 'Failed', vanished: true });
  });
  it('no pod yet is Pending', () => {
    expect(interpret(job(), [], 5).status).toBe('Pending');
  });
  it('a running container is Running on its node', () => {
    expect(interpret(job(), [pod({ running: { startedAt: t0 } })], 5)).toMatchObject({
      status: 'Running',
      podName: 'run-x-abc',
      nodeName: 'node-1',
      startedAt: t0.toISOString(),
    });
  });
  it('exit 0 is Succeeded, other codes Failed with the code (and signal) in words', () => {
    expect(interpret(job(), [pod({ terminated: { exitCode: 0, startedAt: t0, finishedAt: at(1) } })], 5).status).toBe(
      'Succeeded',
    );
    expect(interpret(job(), [pod({ terminated: { exitCode: 3, startedAt: t0, finishedAt: at(1) } })], 5)).toMatchObject(
      {
        status: 'Failed',
        exitCode: 3,
        reason: 'exit code 3',
      },
    );
    expect(interpret(job(), [pod({ terminated: { exitCode: 139, startedAt: t0, finishedAt: at(1) } })], 5).reason).toBe(
      'exit code 139 (killed by SIGSEGV)',
    );
  });
  it('OOMKilled is its own verdict', () => {
    expect(
      interpret(
        job(),
        [pod({ terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: t0, finishedAt: at(1) } })],
        5,
      ).status,
    ).toBe('OOMKilled');
  });
  it('the in-sandbox time limit (exit 124, or SIGKILL after the limit) is Timeout', () => {
    expect(interpret(job(), [pod({ terminated: { exitCode: 124, startedAt: t0, finishedAt: at(5) } })], 5).status).toBe(
      'Timeout',
    );
    expect(interpret(job(), [pod({ terminated: { exitCode: 137, startedAt: t0, finishedAt: at(7) } })], 5).status).toBe(
      'Timeout',
    );
    expect(interpret(job(), [pod({ terminated: { exitCode: 137, startedAt: t0, finishedAt: at(1) } })], 5).status).toBe(
      'Failed',
    );
  });
  it('the Job deadline is Timeout', () => {
    const o = interpret(job([{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded' }]), [], 5);
    expect(o.status).toBe('Timeout');
    expect(o.reason).toContain('deadline');
  });
  it('a missing image fails fast and says which image', () => {
    const o = interpret(job(), [pod({ waiting: { reason: 'ErrImageNeverPull' } })], 5);
    expect(o).toMatchObject({ status: 'Failed', permanent: true });
    expect(o.reason).toContain('img:1');
    expect(o.reason).toContain('ErrImageNeverPull');
  });
  it('an unschedulable pod stays Pending with the scheduler message', () => {
    const o = interpret(
      job(),
      [
        pod(
          {},
          { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes' }] },
        ),
      ],
      5,
    );
    expect(o.status).toBe('Pending');
    expect(o.reason).toContain('0/1 nodes');
  });
  it('an evicted pod is Failed with the kubelet message', () => {
    const o = interpret(job(), [pod({}, { phase: 'Failed', reason: 'Evicted', message: 'ephemeral storage' })], 5);
    expect(o).toMatchObject({ status: 'Failed' });
    expect(o.reason).toContain('Evicted');
  });
  it('a Job suspended for Kueue is Pending and says so', () => {
    const suspended: V1Job = { ...job(), spec: { template: {}, suspend: true } };
    expect(interpret(suspended, [], 5)).toMatchObject({
      status: 'Pending',
      held: true,
      reason: expect.stringContaining('Kueue'),
    });
    // Admitted (unsuspended), its pod not there yet: no longer held.
    expect(interpret({ ...suspended, spec: { template: {}, suspend: false } }, [], 5).held).toBeUndefined();
  });
});

describe('interpretPod (a bare Pod sandbox)', () => {
  const bare = (state: object, extra: Partial<NonNullable<V1Pod['status']>> = {}): V1Pod => {
    const p = pod(state, extra);
    return { ...p, spec: { ...p.spec!, activeDeadlineSeconds: 40 } };
  };
  it('a vanished pod is a failure that names the pod', () => {
    expect(interpretPod(null, 5)).toMatchObject({
      status: 'Failed',
      vanished: true,
      reason: expect.stringContaining('pod'),
    });
  });
  it('reads the container exactly as in a Job: exit 0, exit codes, the time limit', () => {
    const ok = interpretPod(bare({ terminated: { exitCode: 0, startedAt: t0, finishedAt: at(1) } }), 5);
    expect(ok).toMatchObject({ status: 'Succeeded', podName: 'run-x-abc', nodeName: 'node-1' });
    expect(interpretPod(bare({ terminated: { exitCode: 3, startedAt: t0, finishedAt: at(1) } }), 5).status).toBe(
      'Failed',
    );
    expect(interpretPod(bare({ terminated: { exitCode: 124, startedAt: t0, finishedAt: at(5) } }), 5).status).toBe(
      'Timeout',
    );
    expect(interpretPod(bare({ running: { startedAt: t0 } }), 5).status).toBe('Running');
  });
  it('the kubelet-enforced pod deadline is Timeout', () => {
    const o = interpretPod(
      bare({}, { phase: 'Failed', reason: 'DeadlineExceeded', message: 'Pod was active too long' }),
      5,
    );
    expect(o.status).toBe('Timeout');
    expect(o.reason).toBe('pod deadline exceeded (40s including start-up)');
  });
  it('other pod failures (eviction) are Failed with the kubelet message', () => {
    const o = interpretPod(bare({}, { phase: 'Failed', reason: 'Evicted', message: 'ephemeral storage' }), 5);
    expect(o).toMatchObject({ status: 'Failed', reason: expect.stringContaining('Evicted') });
  });
  it('a pod held by a scheduling gate (Kueue) is Pending and says so', () => {
    const gated: V1Pod = {
      ...bare({}),
      spec: { containers: [], schedulingGates: [{ name: 'kueue.x-k8s.io/admission' }] },
    };
    expect(interpretPod(gated, 5)).toMatchObject({
      status: 'Pending',
      held: true,
      reason: expect.stringContaining('kueue.x-k8s.io/admission'),
    });
    expect(interpretPod(bare({}), 5).held).toBeUndefined();
    // Its gates removed, the scheduler not there yet: no "waiting for a node" from the stale condition.
    const ungated: V1Pod = {
      ...bare({}),
      status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] },
    };
    const o = interpretPod(ungated, 5);
    expect([o.status, o.reason]).toEqual(['Pending', undefined]);
  });
});
