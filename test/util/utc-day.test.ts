import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utcDay } from '../../src/util/utc-day.js';

describe('utcDay', () => {
  it("is toISOString's day, for any time of the years 0-9999", () => {
    const day = (d: Date): string => d.toISOString().slice(0, 10);
    const edges = [
      0,
      -1,
      86_399_999,
      86_400_000,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999),
      Date.UTC(2000, 2, 1),
      Date.UTC(1900, 1, 28, 12),
      Date.UTC(1900, 2, 1),
      Date.UTC(2100, 1, 28),
      Date.UTC(2100, 2, 1),
      Date.UTC(2024, 11, 31, 23, 59, 59, 999),
      Date.UTC(2025, 0, 1),
      Date.UTC(0, 0, 1),
      Date.UTC(9999, 11, 31, 23),
    ];
    for (const t of edges) expect(utcDay(new Date(t)), String(t)).toBe(day(new Date(t)));
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (t) => {
        expect(utcDay(new Date(t))).toBe(day(new Date(t)));
      }),
      { numRuns: 20_000, seed: 20261206 },
    );
  });

  it('leaves a date outside those years, and no date, to toISOString', () => {
    expect(utcDay(new Date(Date.UTC(10000, 0, 1)))).toBe('+010000-01');
    expect(() => utcDay(new Date(Number.NaN))).toThrow(RangeError);
  });
});
