import type { Store } from '../store/index.js';
import type { ServerConfig } from './config.js';

/** The time source; tests pass a fake one that they move forward. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Everything the server depends on, passed in (no module-level singletons). */
export interface AppDeps {
  store: Store;
  config: ServerConfig;
  clock: Clock;
}
