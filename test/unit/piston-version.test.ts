import { coerceVersion, satisfies, type Version } from '../../src/api/piston/version.js';

const v = (s: string): Version => {
  const c = coerceVersion(s);
  if (!c) throw new Error(`not a version: ${s}`);
  return c;
};

describe('Piston version selectors (npm SemVer ranges, as Piston matches them)', () => {
  it('coerces our toolchain versions to SemVer, and has none for an unknown one', () => {
    expect(coerceVersion('3.13.5')).toEqual([3, 13, 5]);
    expect(coerceVersion('1.24')).toEqual([1, 24, 0]);
    expect(coerceVersion('21.0.8+9-Debian')).toEqual([21, 0, 8]);
    expect(coerceVersion('9')).toEqual([9, 0, 0]);
    expect(coerceVersion(null)).toBeNull();
    expect(coerceVersion('unknown')).toBeNull();
  });

  it.each([
    ['*', true],
    ['x', true],
    ['3', true],
    ['3.x', true],
    ['3.11', true],
    ['3.11.x', true],
    ['3.11.2', true],
    ['v3.11.2', true],
    ['=3.11.2', true],
    ['3.11.3', false],
    ['3.10', false],
    ['2', false],
    ['2.x', false],
    ['>=3.10', true],
    ['>= 3.10.0 <4', true],
    ['>3.11', false],
    ['>3.11.1', true],
    ['>3', false],
    ['<3.11', false],
    ['<3.12', true],
    ['<=3.11', true],
    ['<=3.10.9', false],
    ['~3.11.0', true],
    ['~3.11.3', false],
    ['~3', true],
    ['^3.10.0', true],
    ['^3.12', false],
    ['^2.7', false],
    ['3.9 - 3.11', true],
    ['3.9 - 3.10', false],
    ['3.12.0 - 4', false],
    ['2.x || 3.11.x', true],
    ['2.x || 3.10.x', false],
  ])('3.11.2 satisfies %s: %s', (selector, expected) => {
    expect(satisfies(v('3.11.2'), selector)).toBe(expected);
  });

  it('follows ^ on a zero major or minor: only the left-most non-zero part is fixed', () => {
    expect(satisfies(v('0.2.5'), '^0.2.3')).toBe(true);
    expect(satisfies(v('0.3.0'), '^0.2.3')).toBe(false);
    expect(satisfies(v('0.0.3'), '^0.0.3')).toBe(true);
    expect(satisfies(v('0.0.4'), '^0.0.3')).toBe(false);
  });

  it('matches nothing for a selector that is not a range (Piston: the runtime is unknown)', () => {
    for (const s of ['latest', 'python3', '3.11.2-beta', '>>3', '3..1', '01.2', ''.padEnd(3, '!')])
      expect(satisfies(v('3.11.2'), s)).toBe(false);
  });
});
