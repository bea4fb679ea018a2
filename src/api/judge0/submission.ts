import { toSubmission as mapRun, type RunDetail, type Submission } from '../../domain/judge0/submission.js';
import { canonicalId } from './languages.js';

// The pure mapper lives in src/domain/judge0 (the workflow's callback uses it too); this adds our registry.
export { DEFAULT_FIELDS, FIELDS, parseFields, present } from '../../domain/judge0/submission.js';
export type { Field, RunDetail, Submission } from '../../domain/judge0/submission.js';

/** A run as Judge0 shows a submission: every field. `names` gives a Judge0 language id its name. */
export const toSubmission = (detail: RunDetail, names: (id: number) => string | null): Submission =>
  mapRun(detail, names, canonicalId);
