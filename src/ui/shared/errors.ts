import type { FieldProblem } from './types.js';

/** What a person is told about a failed API call: a sentence, and the fields it concerns. */
export interface ErrorMessage {
  title: string;
  message: string;
  problems: FieldProblem[];
}

const FIELD_NAMES: Record<string, string> = {
  'body.language': 'Language',
  'body.code': 'Code',
  'body.timeout_seconds': 'Timeout',
  'body.stdin': 'Standard input',
  body: 'Submission',
  'body.files': 'Files',
  'body.args': 'Arguments',
  'body.tests': 'Tests',
  'body.compare': 'Output comparison',
  'body.compare.mode': 'Output comparison',
  'body.compare.abs_tol': 'Absolute tolerance',
  'body.compare.rel_tol': 'Relative tolerance',
  'body.limits.cpu_time_ms': 'CPU time limit',
  'body.limits.wall_time_ms': 'Wall time limit',
  'body.limits.memory_mb': 'Memory limit',
  'body.limits.max_processes': 'Process limit',
  'body.limits.output_kb': 'Output limit',
  'body.limits.file_size_kb': 'File size limit',
  'query.status': 'Status filter',
  'query.language': 'Language filter',
  'query.cursor': 'Page',
  'query.limit': 'Page size',
  'params.run_id': 'Run id',
  'header.idempotency-key': 'Idempotency key',
};

const ITEM_PARTS: Record<string, string> = {
  name: 'name',
  content: 'content',
  encoding: 'encoding',
  stdin: 'input',
  expected_output: 'expected output',
};

/** A readable name for an API field path such as body.timeout_seconds or body.tests.1.stdin ("Test 2 input"). */
export function fieldName(field: string): string {
  const known = FIELD_NAMES[field];
  if (known) return known;
  const m = /^body\.(files|tests|args)\.(\d+)(?:\.(\w+))?$/.exec(field);
  if (m) {
    const noun = { files: 'File', tests: 'Test', args: 'Argument' }[m[1] as 'files' | 'tests' | 'args'];
    const part = m[3] ? ` ${ITEM_PARTS[m[3]] ?? m[3]}` : '';
    return `${noun} ${Number(m[2]) + 1}${part}`;
  }
  return field.replace(/^(body|query|params)\./, '');
}

const TITLES: Record<string, string> = {
  invalid_request: 'Please check the form',
  payload_too_large: 'The submission is too large',
  body_too_large: 'The submission is too large',
  unsupported_language: 'This language is not available',
  language_unavailable: 'This language is not ready yet',
  run_not_found: 'Run not found',
  route_not_found: 'Not found',
  run_finished: 'The run has already finished',
  temporal_unavailable: 'The run queue is unreachable',
  temporal_busy: 'The run queue is overloaded',
  temporal_error: 'The run queue refused the request',
  invalid_cursor: 'That page is no longer available',
  internal_error: 'Something went wrong on the server',
  network_error: 'Cannot reach Code Runner',
  unauthorized: 'An API key is needed',
  forbidden_scope: 'This API key may not do that',
  rate_limited: 'Too many requests',
  limit_exceeded: "Over your tenant's limits",
};

/** Turns an API error body (or a network failure) into words for a person. */
export function describeApiError(status: number, code: string, message: string, details?: unknown): ErrorMessage {
  const problems = Array.isArray(details)
    ? details.filter(
        (d): d is FieldProblem =>
          typeof d === 'object' &&
          d !== null &&
          typeof (d as FieldProblem).field === 'string' &&
          typeof (d as FieldProblem).message === 'string',
      )
    : [];
  const title = TITLES[code] ?? (status >= 500 ? 'The server could not handle the request' : 'The request was refused');
  let text = message ? message.charAt(0).toUpperCase() + message.slice(1) : 'No details were given.';
  if (code === 'temporal_unavailable')
    text = 'The Temporal server that queues runs is not answering, so nothing was accepted. Try again in a moment.';
  else if (code === 'network_error')
    text =
      'The browser could not reach the Code Runner API. Check that it is running and that you are online, then try again.';
  else if (code === 'temporal_busy')
    text = 'The Temporal server that queues runs is overloaded, so nothing was accepted. Try again in a moment.';
  else if (code === 'unauthorized')
    text = 'This Code Runner requires an API key. Paste yours in the API key field at the top of the page and save it.';
  else if (code === 'invalid_cursor') text = 'The list changed since this page was loaded. Go back to the first page.';
  else if (status >= 500 && code === 'internal_error')
    text = 'The API hit an unexpected error. Try again; if it keeps happening, look at the API’s log.';
  if (!/[.!?]$/.test(text)) text += '.';
  return { title, message: text, problems };
}
