export { type Clock, systemClock } from '../disclosure/index.js';
export { type App, buildApp, CONTENT_SECURITY_POLICY } from './app.js';
export { type ServerConfig, serverConfig } from './config.js';
export type { AppDeps } from './deps.js';
export { DEFAULT_LOAD_SHEDDING, type LoadShedding } from './load-shedding.js';
