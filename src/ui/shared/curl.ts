import type { SubmitBody } from './types.js';

/** Quotes a string for a POSIX shell: single quotes, with embedded single quotes closed and escaped. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A curl command that makes the same submission against `origin` (the API's base URL). With `withKey`, it
 * sends an API key from $CODE_RUNNER_API_KEY (the key itself never goes into a command shown or copied).
 */
export function curlCommand(origin: string, body: SubmitBody, withKey = false): string {
  const payload: SubmitBody = { language: body.language, code: body.code };
  if (body.timeout_seconds !== undefined) payload.timeout_seconds = body.timeout_seconds;
  if (body.stdin) payload.stdin = body.stdin;
  if (body.files?.length) payload.files = body.files;
  if (body.args?.length) payload.args = body.args;
  if (body.tests?.length) payload.tests = body.tests;
  if (body.compare && body.compare.mode !== 'exact') payload.compare = body.compare;
  if (body.limits && Object.keys(body.limits).length > 0) payload.limits = body.limits;
  return [
    `curl -sS -X POST ${shellQuote(`${origin.replace(/\/$/, '')}/runs`)}`,
    `  -H 'Content-Type: application/json'`,
    ...(withKey ? [`  -H "Authorization: Bearer $CODE_RUNNER_API_KEY"`] : []),
    `  --data-binary ${shellQuote(JSON.stringify(payload))}`,
  ].join(' \\\n');
}
