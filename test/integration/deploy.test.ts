import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths.js';

/**
 * The Helm chart and KEDA, deployed for real on the project's cluster by the smoke scripts (each prints
 * PASS/FAIL lines and "N passed, N failed"): the chart's pods run this build's app image, and KEDA's
 * operator and metrics adapter (built from source) scale its worker Deployment.
 */
function smoke(script: string, timeoutMs: number) {
  const r = spawnSync('bash', [join(REPO_ROOT, 'scripts', script)], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, KEEP: '0' },
  });
  const lines = `${r.stdout}\n${r.stderr}`.split('\n');
  return {
    exit: r.status,
    failures: lines.filter((l) => l.startsWith('FAIL') || l.startsWith('ERROR')),
    summary:
      lines.filter((l) => /^\d+ passed, \d+ failed$/.test(l)).pop() ?? `no summary: ${lines.slice(-5).join(' | ')}`,
  };
}

describe('deployment on the local cluster', () => {
  beforeAll(() => {
    // The image of this build, not one left by an earlier build.
    execFileSync('bash', [join(REPO_ROOT, 'scripts/app-image.sh')], { stdio: 'ignore', timeout: 300_000 });
  }, 330_000);

  it('the Helm chart: a run through the in-cluster API, the NetworkPolicy, RBAC (scripts/helm-smoke.sh)', () => {
    expect(smoke('helm-smoke.sh', 400_000)).toEqual({ exit: 0, failures: [], summary: '20 passed, 0 failed' });
  }, 420_000);

  it('KEDA scales the worker on the true queue and back (scripts/keda-smoke.sh)', () => {
    expect(smoke('keda-smoke.sh', 500_000)).toEqual({ exit: 0, failures: [], summary: '7 passed, 0 failed' });
  }, 520_000);
});
