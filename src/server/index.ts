export { type App, buildApp, CONTENT_SECURITY_POLICY } from './app.js';
export { type ServerConfig, serverConfig } from './config.js';
export { type AppDeps, type Clock, systemClock } from './deps.js';
