import { describe, expect, it } from 'vitest';
import { logFormatFor, TextLog } from '../../src/cli/log-format.js';

describe('the server log for people', () => {
  it('is text on a terminal and JSON when piped, unless --log-format says', () => {
    expect(logFormatFor(undefined, true)).toBe('text');
    expect(logFormatFor(undefined, false)).toBe('json');
    expect(logFormatFor(undefined, undefined)).toBe('json');
    expect(logFormatFor('json', true)).toBe('json');
    expect(logFormatFor('text', false)).toBe('text');
  });

  it('folds a request into one line when it completes, and keeps other lines readable', () => {
    const out: string[] = [];
    const log = new TextLog((s) => out.push(s));
    const t = Date.parse('2026-12-05T12:00:01Z');
    const lines = [
      {
        level: 30,
        time: t,
        reqId: 'req-1',
        req: { method: 'GET', url: '/node?version=18' },
        msg: 'incoming request',
      },
      { level: 40, time: t, reqId: 'req-1', code: 'E_X', msg: 'slow' },
      {
        level: 30,
        time: t,
        reqId: 'req-1',
        res: { statusCode: 200 },
        responseTime: 3.4,
        msg: 'request completed',
      },
    ].map((l) => JSON.stringify(l));
    // pino may hand over a line in pieces: nothing is written before its end
    log.chunk(`${lines[0]}\n${lines[1]!.slice(0, 10)}`);
    expect(out).toEqual([]);
    log.chunk(`${lines[1]!.slice(10)}\n${lines[2]}\nnot json\n`);
    expect(out.join('')).toBe(
      '12:00:01 warn slow (GET /node?version=18) code=E_X\n12:00:01 GET /node?version=18 200 3 ms\nnot json\n',
    );
  });
});
