import zlib from 'node:zlib';
import { NswgError } from '../errors.js';

/** One file of a zip archive, its bytes inflated only when asked for. */
export interface ZipFile {
  name: string;
  data(): Uint8Array;
}

const EOCD = 0x06054b50;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * The files of a zip archive held in memory, one at a time and in the archive's order. Read from
 * the central directory (ZIP64 included: osv.dev's archives hold more than 65,535 files), each file
 * inflated only when its data() is called, so that an archive of 200,000 records is never held
 * inflated at once. Folders are left out. E_FILE_READ naming `source` when it is not a zip.
 */
export function* zipFiles(zip: Uint8Array, source: string): Generator<ZipFile> {
  const b = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  const bad = (why: string) => new NswgError('E_FILE_READ', `not a zip archive: ${why}`, { file: source });
  let end = -1;
  for (let p = b.length - 22; p >= Math.max(0, b.length - 22 - 0xffff); p--) {
    if (b.readUInt32LE(p) === EOCD) {
      end = p;
      break;
    }
  }
  if (end < 0) throw bad('no end of central directory');
  let count = b.readUInt16LE(end + 10);
  let offset = b.readUInt32LE(end + 16);
  if (end >= 20 && b.readUInt32LE(end - 20) === ZIP64_LOCATOR) {
    const z = Number(b.readBigUInt64LE(end - 12));
    if (z + 56 > b.length || b.readUInt32LE(z) !== ZIP64_EOCD) throw bad('a broken ZIP64 record');
    count = Number(b.readBigUInt64LE(z + 32));
    offset = Number(b.readBigUInt64LE(z + 48));
  }
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > b.length || b.readUInt32LE(p) !== CENTRAL)
      throw bad(`entry ${i + 1} of ${count} is missing`);
    const method = b.readUInt16LE(p + 10);
    const nameLength = b.readUInt16LE(p + 28);
    const extraLength = b.readUInt16LE(p + 30);
    const commentLength = b.readUInt16LE(p + 32);
    const name = b.toString('utf8', p + 46, p + 46 + nameLength);
    const [size, compressed, local] = zip64Sizes(
      b,
      p + 46 + nameLength,
      extraLength,
      b.readUInt32LE(p + 24),
      b.readUInt32LE(p + 20),
      b.readUInt32LE(p + 42),
    );
    p += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (local + 30 > b.length || b.readUInt32LE(local) !== LOCAL) throw bad(`${name} has no local header`);
    const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    const raw = b.subarray(start, start + compressed);
    yield {
      name,
      data: () => {
        if (method === 0) return raw;
        if (method !== 8) throw bad(`${name} is compressed with method ${method}, not deflate`);
        try {
          return zlib.inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) });
        } catch (e) {
          throw bad(`${name} cannot be inflated: ${(e as Error).message}`);
        }
      },
    };
  }
}

/** Does the data start as a zip archive does? */
export const isZip = (data: Uint8Array): boolean =>
  data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;

const MAX32 = 0xffffffff;

/** The sizes and offset of a central directory entry, from its ZIP64 extra field where they overflow (APPNOTE 4.5.3). */
function zip64Sizes(
  b: Buffer,
  extra: number,
  length: number,
  ...fields: [number, number, number]
): [number, number, number] {
  if (!fields.includes(MAX32)) return fields;
  for (let q = extra; q + 4 <= extra + length; q += 4 + b.readUInt16LE(q + 2)) {
    if (b.readUInt16LE(q) !== 1) continue;
    let at = q + 4;
    const wide = (f: number) => {
      if (f !== MAX32) return f;
      const v = Number(b.readBigUInt64LE(at));
      at += 8;
      return v;
    };
    return [wide(fields[0]), wide(fields[1]), wide(fields[2])];
  }
  return fields;
}
