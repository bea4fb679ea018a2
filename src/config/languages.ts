import type { LanguageSpec } from '../domain/run.js';

/**
 * The default language registry. It is data: LANGUAGES_FILE replaces it with a JSON array of the same
 * shape, and SANDBOX_IMAGE_<LANGUAGE> overrides one image (e.g. an official python image on a real cluster).
 * Default images are the ones scripts/images.sh builds and imports into the local cluster.
 */
export const DEFAULT_LANGUAGES: LanguageSpec[] = [
  {
    id: 'python',
    displayName: 'Python 3',
    image: 'localhost/code-runner/python:3.11',
    fileName: 'main.py',
    command: ['python3', '-u', 'main.py'],
    env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
    editorMode: 'python',
  },
  {
    id: 'javascript',
    displayName: 'JavaScript (Node.js 24)',
    image: 'localhost/code-runner/node:24',
    fileName: 'main.js',
    command: ['node', '--max-old-space-size=192', 'main.js'],
    editorMode: 'javascript',
  },
];

/** Other names clients use for the same languages. */
export const LANGUAGE_ALIASES: Record<string, string> = {
  py: 'python',
  python3: 'python',
  js: 'javascript',
  node: 'javascript',
  nodejs: 'javascript',
  'c++': 'cpp',
};
