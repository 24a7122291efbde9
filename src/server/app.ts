import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { startAdvisorySync } from './advisory-sync-timer.js';
import { boundJsonBodies, refuseDeclaredOversize } from './body.js';
import type { AppDeps } from './deps.js';
import { disclosureRoutes } from './disclosure/index.js';
import { installErrorHandler } from './errors.js';
import { SMALL_JSON } from './json-limits.js';
import { shedLoad } from './load-shedding.js';
import { installMetrics } from './metrics.js';
import { registerOpenApi } from './openapi.js';
import { pageRoutes } from './pages/index.js';
import { policyPageRoutes } from './pages/policy-pages.js';
import { badgeRoutes } from './routes/badge.js';
import { csafRoutes } from './routes/csaf.js';
import { cveRoutes } from './routes/cve.js';
import { exportRoutes } from './routes/export.js';
import { healthRoutes } from './routes/health.js';
import { npmAuditRoutes } from './routes/npm-audit.js';
import { osvRoutes } from './routes/osv.js';
import { securityTxtRoutes } from './routes/security-txt.js';
import { vexRoutes } from './routes/vex.js';
import { addSecurityHeaders } from './security-headers.js';

/** The server as a Fastify instance with every route family registered; not listening yet. */
export type App = FastifyInstance;

/** The strict Content-Security-Policy of every answer: no inline script, nothing from elsewhere. */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

/**
 * How often Node.js looks for requests past their headers or request timeout: its default, every
 * 30 s, would let a slow client keep a connection up to 30 s longer than the timeout says.
 */
function timeoutCheckInterval(config: AppDeps['config']): number {
  return Math.max(
    50,
    Math.min(1000, Math.floor(Math.min(config.headersTimeoutMs, config.requestTimeoutMs) / 4)),
  );
}

/** Builds the server from its dependencies (database, configuration, clock). */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config } = deps;
  // Node.js refuses a headers timeout longer than the request timeout (0: none)
  const headersTimeout =
    config.requestTimeoutMs > 0
      ? Math.min(config.headersTimeoutMs, config.requestTimeoutMs)
      : config.headersTimeoutMs;
  const app = Fastify({
    logger: config.logStream
      ? { level: config.logLevel, stream: config.logStream }
      : { level: config.logLevel },
    // routes with larger bodies (the OSV batch, npm's audits) say so themselves
    bodyLimit: SMALL_JSON.bytes,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout,
      connectionsCheckingInterval: timeoutCheckInterval(config),
    },
    forceCloseConnections: 'idle',
    trustProxy: deps.config.trustProxy,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandler(app);
  refuseDeclaredOversize(app);
  boundJsonBodies(app);
  addSecurityHeaders(app, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    crossOriginEmbedderPolicy: false,
    hsts: deps.config.secureCookies ? undefined : false,
  });
  const pressure = config.loadShedding ? shedLoad(app, config.loadShedding) : null;
  await registerOpenApi(app, deps);
  // before the routes, so that its hooks count every one
  installMetrics(app, deps);
  await app.register(async (scope) => healthRoutes(scope, deps));
  await app.register(async (scope) => npmAuditRoutes(scope, deps));
  await app.register(async (scope) => osvRoutes(scope, deps));
  await app.register(async (scope) => exportRoutes(scope, deps));
  await app.register(async (scope) => cveRoutes(scope, deps));
  await app.register(async (scope) => vexRoutes(scope, deps));
  await app.register(async (scope) => csafRoutes(scope, deps));
  await app.register(async (scope) => securityTxtRoutes(scope, deps));
  await app.register(async (scope) => badgeRoutes(scope, deps));
  await app.register(async (scope) => pageRoutes(scope, deps));
  await app.register(async (scope) => policyPageRoutes(scope, deps));
  await app.register(async (scope) => disclosureRoutes(scope, deps));
  if (deps.advisorySync)
    startAdvisorySync(app, deps.store, { ownWork: pressure?.ownWork, ...deps.advisorySync });
  return app;
}
