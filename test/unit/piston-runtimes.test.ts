import { loadConfig } from '../../src/config/config.js';
import { findRuntime, pistonRuntimes, runtimesOf } from '../../src/api/piston/runtimes.js';
import type { LanguageView } from '../../src/domain/run-view.js';

const cfg = loadConfig({});
const view = (id: string, version: string | null, available: boolean | null): LanguageView => ({
  id,
  name: id,
  version,
  version_detail: version,
  available,
  compiled: false,
  aliases: [],
  image: 'img',
  file_name: 'main',
  editor_mode: null,
});
const views = [view('python', '3.13.5', true), view('cpp', '14.2', true), view('java', '21.0.8', false)];
const runtimes = runtimesOf(views, cfg.languages);

describe('our languages as Piston runtimes', () => {
  it('lists every language whose image is not known to be missing, with SemVer versions and aliases', () => {
    const list = pistonRuntimes(runtimes);
    expect(list.find((r) => r.language === 'python')).toEqual({
      language: 'python',
      version: '3.13.5',
      aliases: ['py', 'python3', 'py3'],
    });
    expect(list.find((r) => r.language === 'cpp')?.version).toBe('14.2.0');
    expect(list.find((r) => r.language === 'cpp')?.aliases).toContain('c++');
    expect(list.find((r) => r.language === 'java')).toBeUndefined();
    // Not in the catalog's views: version unknown, still listed.
    expect(list.find((r) => r.language === 'ruby')?.version).toBe('0.0.0');
    expect(list).toHaveLength(cfg.languages.length - 1);
  });

  it('finds a runtime by id or alias, any case, and by SemVer selector', () => {
    expect(findRuntime(runtimes, 'Python', '3.x')?.spec.id).toBe('python');
    expect(findRuntime(runtimes, 'PY3', '*')?.spec.id).toBe('python');
    expect(findRuntime(runtimes, 'c++', '>=14')?.spec.id).toBe('cpp');
    expect(findRuntime(runtimes, 'python', '3.13.5')?.spec.id).toBe('python');
    expect(findRuntime(runtimes, 'python', '3.10.0')).toBeUndefined();
    expect(findRuntime(runtimes, 'cobol', '*')).toBeUndefined();
    expect(findRuntime(runtimes, 'java', '*')).toBeUndefined();
  });

  it('accepts any selector for a language whose version is not known', () => {
    expect(findRuntime(runtimes, 'ruby', '3.0.1')?.spec.id).toBe('ruby');
  });
});
