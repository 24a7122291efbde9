// Types of crash.mjs for the tests that use it.
import type { DbTarget } from '../../dist/store/index.js';

export interface RandomSource {
  next(): number;
  int(n: number): number;
  between(a: number, b: number): number;
}
export function randomSource(seed: number): RandomSource;
export function scratch(): string;
export const BIN: string;

export interface RunResult {
  killed: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}
export function nswgRun(args: string[], home: string): Promise<RunResult>;
export function killedAfter(args: string[], home: string, when: Promise<unknown> | null): Promise<RunResult>;
export function freshDatabase(
  engine: 'sqlite' | 'postgres',
  dir: string,
): Promise<{ target: DbTarget; arg: string; drop(): Promise<void> }>;
export function advisoryIds(target: DbTarget): Promise<{ count: number; sum: string; ids: string[] }>;
export function advisoryFolder(dir: string, count: number, seed: number): { dir: string; ids: string[] };
export function osvFolderServer(
  count: number,
  seed: number,
): Promise<{ url: string; ids: string[]; close(): Promise<void> }>;

export interface WriteLoopResult {
  killed: boolean;
  /** The kill came after the operation's writes had begun. */
  inside: boolean;
  outcome: 'before' | 'after' | 'half' | 'error';
  failures: string[];
  delay: number;
  fromStart: boolean;
  ms: number;
  againMs: number;
}
export function advisoryWriteLoop(opts: {
  engine: 'sqlite' | 'postgres';
  dir: string;
  args: string[];
  expectIds: string[];
  rnd: RandomSource;
  estimateMs: { total: number; writing: number };
}): Promise<WriteLoopResult>;

export interface ServeLoopResult {
  loop: number;
  delay?: number;
  acknowledged?: { reports: number; attachments: number };
  stored?: { reports: number; attachments: number };
  inFlight?: number;
  failures: string[];
}
export function serveLoops(opts: {
  engine: 'sqlite' | 'postgres';
  dir: string;
  loops: number;
  rnd: RandomSource;
  clients?: number;
  /** Reporters registered per loop (each files two reports): enough that the stream outlasts the kill. */
  reporters?: number;
  killWithinMs?: [number, number];
  log?: (r: ServeLoopResult) => void;
}): Promise<ServeLoopResult[]>;
