import { loadConfig } from '../../src/config/config.js';
import { auditedRequest } from '../../src/api/keys/audit-refusals.js';

describe('which requests are submissions and cancels (audit)', () => {
  const cfg = loadConfig({});
  it('knows the native, Judge0 and Piston submissions and the native cancel', () => {
    expect(auditedRequest('POST', '/runs', cfg)).toEqual({ kind: 'run.submit', client: 'native', runId: null });
    expect(auditedRequest('POST', '/runs/sync/', cfg)?.client).toBe('native');
    expect(auditedRequest('POST', '/api/run/sync', cfg)?.client).toBe('native');
    expect(auditedRequest('DELETE', '/runs/abc-1', cfg)).toEqual({
      kind: 'run.cancel',
      client: 'native',
      runId: 'abc-1',
    });
    for (const p of ['/submissions', '/submissions/batch', '/judge0/submissions', '/judge0/submissions/batch'])
      expect(auditedRequest('POST', p, cfg)?.client).toBe('judge0');
    for (const p of ['/api/v2/execute', '/piston/api/v2/execute'])
      expect(auditedRequest('POST', p, cfg)?.client).toBe('piston');
  });

  it('leaves reads and other paths alone', () => {
    for (const [m, p] of [
      ['GET', '/runs'],
      ['GET', '/runs/abc'],
      ['POST', '/runs/abc'],
      ['DELETE', '/submissions/abc'],
      ['POST', '/api/v2/packages'],
      ['GET', '/judge0/submissions'],
    ] as const)
      expect(auditedRequest(m, p, cfg)).toBeNull();
    expect(auditedRequest('POST', '/api/v2/execute', loadConfig({ PISTON_ENABLED: 'false' }))).toBeNull();
  });
});
