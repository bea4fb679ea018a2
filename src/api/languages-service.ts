import type { Config } from '../config/config.js';
import type { LanguageSpec } from '../domain/run.js';
import { type ImageCatalog, languageVersion } from '../kube/image-catalog.js';
import { HttpError } from './http-error.js';
import type { LanguageView } from '../domain/run-view.js';

export type { LanguageView };

/** The registry joined with the image catalog: versions, and which images have landed. */
export class LanguagesService {
  constructor(
    private readonly cfg: Config,
    private readonly catalog: ImageCatalog | null,
  ) {}

  async list(): Promise<LanguageView[]> {
    const catalog = (await this.catalog?.read()) ?? null;
    return this.cfg.languages.map((l) => {
      const entry = l.imageName ? catalog?.get(l.imageName) : undefined;
      const tools = [l.compile?.[0], l.command[0]].filter((t): t is string => !!t).map(toolName);
      const v = languageVersion(entry, l.id, tools);
      return {
        id: l.id,
        name: l.displayName,
        version: v.version,
        version_detail: v.detail,
        available: catalog && l.imageName ? entry !== undefined : null,
        compiled: l.compile !== undefined,
        aliases: l.aliases ?? [],
        image: l.image,
        file_name: l.fileName,
        editor_mode: l.editorMode ?? null,
      };
    });
  }

  /** Refuses a language whose image is known not to have landed yet (it would wait for a pull that fails). */
  async requireAvailable(lang: LanguageSpec): Promise<void> {
    const view = (await this.list()).find((l) => l.id === lang.id);
    if (view?.available === false)
      throw new HttpError(
        503,
        'language_unavailable',
        `the image for ${lang.id} is still being built; try again in a few minutes`,
        [{ field: 'body.language', message: 'image not on the cluster yet' }],
      );
  }
}

/** `./main` → main, `/usr/bin/python3` → python3, `-O2` → '' (not a tool). */
const toolName = (argv0: string) => (argv0.startsWith('-') ? '' : (argv0.split('/').pop() ?? ''));
