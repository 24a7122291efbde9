import type { FastifyInstance } from 'fastify';
import { acceptJsonBodies } from '../../body.js';
import { bearerCaller } from '../auth.js';
import type { DisclosureContext } from '../context.js';
import { acceptUploads } from '../uploads.js';
import { accountApi } from './accounts.js';
import { adminApi } from './admin.js';
import { bountyApi } from './bounty.js';
import { creditApi } from './credits.js';
import { cveApi } from './cve.js';
import { cveRequestApi } from './cve-requests.js';
import { intakeApi } from './intake.js';
import { registryApi } from './registry.js';
import { releaseApi } from './releases.js';
import { attachmentApi, reportApi } from './reports.js';
import { workflowApi } from './workflow.js';

/**
 * The JSON API under /api/: everything the pages do. It takes `Authorization: Bearer <token>` (an
 * API token or a session from POST /api/login) and never the session cookie, so a page of another
 * site cannot make a browser call it: no CSRF token is needed. Answers are never cached.
 */
export async function disclosureApi(app: FastifyInstance, ctx: DisclosureContext): Promise<void> {
  acceptJsonBodies(app);
  app.decorateRequest('caller', null as never);
  app.addHook('onRequest', async (req, reply) => {
    void reply.header('cache-control', 'no-store');
    req.caller = await bearerCaller(ctx.deps.store, req);
  });
  accountApi(app, ctx);
  reportApi(app, ctx);
  workflowApi(app, ctx);
  adminApi(app, ctx);
  cveApi(app, ctx);
  creditApi(app, ctx);
  registryApi(app, ctx);
  cveRequestApi(app, ctx);
  intakeApi(app, ctx);
  bountyApi(app, ctx);
  releaseApi(app, ctx);
  await app.register(async (uploads) => {
    await acceptUploads(uploads);
    attachmentApi(uploads, ctx);
  });
}
