import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BUNDLE_PATH = `${REPO_ROOT}dist/.workflow-bundle.js`;
export const ARTIFACTS = `${REPO_ROOT}artifacts`;
/** Test programs (not compiled with the project). */
export const FIXTURES = `${REPO_ROOT}test/fixtures`;
/** Unit-only runs (CODE_RUNNER_UNIT_ONLY=1) skip the bundle and the infrastructure. */
export const needsInfra = (): boolean => process.env.CODE_RUNNER_UNIT_ONLY !== '1';
