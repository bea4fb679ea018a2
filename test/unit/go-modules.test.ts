import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from '../support/paths.js';

/**
 * The project's Go programs: the local cluster's NetworkPolicy CNI plugin (security-critical: selectors,
 * policy types, fail closed) and the sandbox launcher (limits, floods, signals, orphans, verdicts). Their
 * own `go test` suites run here, and gofmt/vet must be clean.
 */
const MODULES = [
  { dir: 'localcluster/netpol-cni', minTests: 14 },
  { dir: 'launcher', minTests: 100 },
];

describe.each(MODULES)('Go module $dir', ({ dir, minTests }) => {
  const cwd = `${REPO_ROOT}${dir}`;
  const go = (...args: string[]) =>
    execFileSync('go', args, { cwd, encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0' } });

  it('is gofmt- and vet-clean', () => {
    expect(execFileSync('gofmt', ['-l', '.'], { cwd, encoding: 'utf8' })).toBe('');
    go('vet', './...');
  }, 300_000);

  it('passes its own tests', () => {
    const events = go('test', '-count=1', '-json', './...')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { Action: string; Test?: string });
    const failed = events.filter((e) => e.Test && e.Action === 'fail').map((e) => e.Test);
    expect(failed).toEqual([]);
    expect(events.filter((e) => e.Test && e.Action === 'pass').length).toBeGreaterThanOrEqual(minTests);
  }, 300_000);
});
