import type { KubeClients } from './client.js';
import { isNotFound } from './client.js';

/**
 * The image catalog: a ConfigMap that `scripts/images.sh import` keeps, one key per image
 * (`{"ref", "versions": [...], "digest"}`), so the API can tell which languages' images have landed on
 * the cluster and which toolchain versions they hold. Read at most every `ttlMs`.
 */
export interface CatalogEntry {
  ref: string;
  versions: string[];
}

/** null: there is no catalog (images provided by the operator): every language counts as available. */
export type Catalog = Map<string, CatalogEntry> | null;

export class ImageCatalog {
  private cached: { at: number; catalog: Catalog } | null = null;

  constructor(
    private readonly kube: Pick<KubeClients, 'core'>,
    private readonly namespace: string,
    private readonly name: string,
    private readonly ttlMs = 10_000,
  ) {}

  async read(now = Date.now()): Promise<Catalog> {
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached.catalog;
    const catalog = await this.kube.core
      .readNamespacedConfigMap({ name: this.name, namespace: this.namespace })
      .then((cm) => parseCatalog(cm.data ?? {}))
      .catch((err: unknown) => {
        if (isNotFound(err)) return null;
        return this.cached?.catalog ?? null; // the API server is away: keep what we knew
      });
    this.cached = { at: now, catalog };
    return catalog;
  }
}

export function parseCatalog(data: Record<string, string>): Map<string, CatalogEntry> {
  const out = new Map<string, CatalogEntry>();
  for (const [key, value] of Object.entries(data)) {
    try {
      const e = JSON.parse(value) as Partial<CatalogEntry>;
      if (typeof e.ref === 'string')
        out.set(key, { ref: e.ref, versions: Array.isArray(e.versions) ? e.versions.map(String) : [] });
    } catch {
      // a malformed entry is skipped; the others still count
    }
  }
  return out;
}

/**
 * A language's version from its image's version lines: a line `<id>: ...` if the image names it, else the
 * line that mentions the language's compiler or interpreter, else the first. `version` is its first
 * dotted number.
 */
export function languageVersion(
  entry: CatalogEntry | undefined,
  id: string,
  tools: string[],
): { version: string | null; detail: string | null } {
  if (!entry?.versions.length) return { version: null, detail: null };
  const tagged = entry.versions.find((v) => v.startsWith(`${id}: `));
  const line =
    tagged?.slice(id.length + 2) ??
    entry.versions.find((v) => tools.some((t) => t && v.toLowerCase().includes(t.toLowerCase()))) ??
    entry.versions[0] ??
    null;
  return { version: line ? (/\d+(?:\.\d+)+/.exec(line)?.[0] ?? null) : null, detail: line };
}
