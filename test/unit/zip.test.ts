import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { readZip, ZipError, type ZipLimits } from '../../src/api/zip.js';
import { makeZip, type ZipItem } from '../support/zip.js';

/** Zip archives from clients, read as hostile input: real archives built here, honest and not. */
const limits: ZipLimits = { maxEntries: 100, maxTotalBytes: 786432, maxRatio: 100 };
const read = (items: ZipItem[], l = limits) => readZip(makeZip(items), l);
const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ZipError) return e.message;
    throw e;
  }
  throw new Error('not refused');
};
const files = (entries: { name: string; data: Buffer }[]) =>
  Object.fromEntries(entries.map((e) => [e.name, e.data.toString('latin1')]));

describe('readZip', () => {
  it('reads stored (0) and deflated (8) entries; directories become path prefixes', () => {
    const out = read([
      { name: 'src/', method: 0 },
      { name: 'src/lib/', method: 0 },
      { name: 'src/lib/util.py', data: 'def f():\n    return 42\n' },
      { name: 'run', data: 'python3 src/main.py\n', method: 0 },
      { name: 'blob.bin', data: Buffer.from([0, 1, 2, 255]), method: 8 },
      { name: 'empty.txt', data: '' },
    ]);
    expect(files(out)).toEqual({
      'src/lib/util.py': 'def f():\n    return 42\n',
      run: 'python3 src/main.py\n',
      'blob.bin': '\x00\x01\x02\xff',
      'empty.txt': '',
    });
  });

  it('reads what the zip command writes, to a file and streamed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zip-test-'));
    try {
      mkdirSync(join(dir, 'in', 'inc'), { recursive: true });
      writeFileSync(join(dir, 'in', 'inc', 'a.h'), '#define A 1\n'.repeat(500));
      writeFileSync(join(dir, 'in', 'compile'), 'gcc -o main main.c\n');
      execFileSync('zip', ['-q', '-r', join(dir, 'a.zip'), '.'], { cwd: join(dir, 'in') });
      // Streamed to stdout: sizes come after the data (data descriptors).
      const streamed = execFileSync('zip', ['-q', '-r', '-', '.'], { cwd: join(dir, 'in') });
      for (const zip of [readFileSync(join(dir, 'a.zip')), streamed]) {
        const out = readZip(zip, limits);
        expect(Object.keys(files(out)).sort()).toEqual(['compile', 'inc/a.h']);
        expect(files(out)['inc/a.h']).toBe('#define A 1\n'.repeat(500));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['../x', '".." are not allowed'],
    ['a/../../x', '".." are not allowed'],
    ['/etc/x', 'absolute paths are not allowed'],
    ['C:/x', 'absolute paths are not allowed'],
    ['a\\..\\b', 'backslashes are not allowed'],
    ['a b.txt', 'names are relative paths'],
    ['./x', '".." are not allowed'],
  ])('refuses the unsafe name %j', (name, why) => {
    expect(
      refusal(() =>
        read([
          { name: 'ok.txt', data: 'x' },
          { name, data: 'x' },
        ]),
      ),
    ).toContain(why);
  });

  it('refuses an unsafe directory name even with no file under it', () => {
    expect(refusal(() => read([{ name: '../', method: 0 }]))).toContain('".." are not allowed');
  });

  it('refuses symlinks and other special files (Unix mode in the external attributes)', () => {
    expect(refusal(() => read([{ name: 'link', data: '/etc/passwd', mode: 0o120777 }]))).toBe(
      'link: symbolic links are not allowed',
    );
    expect(refusal(() => read([{ name: 'fifo', mode: 0o010644 }]))).toBe('fifo: not a regular file');
  });

  it('refuses encrypted entries and compression methods other than stored and deflate', () => {
    expect(refusal(() => read([{ name: 'a', data: 'x', encrypted: true }]))).toBe(
      'a: encrypted entries are not supported',
    );
    expect(refusal(() => read([{ name: 'a', data: 'x', method: 12 }]))).toBe(
      'a: compression method 12 is not supported (only stored and deflate)',
    );
  });

  it.each([
    ['a.txt', 'a.txt', 'a.txt: duplicate name'],
    ['a', 'a/b', 'a: both a file and a directory'],
  ])('refuses %j beside %j (duplicate names, a name both a file and a directory)', (first, second, why) => {
    expect(refusal(() => read([first, second].map((name) => ({ name, data: name }))))).toBe(why);
  });

  it('refuses too many entries before reading any', () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ name: `f${i}`, data: 'x' }));
    expect(refusal(() => read(many))).toBe('has 101 entries; at most 100');
    expect(read(many.slice(0, 100))).toHaveLength(100);
  });

  it('refuses a zip bomb: 50 MB of zeros in ~50 KB, whatever its headers claim', () => {
    const zeros = Buffer.alloc(50 * 1024 * 1024);
    expect(deflateRawSync(zeros).length).toBeLessThan(60 * 1024);
    const bomb = (claimedSize?: number) => makeZip([{ name: 'zeros', data: zeros, claimedSize }]);
    expect(refusal(() => readZip(bomb(), limits))).toBe('unpacked, the files are over 786432 bytes (a zip bomb?)');
    // Headers that claim 100 bytes change nothing: the inflated size is what counts.
    expect(refusal(() => readZip(bomb(100), limits))).toBe('unpacked, the files are over 786432 bytes (a zip bomb?)');
  });

  it('bounds the total over all entries, and the ratio of one entry', () => {
    const part = Buffer.alloc(300 * 1024, 'a');
    const three = [1, 2, 3].map((i) => ({ name: `p${i}`, data: part, method: 0 }));
    expect(refusal(() => read(three))).toBe('unpacked, the files are over 786432 bytes (a zip bomb?)');
    expect(read(three.slice(0, 2))).toHaveLength(2);
    expect(refusal(() => read([{ name: 'z', data: Buffer.alloc(700 * 1024) }]))).toBe(
      'z: expands more than 100 times (a zip bomb?)',
    );
    expect(read([{ name: 'z', data: Buffer.alloc(700 * 1024) }], { ...limits, maxRatio: 2000 })).toHaveLength(1);
  });

  it('refuses headers that lie about the size of a small entry, and a bad CRC', () => {
    expect(refusal(() => read([{ name: 'a', data: 'hello', claimedSize: 3 }]))).toBe(
      'a: size or CRC-32 does not match',
    );
    const zip = makeZip([{ name: 'a', data: 'hello', method: 0 }]);
    zip[30 + 1] = 'X'.charCodeAt(0); // the data's second byte
    expect(refusal(() => readZip(zip, limits))).toBe('a: size or CRC-32 does not match');
  });

  it('refuses what is not a zip archive, or a truncated one', () => {
    expect(refusal(() => readZip(Buffer.from('PK'), limits))).toBe('is not a zip archive');
    expect(refusal(() => readZip(Buffer.from('hello world, not a zip at all'), limits))).toBe('is not a zip archive');
    const zip = makeZip([{ name: 'a', data: 'hello' }]);
    expect(() => readZip(zip.subarray(0, zip.length - 1), limits)).toThrow(ZipError);
    expect(() => readZip(Buffer.concat([Buffer.alloc(3), zip.subarray(10)]), limits)).toThrow(ZipError);
  });
});
