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
  'query.status': 'Status filter',
  'query.language': 'Language filter',
  'query.cursor': 'Page',
  'query.limit': 'Page size',
  'params.run_id': 'Run id',
  'header.idempotency-key': 'Idempotency key',
};

/** A readable name for an API field path such as body.timeout_seconds. */
export const fieldName = (field: string): string => FIELD_NAMES[field] ?? field.replace(/^(body|query|params)\./, '');

const TITLES: Record<string, string> = {
  invalid_request: 'Please check the form',
  payload_too_large: 'The submission is too large',
  body_too_large: 'The submission is too large',
  unsupported_language: 'This language is not available',
  run_not_found: 'Run not found',
  route_not_found: 'Not found',
  run_finished: 'The run has already finished',
  temporal_unavailable: 'The run queue is unreachable',
  temporal_busy: 'The run queue is overloaded',
  temporal_error: 'The run queue refused the request',
  invalid_cursor: 'That page is no longer available',
  internal_error: 'Something went wrong on the server',
  network_error: 'Cannot reach Code Runner',
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
  else if (code === 'invalid_cursor') text = 'The list changed since this page was loaded. Go back to the first page.';
  else if (status >= 500 && code === 'internal_error')
    text = 'The API hit an unexpected error. Try again; if it keeps happening, look at the API’s log.';
  if (!/[.!?]$/.test(text)) text += '.';
  return { title, message: text, problems };
}
