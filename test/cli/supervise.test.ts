import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { type Backoff, type LogLine, supervise } from '../../src/cli/supervise.js';
import { NswgError } from '../../src/errors.js';

const SCRIPT = new URL('./workers/server-like.mjs', import.meta.url);

/** How each worker started fails (`null`: it serves until a signal), by its start number. */
interface Plan {
  fail?: 'oom' | 'throw' | 'exit' | 'start' | 'oom-before-listening';
  afterMs?: number;
  listenAfterMs?: number;
}

/** Supervises real workers running server-like.mjs, each as the plan says; records starts and log lines. */
function run(plans: Plan[], backoff: Backoff) {
  const starts: { at: number; port: number | null }[] = [];
  const lines: (LogLine & { at: number })[] = [];
  const supervisor = supervise({
    start(port) {
      const plan = plans[starts.length] ?? {};
      starts.push({ at: Date.now(), port });
      return new Worker(SCRIPT, {
        workerData: { ...plan, port: port ?? 4242 },
        // small enough to run out of quickly, for real
        resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
      });
    },
    log: (line) => lines.push({ ...line, at: Date.now() }),
    backoff,
  });
  return { supervisor, starts, lines };
}

const errors = <T extends LogLine>(lines: T[]) => lines.filter((l) => l.level === 50);

describe('supervising the server worker', () => {
  it('starts a new worker on the same port after one runs out of memory, and logs why', async () => {
    const { supervisor, starts, lines } = run([{ fail: 'oom', afterMs: 50 }, {}], {
      initialMs: 100,
      maxMs: 1000,
      healthyMs: 60_000,
    });
    await expect
      .poll(() => lines.some((l) => l.msg === 'a new server worker is serving'), { timeout: 10_000 })
      .toBe(true);
    expect(starts.map((s) => s.port)).toEqual([null, 4242]);
    const [crash] = errors(lines);
    expect(crash).toMatchObject({
      level: 50,
      msg: expect.stringMatching(
        /^the server's worker stopped unexpectedly \(.*memory.*\): starting a new one in 0.1 s$/,
      ),
      err: { code: 'ERR_WORKER_OUT_OF_MEMORY', message: expect.stringMatching(/memory/) },
      exitCode: 1,
      restartInMs: 100,
    });
    expect(starts[1]!.at - crash!.at).toBeGreaterThanOrEqual(95);
    supervisor.signal('SIGTERM');
    expect(await supervisor.done).toBe(0);
    expect(starts).toHaveLength(2);
  });

  it('backs off, doubling, while workers keep crashing, and from the start again after a healthy one', async () => {
    const { supervisor, starts, lines } = run(
      [
        { fail: 'throw' },
        { fail: 'throw' },
        { fail: 'exit' },
        { fail: 'throw' },
        // serves longer than healthyMs before it fails
        { fail: 'throw', afterMs: 400 },
        {},
      ],
      { initialMs: 50, maxMs: 200, healthyMs: 300 },
    );
    await expect.poll(() => starts.length, { timeout: 10_000 }).toBe(6);
    await expect.poll(() => lines.filter((l) => l.level === 30).length, { timeout: 5000 }).toBe(5);
    const crashes = errors(lines);
    expect(crashes.map((l) => l.restartInMs)).toEqual([50, 100, 200, 200, 50]);
    crashes.forEach((l, i) => {
      expect(starts[i + 1]!.at - l.at).toBeGreaterThanOrEqual((l.restartInMs as number) - 5);
    });
    expect(crashes[0]).toMatchObject({
      msg: expect.stringMatching(/\(an uncaught failure in the worker\)/),
      err: {
        type: 'Error',
        code: 'E_TEST_FAILURE',
        message: 'an uncaught failure in the worker',
        stack: expect.stringContaining('server-like.mjs'),
      },
      exitCode: 1,
    });
    expect(crashes[2]).toMatchObject({ msg: expect.stringMatching(/\(exit code 3\)/), exitCode: 3 });
    expect(crashes[2]!.err).toBeUndefined();
    supervisor.signal('SIGTERM');
    expect(await supervisor.done).toBe(0);
  });

  it('stops at once on a signal while a restart waits, and starts nothing more', async () => {
    const { supervisor, starts, lines } = run([{ fail: 'throw' }], {
      initialMs: 10_000,
      maxMs: 10_000,
      healthyMs: 60_000,
    });
    await expect.poll(() => errors(lines).length, { timeout: 5000 }).toBe(1);
    const asked = Date.now();
    supervisor.signal('SIGTERM');
    expect(await supervisor.done).toBe(0);
    expect(Date.now() - asked).toBeLessThan(500);
    expect(starts).toHaveLength(1);
  });

  it('stops a worker that is still starting on a signal', async () => {
    const { supervisor, starts } = run([{ listenAfterMs: 60_000 }], {
      initialMs: 50,
      maxMs: 50,
      healthyMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 200));
    supervisor.signal('SIGINT');
    expect(await supervisor.done).toBe(0);
    expect(starts).toHaveLength(1);
  });

  it('never restarts a first worker that could not start: its error is the command’s', async () => {
    const backoff = { initialMs: 50, maxMs: 50, healthyMs: 60_000 };
    const cannot = run([{ fail: 'start' }, {}], backoff);
    const e = await cannot.supervisor.done.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NswgError);
    expect(e).toMatchObject({ code: 'E_DB_CONNECT', message: 'cannot open the database' });
    const oom = run([{ fail: 'oom-before-listening' }, {}], backoff);
    await expect(oom.supervisor.done).rejects.toMatchObject({ code: 'ERR_WORKER_OUT_OF_MEMORY' });
    await new Promise((r) => setTimeout(r, 200));
    expect(cannot.starts).toHaveLength(1);
    expect(oom.starts).toHaveLength(1);
  });
});
