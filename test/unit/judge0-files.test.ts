import { loadConfig } from '../../src/config/config.js';
import { languageDetail } from '../../src/api/judge0/languages.js';
import { fieldErrors, judge0Limits, submissionSchema } from '../../src/api/judge0/request.js';
import { judge0Language, toRun } from '../../src/api/judge0/to-run.js';
import { makeZip, type ZipItem } from '../support/zip.js';

/** Judge0's additional_files and multi-file programs (89), through validation and mapping as the service does. */
const cfg = loadConfig({});
const zip64 = (items: ZipItem[]) => makeZip(items).toString('base64');

function submit(body: Record<string, unknown>) {
  const lang = judge0Language(body.language_id, cfg.languages);
  if (!lang || 'error' in lang) throw new Error(`language: ${JSON.stringify(lang)}`);
  const main = lang.language.project ? lang.spec.fileName : null;
  const parsed = submissionSchema(cfg, main).safeParse(body);
  if (!parsed.success) return { errors: fieldErrors(parsed.error) };
  return toRun(parsed.data, lang, judge0Limits(cfg)).body;
}

describe('Judge0 additional_files', () => {
  it('puts the archive beside the source: text as UTF-8, binary as Base64, directories as prefixes', () => {
    const body = submit({
      language_id: 71,
      source_code: 'import lib.util\n',
      additional_files: zip64([
        { name: 'lib/', method: 0 },
        { name: 'lib/util.py', data: 'X = 1\n' },
        { name: 'data.bin', data: Buffer.from([0, 200, 1]) },
      ]),
    });
    expect(body).toMatchObject({
      language: 'python',
      code: 'import lib.util\n',
      files: [
        { name: 'lib/util.py', content: 'X = 1\n', encoding: 'utf8' },
        { name: 'data.bin', content: Buffer.from([0, 200, 1]).toString('base64'), encoding: 'base64' },
      ],
    });
  });

  it("keeps source_code over an archive's file of the same name (Judge0 unzips without overwriting)", () => {
    const body = submit({
      language_id: 71,
      source_code: 'print(1)\n',
      additional_files: zip64([
        { name: 'main.py', data: 'print(2)\n' },
        { name: 'a.txt', data: 'a' },
      ]),
    });
    expect(body).toMatchObject({ code: 'print(1)\n', files: [{ name: 'a.txt' }] });
  });

  it('is always Base64 (whitespace allowed, as Ruby writes it); anything else is a field error', () => {
    const b64 = zip64([{ name: 'a.txt', data: 'a' }]).replace(/.{1,60}/g, '$&\n');
    expect(submit({ language_id: 71, source_code: 'x', additional_files: b64 })).toMatchObject({ files: [{}] });
    for (const [value, message] of [
      ['not base64!', 'is not valid Base64'],
      ['QUJD', 'is not a zip archive'],
      [42, 'must be a string'],
    ] as const)
      expect(submit({ language_id: 71, source_code: 'x', additional_files: value })).toEqual({
        errors: { additional_files: [message] },
      });
    expect(
      submit({ language_id: 71, source_code: 'x', additional_files: zip64([{ name: '../x', data: 'x' }]) }),
    ).toEqual({ errors: { additional_files: ['"../x": "." and ".." are not allowed'] } });
  });
});

describe('Judge0 multi-file programs (89)', () => {
  const files = zip64([
    { name: 'compile', data: 'gcc -o prog src/main.c\n' },
    { name: 'run', data: './prog\n' },
    { name: 'src/main.c', data: 'int main(void) { return 0; }\n' },
  ]);

  it('run is the code, compile and the rest are files, and the language runs `bash run` after `compile`', () => {
    const body = submit({ language_id: 89, additional_files: files });
    expect(body).toMatchObject({
      language: 'multifile',
      code: './prog\n',
      files: [{ name: 'compile' }, { name: 'src/main.c' }],
    });
    const spec = cfg.languages.find((l) => l.id === 'multifile')!;
    expect(spec).toMatchObject({ fileName: 'run', command: ['bash', 'run'] });
    expect(spec.compile?.join(' ')).toMatch(/if \[ -f compile \]; then exec bash compile; fi/);
  });

  it("needs additional_files with a run script, and no source_code (Judge0's validation)", () => {
    expect(submit({ language_id: 89, source_code: 'echo hi' })).toEqual({
      errors: { source_code: ['must be blank'], additional_files: ["can't be blank"] },
    });
    expect(submit({ language_id: 89, additional_files: zip64([{ name: 'compile', data: 'true' }]) })).toEqual({
      errors: { additional_files: ['must hold a run script at the root of the archive'] },
    });
    expect(submit({ language_id: 89, additional_files: zip64([{ name: 'run', data: Buffer.from([0, 1]) }]) })).toEqual({
      errors: { additional_files: ['run: the script must be UTF-8 text'] },
    });
  });

  it('GET /languages/89 has no source file or commands, as in Judge0', () => {
    const lang = judge0Language(89, cfg.languages);
    if (!lang || 'error' in lang) throw new Error('89');
    const { source_file, compile_cmd, run_cmd } = languageDetail(lang.language, undefined, lang.spec);
    expect([source_file, compile_cmd, run_cmd]).toEqual([null, null, null]);
  });
});
