import { z } from 'zod';
import { MAX_RUN_FILES, type RunFile } from '../../domain/judge.js';
import { BASE64 } from '../schemas.js';
import { readZip, ZipError } from '../zip.js';

/**
 * Pure: Judge0's `additional_files`, a Base64 zip (always Base64, whatever base64_encoded says) that Judge0
 * extracts into the sandbox's working directory before compiling. Its files become our run's files. A
 * multi-file program (language 89) has no source_code: its main file (`run`) comes from the archive.
 */

/** Bounds of an archive beside our input limit (its unpacked size): records, and expansion of one entry. */
export const ZIP_MAX_ENTRIES = MAX_RUN_FILES; // each entry becomes one of the run's files
export const ZIP_MAX_RATIO = 100;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Text files travel as text (and count their own size), others as Base64. */
function asRunFile(name: string, data: Buffer): RunFile {
  if (!data.includes(0))
    try {
      return { name, content: utf8.decode(data), encoding: 'utf8' };
    } catch {
      // not UTF-8: Base64 below
    }
  return { name, content: data.toString('base64'), encoding: 'base64' };
}

/**
 * The additional_files field: its files, or null when absent; `main` names the file a multi-file program
 * needs in the archive (then the field is required, as in Judge0). Unpacked, the files are at most
 * `maxBytes`.
 */
export function additionalFiles(maxBytes: number, main: string | null) {
  return z
    .unknown()
    .optional()
    .transform((v, ctx): RunFile[] | null => {
      const fail = (message: string) => {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      };
      if (v === undefined || v === null || (typeof v === 'string' && v.trim() === ''))
        return main ? fail("can't be blank") : null;
      if (typeof v !== 'string') return fail('must be a string');
      const b64 = v.replace(/\s+/g, '');
      if (!BASE64.test(b64)) return fail('is not valid Base64');
      let files: RunFile[];
      try {
        const entries = readZip(Buffer.from(b64, 'base64'), {
          maxEntries: ZIP_MAX_ENTRIES,
          maxTotalBytes: maxBytes,
          maxRatio: ZIP_MAX_RATIO,
        });
        files = entries.map((e) => asRunFile(e.name, e.data));
      } catch (err) {
        if (err instanceof ZipError) return fail(err.message);
        throw err;
      }
      if (main) {
        const script = files.find((f) => f.name === main);
        if (!script) return fail(`must hold a ${main} script at the root of the archive`);
        if (script.encoding !== 'utf8') return fail(`${main}: the script must be UTF-8 text`);
      }
      return files;
    });
}
