import { createHash } from 'node:crypto';
import type { Config } from '../config/config.js';
import type { LanguageSpec } from '../domain/run.js';
import { SPEC_FILE, inputBytes } from '../domain/launcher-spec.js';
import { HttpError } from './http-error.js';
import type { CreateRunBody } from './schemas.js';

/** Pure checks and keys of a submission: its sizes, the hash that recognises it, its idempotent run id. */

/** Every size limit at once (413 payload_too_large); a file may not take the code's own name (400). */
export function checkSizes(limits: Config['limits'], body: CreateRunBody, lang: LanguageSpec): void {
  const problems = [];
  const clash = body.files.findIndex((f) => f.name === lang.fileName);
  if (clash >= 0)
    throw new HttpError(400, 'invalid_request', `a file may not be named ${lang.fileName}: the code goes there`, [
      { field: `body.files.${clash}.name`, message: `${lang.fileName} holds the code` },
    ]);
  const spec = body.files.findIndex((f) => f.name === SPEC_FILE);
  if (spec >= 0)
    throw new HttpError(
      400,
      'invalid_request',
      `a file may not be named ${SPEC_FILE}: the launcher's spec goes there`,
      [{ field: `body.files.${spec}.name`, message: `${SPEC_FILE} is reserved` }],
    );
  const total = inputBytes(body);
  if (total > limits.maxInputBytes)
    problems.push({
      field: 'body',
      message: `code, stdin, files and tests are ${total} bytes together; the limit is ${limits.maxInputBytes}`,
    });
  const codeBytes = Buffer.byteLength(body.code, 'utf8');
  if (codeBytes > limits.maxCodeBytes)
    problems.push({
      field: 'body.code',
      message: `code is ${codeBytes} bytes; the limit is ${limits.maxCodeBytes}`,
    });
  const stdinBytes = Buffer.byteLength(body.stdin, 'utf8');
  if (stdinBytes > limits.maxStdinBytes)
    problems.push({
      field: 'body.stdin',
      message: `stdin is ${stdinBytes} bytes; the limit is ${limits.maxStdinBytes}`,
    });
  if (problems.length > 0)
    throw new HttpError(413, 'payload_too_large', 'the submission exceeds a size limit', problems);
}
export function hashRequest(body: CreateRunBody): string {
  const judge = [body.files, body.args, body.tests, body.compare, body.limits];
  return createHash('sha256')
    .update(JSON.stringify([body.language, body.code, body.stdin, body.timeout_seconds, ...judge]))
    .digest('hex');
}

/**
 * Same key → same run id (a uuid-shaped digest), so Temporal itself refuses a second run. With API keys,
 * each tenant has its own keys: the tenant goes in after a newline, which a key cannot hold.
 */
export function idempotentRunId(key: string, tenant?: string): string {
  const scoped = tenant === undefined ? key : `${key}\n${tenant}`;
  const h = createHash('sha256').update(`code-runner:idempotency:${scoped}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
