import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A tiny zip writer for tests: real archives (stored or deflated), and hostile ones on demand (any name,
 * a symlink's mode, the encryption flag, another method, sizes in the headers that lie).
 */
export interface ZipItem {
  name: string;
  data?: Buffer | string;
  /** 0 stored, 8 deflate (default); another number is written as is, with the data stored. */
  method?: number;
  /** Unix mode in the external attributes (default 0o100644, directories 0o040755). */
  mode?: number;
  encrypted?: boolean;
  /** Uncompressed size written in both headers instead of the real one. */
  claimedSize?: number;
}

export function makeZip(items: ZipItem[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const it of items) {
    const data = Buffer.from(it.data ?? '');
    const method = it.method ?? 8;
    const body = method === 8 ? deflateRawSync(data) : data;
    const name = Buffer.from(it.name, 'utf8');
    const size = it.claimedSize ?? data.length;
    const flags = (it.encrypted ? 1 : 0) | 0x800;
    const mode = it.mode ?? (it.name.endsWith('/') ? 0o040755 : 0o100644);
    const crc = crc32(data);
    // [offset, value, bytes] of each header's fields.
    const sizes: Field[] = [
      [body.length, 4],
      [size, 4],
      [name.length, 2],
    ];
    const local = header(30, [
      [0, LOCAL, 4],
      [4, 20, 2],
      [6, flags, 2],
      [8, method, 2],
      [14, crc, 4],
      ...at(18, sizes),
    ]);
    const central = header(46, [
      [0, CENTRAL, 4],
      [4, (3 << 8) | 20, 2],
      [6, 20, 2],
      [8, flags, 2],
      [10, method, 2],
      [16, crc, 4],
      ...at(20, sizes),
      [38, (mode << 16) >>> 0, 4],
      [42, offset, 4],
    ]);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const dir = Buffer.concat(centrals);
  const n = items.length;
  const end = header(22, [
    [0, END, 4],
    [8, n, 2],
    [10, n, 2],
    [12, dir.length, 4],
    [16, offset, 4],
  ]);
  return Buffer.concat([...locals, dir, end]);
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
type Field = [value: number, bytes: 2 | 4];

/** Consecutive fields from an offset. */
const at = (offset: number, fields: Field[]): [number, number, 2 | 4][] => {
  let o = offset;
  return fields.map(([v, bytes]) => [(o += bytes) - bytes, v, bytes]);
};

/** A header of `size` bytes with little-endian fields [offset, value, bytes]. */
function header(size: number, fields: [number, number, 2 | 4][]): Buffer {
  const b = Buffer.alloc(size);
  for (const [offset, value, bytes] of fields)
    if (bytes === 2) b.writeUInt16LE(value, offset);
    else b.writeUInt32LE(value, offset);
  return b;
}
