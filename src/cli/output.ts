import { writeSync } from 'node:fs';

/** The outputs whose writes fell back to Node.js's stream (see write): flushed before the command exits. */
const streamedFds = new Set<1 | 2>();

/** Node.js's stream for the output (made on first use: reading process.stdout sets it up). */
const streamOf = (fd: 1 | 2): NodeJS.WriteStream => (fd === 1 ? process.stdout : process.stderr);

/** The reader of standard output went away (`nswg audit | head`): nothing more is written there. */
let stdoutClosed = false;

/**
 * Writes to standard output or error at once, with a system call: the text is out when this
 * returns, and no stream is set up (process.stdout's modules cost ~3 ms of an audit's start).
 * Output piped into a reader that has gone away (`| head`) is dropped quietly, so that the command
 * still ends with its own exit code. An output that cannot take the text at once (one left
 * non-blocking) gets the rest through Node.js's stream, which flushOutput waits for.
 */
function write(fd: 1 | 2, text: string): void {
  if (fd === 1 && stdoutClosed) return;
  // once the stream has part of the output, the rest goes after it
  if (streamedFds.has(fd)) {
    streamOf(fd).write(text);
    return;
  }
  const data = Buffer.from(text);
  let at = 0;
  while (at < data.length) {
    try {
      at += writeSync(fd, data, at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') {
        if (fd === 1) stdoutClosed = true;
        return;
      }
      if (code !== 'EAGAIN') throw e;
      streamedFds.add(fd);
      streamOf(fd).on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
      });
      streamOf(fd).write(data.subarray(at));
      return;
    }
  }
}

/** Writes a command's output (see write). */
export const writeStdout = (text: string): void => write(1, text);

/** Writes a message for the user (see write). */
export const writeStderr = (text: string): void => write(2, text);

/** Resolves once what the writes handed to a stream is written. */
export async function flushOutput(): Promise<void> {
  await Promise.all(
    [...streamedFds].map((fd) => new Promise<void>((done) => streamOf(fd).write('', () => done()))),
  );
}
