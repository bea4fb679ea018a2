import { crc32, inflateRawSync } from 'node:zlib';
import { SAFE_PATH } from './schemas.js';

/**
 * Pure: the files of a zip archive from a client, read as hostile input. The central directory is the
 * index; every size in it is a claim, so inflating is bounded by what is left of the budget and the
 * result's real size and CRC-32 are checked. Refused: zip64, encryption, methods other than stored (0)
 * and deflate (8), unsafe or duplicate names, symlinks and other special files, too many entries, more
 * bytes than the budget, entries that expand more than `maxRatio` times. Nested archives are plain bytes
 * here (nothing extracts them), so they are not refused. Directories only become path prefixes.
 */

export interface ZipLimits {
  /** Central-directory records (files and directories). */
  maxEntries: number;
  /** Uncompressed bytes of all files together. */
  maxTotalBytes: number;
  /** Largest uncompressed / compressed ratio of an entry over 64 KiB. */
  maxRatio: number;
}

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** A refusal whose message is safe to show the client. */
export class ZipError extends Error {
  override readonly name = 'ZipError';
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const RATIO_FLOOR = 64 * 1024;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

export function readZip(zip: Buffer, limits: ZipLimits): ZipEntry[] {
  const end = findEnd(zip);
  const count = zip.readUInt16LE(end + 10);
  const size = zip.readUInt32LE(end + 12);
  const start = zip.readUInt32LE(end + 16);
  if (count === 0xffff || start === 0xffffffff) throw new ZipError('zip64 archives are not supported');
  if (zip.readUInt16LE(end + 4) !== 0 || zip.readUInt16LE(end + 8) !== count)
    throw new ZipError('multi-disk archives are not supported');
  if (count > limits.maxEntries) throw new ZipError(`has ${count} entries; at most ${limits.maxEntries}`);
  if (start + size > end) throw new ZipError('is not a valid zip archive (central directory out of bounds)');

  const out: ZipEntry[] = [];
  const seen = new Set<string>();
  const dirs = new Set<string>();
  let total = 0;
  let p = start;
  for (let i = 0; i < count; i++) {
    if (p + 46 > end || zip.readUInt32LE(p) !== CENTRAL) throw new ZipError('is not a valid zip archive');
    const e = centralEntry(zip, p);
    p += 46 + e.nameLen + e.extraLen + e.commentLen;
    if (p > end) throw new ZipError('is not a valid zip archive');
    const isDir = e.rawName.endsWith('/');
    const name = safeName(isDir ? e.rawName.slice(0, -1) : e.rawName);
    if (e.flags & 0x41) throw new ZipError(`${name}: encrypted entries are not supported`);
    checkType(name, e.madeBy, e.external, isDir);
    if (isDir) {
      dirs.add(name);
      continue;
    }
    if (seen.has(name)) throw new ZipError(`${name}: duplicate name`);
    seen.add(name);
    const data = entryData(zip, e, name, limits.maxTotalBytes - total, limits.maxTotalBytes);
    if (data.length > RATIO_FLOOR && data.length > limits.maxRatio * Math.max(1, e.compressed))
      throw new ZipError(`${name}: expands more than ${limits.maxRatio} times (a zip bomb?)`);
    total += data.length;
    out.push({ name, data });
  }
  for (const f of out)
    for (let i = f.name.indexOf('/'); i > 0; i = f.name.indexOf('/', i + 1)) dirs.add(f.name.slice(0, i));
  const clash = out.find((f) => dirs.has(f.name));
  if (clash) throw new ZipError(`${clash.name}: both a file and a directory`);
  return out;
}

/** The end-of-central-directory record: in the last 22 + 65535 (comment) bytes. */
function findEnd(zip: Buffer): number {
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--)
    if (zip.readUInt32LE(i) === EOCD && i + 22 + zip.readUInt16LE(i + 20) === zip.length) return i;
  throw new ZipError('is not a zip archive');
}

function centralEntry(zip: Buffer, p: number) {
  const nameLen = zip.readUInt16LE(p + 28);
  return {
    madeBy: zip.readUInt16LE(p + 4) >> 8,
    flags: zip.readUInt16LE(p + 8),
    method: zip.readUInt16LE(p + 10),
    crc: zip.readUInt32LE(p + 16),
    compressed: zip.readUInt32LE(p + 20),
    size: zip.readUInt32LE(p + 24),
    nameLen,
    extraLen: zip.readUInt16LE(p + 30),
    commentLen: zip.readUInt16LE(p + 32),
    external: zip.readUInt32LE(p + 38),
    offset: zip.readUInt32LE(p + 42),
    rawName: zip.toString('latin1', p + 46, p + 46 + nameLen),
  };
}
type Central = ReturnType<typeof centralEntry>;

/** Our workdir's rule for names (SAFE_PATH), with the reason for the usual zip-slip shapes. */
function safeName(name: string): string {
  const why = name.includes('\\')
    ? 'backslashes are not allowed'
    : name.startsWith('/') || /^[A-Za-z]:/.test(name)
      ? 'absolute paths are not allowed'
      : name.split('/').some((s) => s === '..' || s === '.')
        ? '"." and ".." are not allowed'
        : !SAFE_PATH.test(name)
          ? 'names are relative paths of letters, digits, ".", "_" and "-" (at most 8 levels)'
          : null;
  if (why) throw new ZipError(`${JSON.stringify(name.slice(0, 120))}: ${why}`);
  return name;
}

/** Unix file types (made on Unix, host 3): only regular files and directories. */
function checkType(name: string, host: number, external: number, isDir: boolean): void {
  if (host !== 3) return;
  const type = (external >>> 16) & S_IFMT;
  if (type === S_IFLNK) throw new ZipError(`${name}: symbolic links are not allowed`);
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw new ZipError(`${name}: not a regular file`);
  if (type === S_IFDIR && !isDir) throw new ZipError(`${name}: a directory entry without a trailing "/"`);
}

/** The entry's bytes, inflated at most to `budget`; its local header must agree with the central one. */
function entryData(zip: Buffer, e: Central, name: string, budget: number, limit: number): Buffer {
  const h = e.offset;
  if (h + 30 > zip.length || zip.readUInt32LE(h) !== LOCAL) throw new ZipError(`${name}: no local header`);
  const localName = zip.toString('latin1', h + 30, h + 30 + zip.readUInt16LE(h + 26));
  if (localName !== e.rawName) throw new ZipError(`${name}: local header names another file`);
  const from = h + 30 + zip.readUInt16LE(h + 26) + zip.readUInt16LE(h + 28);
  if (from + e.compressed > zip.length) throw new ZipError(`${name}: data out of bounds`);
  const raw = zip.subarray(from, from + e.compressed);
  const over = () => new ZipError(`unpacked, the files are over ${limit} bytes (a zip bomb?)`);
  let data: Buffer;
  if (e.method === 0) data = raw;
  else if (e.method === 8) {
    try {
      data = inflateRawSync(raw, { maxOutputLength: Math.max(1, budget + 1) });
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw over(); // maxOutputLength reached
      throw new ZipError(`${name}: corrupt deflate data`);
    }
  } else throw new ZipError(`${name}: compression method ${e.method} is not supported (only stored and deflate)`);
  if (data.length > budget) throw over();
  if (data.length !== e.size || crc32(data) !== e.crc) throw new ZipError(`${name}: size or CRC-32 does not match`);
  return data;
}
