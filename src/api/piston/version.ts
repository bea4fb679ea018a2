/**
 * Pure: SemVer for Piston's `version` field. Piston matches a runtime with `semver.satisfies(version,
 * selector)`; this is the same range grammar (npm's, without prerelease tags, which our versions never
 * carry): `*`, `x`, partial versions (`3`, `3.11`, `3.x`), comparators (`>=3.10 <4`), `~`, `^`, hyphen
 * ranges (`3.9 - 3.12`) and `||`. An invalid selector matches nothing, as in Piston.
 */

export type Version = readonly [number, number, number];

/** Our toolchain's version ("3.13.5", "1.24", "21.0.8+9") as a full SemVer, or null when there is none. */
export function coerceVersion(raw: string | null): Version | null {
  const m = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(raw ?? '');
  if (!m) return null;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

export const formatVersion = (v: Version): string => v.join('.');

/** A version as written in a selector: missing or wildcard parts are null ("3.x" → [3, null, null]). */
type Loose = [number | null, number | null, number | null];
type Test = (v: Version) => boolean;

const PART = '(?:0|[1-9]\\d*|[xX*])';
const PARTIAL = new RegExp(`^v?(${PART})(?:\\.(${PART})(?:\\.(${PART}))?)?$`);

function parsePartial(s: string): Loose | null {
  if (s === '' || s === '*' || s === 'x' || s === 'X') return [null, null, null];
  const m = PARTIAL.exec(s);
  if (!m) return null;
  const part = (p: string | undefined) => (p === undefined || /^[xX*]$/.test(p) ? null : Number(p));
  const [a, b, c] = [part(m[1]), part(m[2]), part(m[3])];
  // After a wildcard every part is a wildcard ("3.x.5" means "3.x").
  return [a, a === null ? null : b, a === null || b === null ? null : c];
}

const cmp = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
const gte =
  (lo: Version): Test =>
  (v) =>
    cmp(v, lo) >= 0;
const lt =
  (hi: Version): Test =>
  (v) =>
    cmp(v, hi) < 0;
const and =
  (...ts: Test[]): Test =>
  (v) =>
    ts.every((t) => t(v));
const any: Test = () => true;
const none: Test = () => false;

/** Lowest version a partial allows, and the first version past it ("3.11" → 3.11.0 and 3.12.0). */
function bounds(p: Loose): { lo: Version; next: Version | null } {
  const [a, b, c] = p;
  if (a === null) return { lo: [0, 0, 0], next: null };
  if (b === null) return { lo: [a, 0, 0], next: [a + 1, 0, 0] };
  if (c === null) return { lo: [a, b, 0], next: [a, b + 1, 0] };
  return { lo: [a, b, c], next: [a, b, c + 1] };
}

function comparator(op: string, p: Loose): Test {
  const { lo, next } = bounds(p);
  switch (op) {
    case '':
    case '=':
      return next ? and(gte(lo), lt(next)) : any;
    case '>=':
      return gte(lo);
    case '<':
      return p[0] === null ? none : lt(lo);
    case '>':
      return next ? gte(next) : none;
    case '<=':
      return next ? lt(next) : any;
    case '~':
      // ~3.11.2 := >=3.11.2 <3.12.0; ~3 := >=3.0.0 <4.0.0
      if (p[0] === null) return any;
      return and(gte(lo), lt(p[1] === null ? [p[0] + 1, 0, 0] : [p[0], p[1] + 1, 0]));
    case '^': {
      // ^ allows changes that do not modify the left-most non-zero part.
      const [a, b, c] = p;
      if (a === null) return any;
      if (a > 0 || b === null) return and(gte(lo), lt([a + 1, 0, 0]));
      if (b > 0 || c === null) return and(gte(lo), lt([0, b + 1, 0]));
      return and(gte(lo), lt([0, 0, c + 1]));
    }
    default:
      return none;
  }
}

/** One `||` alternative: a hyphen range, or comparators that must all hold. */
function alternative(text: string): Test | null {
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
  if (hyphen) {
    const [from, to] = [parsePartial(hyphen[1] ?? ''), parsePartial(hyphen[2] ?? '')];
    if (!from || !to) return null;
    return and(gte(bounds(from).lo), comparator('<=', to));
  }
  // "> = 3" is not valid, ">= 3" is: an operator may be followed by spaces.
  const tokens = text
    .replace(/(>=|<=|[<>=~^])\s+/g, '$1')
    .split(/\s+/)
    .filter(Boolean);
  const tests: Test[] = [];
  for (const token of tokens.length ? tokens : ['*']) {
    const m = /^(>=|<=|[<>=~^]?)(.*)$/.exec(token);
    const p = parsePartial(m?.[2] ?? '');
    if (!m || !p) return null;
    tests.push(comparator(m[1] ?? '', p));
  }
  return and(...tests);
}

/** Does `version` satisfy Piston's `selector`? */
export function satisfies(version: Version, selector: string): boolean {
  const alternatives = selector.trim().split('||');
  return alternatives.some((alt) => alternative(alt.trim().replace(/^~>/, '~'))?.(version) ?? false);
}
