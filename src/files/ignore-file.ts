import { type IgnoreEntry, parseIgnoreFile } from '../scan/ignore.js';
import { readText } from './read.js';

/** Reads an ignore file (`.nswg-ignore.json`); a file that cannot be read or is bad is E_IGNORE_FILE. */
export function readIgnoreFile(file: string): IgnoreEntry[] {
  return parseIgnoreFile(readText(file, 'E_IGNORE_FILE', 'the ignore file'), file);
}
