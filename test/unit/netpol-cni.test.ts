import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from '../support/paths.js';

/**
 * The local cluster's NetworkPolicy CNI plugin (localcluster/netpol-cni, Go) is security-critical: its own unit
 * tests (selectors, policy types, fail closed) run here with `go test`, and gofmt/vet must be clean.
 */
describe('NetworkPolicy CNI plugin (Go)', () => {
  const dir = `${REPO_ROOT}localcluster/netpol-cni`;
  const go = (...args: string[]) =>
    execFileSync('go', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0' } });

  it('is gofmt- and vet-clean', () => {
    expect(execFileSync('gofmt', ['-l', '.'], { cwd: dir, encoding: 'utf8' })).toBe('');
    go('vet', './...');
  });

  it('passes its unit tests', () => {
    const events = go('test', '-json', './...')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { Action: string; Test?: string });
    const passed = events.filter((e) => e.Test && e.Action === 'pass').length;
    const failed = events.filter((e) => e.Test && e.Action === 'fail').map((e) => e.Test);
    expect(failed).toEqual([]);
    expect(passed).toBeGreaterThanOrEqual(14);
  }, 300_000);
});
