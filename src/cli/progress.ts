import { isatty } from 'node:tty';
import { writeStderr } from './output.js';

/**
 * A progress line on stderr for long work, shown only on a terminal (never in pipes, logs or CI).
 * Returns the callback to give to the work: `(done, total)`.
 */
export function progress(label: string): ((done: number, total: number) => void) | undefined {
  if (!isatty(2) || process.env.CI) return undefined;
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : width;
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    writeStderr(`\r${label} ${bar} ${done}/${total}`);
    if (done >= total) writeStderr('\n');
  };
}
