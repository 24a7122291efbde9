/** Where the disclosure program gets the time: injected, so tests move through weeks in milliseconds. */
export interface Clock {
  now(): Date;
}

/** The machine's clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until it is moved (tests, replays). */
export class ManualClock implements Clock {
  private t: number;

  constructor(start: Date | string) {
    this.t = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  /** Jumps to a given time. */
  set(to: Date | string): void {
    this.t = new Date(to).getTime();
  }

  /** Moves forward by `ms` milliseconds (or by days with `advanceDays`). */
  advance(ms: number): void {
    this.t += ms;
  }

  /** Moves forward by whole calendar days. */
  advanceDays(days: number): void {
    this.t += days * 86_400_000;
  }
}
