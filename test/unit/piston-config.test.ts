import { ConfigError, loadConfig } from '../../src/config/config.js';
import { pistonPaths } from '../../src/api/app.js';

describe('Piston API configuration', () => {
  it('is on by default, at /api/v2 and under /piston', () => {
    const { piston } = loadConfig({});
    expect(piston).toEqual({ enabled: true, prefix: '/piston' });
    expect(pistonPaths(piston.prefix)).toEqual(['/api/v2', '/piston/api/v2']);
  });

  it('takes another prefix, or none (root only), and can be switched off', () => {
    expect(pistonPaths(loadConfig({ PISTON_PREFIX: '/compat/piston' }).piston.prefix)).toEqual([
      '/api/v2',
      '/compat/piston/api/v2',
    ]);
    expect(pistonPaths(loadConfig({ PISTON_PREFIX: '' }).piston.prefix)).toEqual(['/api/v2']);
    expect(loadConfig({ PISTON_ENABLED: 'false' }).piston.enabled).toBe(false);
  });

  it('refuses a prefix that is not a plain path', () => {
    for (const bad of ['piston', '/piston/', '/a b', '/x?y'])
      expect(() => loadConfig({ PISTON_PREFIX: bad })).toThrow(ConfigError);
  });
});
