import type { LanguageView } from '../../domain/run-view.js';
import type { LanguageSpec } from '../../domain/run.js';
import { coerceVersion, formatVersion, satisfies, type Version } from './version.js';

/** Pure: our language registry as Piston's runtimes, and how a Piston request finds one. */

/** `GET /api/v2/runtimes` items. */
export interface PistonRuntime {
  language: string;
  version: string;
  aliases: string[];
}

/** One of our languages as a Piston runtime. */
export interface Runtime {
  spec: LanguageSpec;
  /** Our toolchain's version as SemVer; null when the image catalog does not tell it. */
  version: Version | null;
  aliases: string[];
}

/** Names Piston's own packages use (packages/<name>/<version>/metadata.json) that our registry lacks. */
const PISTON_ALIASES: Record<string, string[]> = {
  python: ['py3'],
  javascript: ['node-javascript', 'node-js'],
  typescript: ['node-ts'],
  csharp: ['mono-csharp', 'mono-c#', 'mono-cs'],
  erlang: ['escript'],
  prolog: ['plg'],
  pascal: ['pp'],
  scala: ['sc'],
  php: ['php8'],
  ruby: ['ruby3'],
};

/** A language unknown to the catalog is listed as 0.0.0: a version clients can parse, and send back. */
export const UNKNOWN_VERSION = '0.0.0';

/**
 * The languages a run can use now: every one except those whose image is known not to have landed
 * (available: false); with no image catalog, all of them.
 */
export function runtimesOf(views: LanguageView[], specs: LanguageSpec[]): Runtime[] {
  return specs.flatMap((spec) => {
    const view = views.find((v) => v.id === spec.id);
    if (view?.available === false) return [];
    const aliases = [...(spec.aliases ?? []), ...(PISTON_ALIASES[spec.id] ?? [])];
    return [{ spec, version: coerceVersion(view?.version ?? null), aliases: [...new Set(aliases)] }];
  });
}

export const versionText = (rt: Runtime): string => (rt.version ? formatVersion(rt.version) : UNKNOWN_VERSION);

export function pistonRuntimes(runtimes: Runtime[]): PistonRuntime[] {
  return runtimes.map((rt) => ({ language: rt.spec.id, version: versionText(rt), aliases: rt.aliases }));
}

/**
 * The runtime a request names: its language by id or alias (case-insensitive), its version by Piston's
 * SemVer selector. A language whose version we do not know accepts any selector: we cannot tell it is not
 * the one asked for.
 */
export function findRuntime(runtimes: Runtime[], language: string, selector: string): Runtime | undefined {
  const name = language.trim().toLowerCase();
  return runtimes.find(
    (rt) =>
      (rt.spec.id === name || rt.aliases.some((a) => a.toLowerCase() === name)) &&
      (rt.version === null || satisfies(rt.version, selector)),
  );
}
