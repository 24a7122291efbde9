import { Readable } from 'node:stream';
import zlib from 'node:zlib';

/** One file of a zip archive. */
export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 of the bytes: Node's own where it has it (20.15 and later), else a table. */
const crc32: (data: Uint8Array) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (data) => zlib.crc32(data)
    : (data) => {
        let c = 0xffffffff;
        for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
        return (c ^ 0xffffffff) >>> 0;
      };

/** 1980-01-01 00:00 in MS-DOS form: the archives do not depend on when they were made. */
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1;
/** General purpose flag bit 11: the file names are UTF-8. */
const UTF8 = 0x0800;

/** A local file header (APPNOTE 4.3.7) or central directory header (4.3.12) of a deflated file. */
function header(
  central: boolean,
  name: Buffer,
  crc: number,
  compressed: number,
  size: number,
  offset: number,
): Buffer {
  const b = Buffer.alloc((central ? 46 : 30) + name.length);
  let p = 0;
  const u16 = (v: number) => {
    b.writeUInt16LE(v, p);
    p += 2;
  };
  const u32 = (v: number) => {
    b.writeUInt32LE(v >>> 0, p);
    p += 4;
  };
  u32(central ? 0x02014b50 : 0x04034b50);
  if (central) u16(20); // made by: version 2.0
  u16(20); // needed to extract: 2.0 (deflate)
  u16(UTF8);
  u16(8); // deflate
  u16(DOS_TIME);
  u16(DOS_DATE);
  u32(crc);
  u32(compressed);
  u32(size);
  u16(name.length);
  u16(0); // extra field length
  if (central) {
    u16(0); // comment length
    u16(0); // disk number
    u16(0); // internal attributes
    u32(0); // external attributes
    u32(offset);
  }
  name.copy(b, p);
  return b;
}

/** The end of the archive: ZIP64 records when there are more than 65,535 files, then the end record. */
function trailer(count: number, cdSize: number, cdOffset: number): Buffer {
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(count, 0xffff), 8);
  end.writeUInt16LE(Math.min(count, 0xffff), 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(cdOffset, 16);
  if (count <= 0xffff) return end;
  const z = Buffer.alloc(56 + 20);
  z.writeUInt32LE(0x06064b50, 0); // ZIP64 end of central directory record (APPNOTE 4.3.14)
  z.writeBigUInt64LE(44n, 4);
  z.writeUInt16LE(45, 12);
  z.writeUInt16LE(45, 14);
  z.writeBigUInt64LE(BigInt(count), 24);
  z.writeBigUInt64LE(BigInt(count), 32);
  z.writeBigUInt64LE(BigInt(cdSize), 40);
  z.writeBigUInt64LE(BigInt(cdOffset), 48);
  z.writeUInt32LE(0x07064b50, 56); // its locator (4.3.15)
  z.writeBigUInt64LE(BigInt(cdOffset + cdSize), 64);
  z.writeUInt32LE(1, 72);
  return Buffer.concat([z, end]);
}

/**
 * A zip archive as a stream, built while it is read: entries are pulled from `entries` only when
 * the reader wants more (backpressure), so a slow client slows the database reads rather than
 * filling memory, and what is kept per file is its 70-byte central directory entry. Files are
 * compressed with Node's zlib. (fflate's streaming Zip keeps a few closures per file until the end
 * and writes no ZIP64 records: 200,000 advisories took hundreds of MiB and gave a wrong count.)
 */
export function zipStream(entries: AsyncIterable<ZipEntry>, level = 6): Readable {
  const it = entries[Symbol.asyncIterator]();
  let ended = false;
  let busy = false;
  // set by every read() call, also one that comes while the pump is awaiting the next entry
  let wanted = false;
  let offset = 0;
  let count = 0;
  const central: Buffer[] = [];
  let pending: Buffer[] = [];
  const out = new Readable({
    highWaterMark: 1 << 20,
    read() {
      wanted = true;
      void pump();
    },
    destroy(err, cb) {
      ended = true;
      void it.return?.();
      cb(err);
    },
  });
  const emit = (b: Buffer) => {
    offset += b.length;
    if (!out.push(b)) wanted = false;
  };
  function add(entry: ZipEntry): void {
    if (offset > 0xffffffff) throw new Error('zip archives over 4 GiB are not supported');
    const name = Buffer.from(entry.name, 'utf8');
    const data = zlib.deflateRawSync(entry.data, { level });
    const crc = crc32(entry.data);
    pending.push(header(true, name, crc, data.length, entry.data.length, offset));
    // one buffer per thousand entries: fewer objects to keep
    if (pending.length >= 1000) {
      central.push(Buffer.concat(pending));
      pending = [];
    }
    count++;
    emit(header(false, name, crc, data.length, entry.data.length, 0));
    emit(data);
  }
  function finish(): void {
    const directory = Buffer.concat([...central, ...pending]);
    const start = offset;
    emit(directory);
    out.push(trailer(count, directory.length, start));
    out.push(null);
  }
  async function pump(): Promise<void> {
    if (busy || ended) return;
    busy = true;
    try {
      // add files while the reader wants more (until the buffer is full); its next read() continues
      while (!ended && wanted) {
        const next = await it.next();
        if (out.destroyed) return;
        if (next.done) {
          ended = true;
          finish();
          break;
        }
        add(next.value);
      }
    } catch (e) {
      ended = true;
      out.destroy(e as Error);
    } finally {
      busy = false;
    }
  }
  return out;
}
