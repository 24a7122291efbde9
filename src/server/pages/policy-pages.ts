import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { packageNameProblem, policyLinks, securityPolicyMarkdown } from '../../disclosure/index.js';
import type { AppDeps } from '../deps.js';
import type { SafeHtml } from './html.js';
import { packagePolicyPage, policyPage } from './views/policy.js';

/** Pages are not part of the API. */
const hidden = { schema: { hide: true } };
/** They change only with the server's configuration. */
const CACHE = 'public, max-age=3600';

const send = (reply: FastifyReply, page: SafeHtml, status = 200) =>
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', status < 400 ? CACHE : 'no-cache')
    .send(page.value);

/** The first value of a query parameter, trimmed; '' when absent. */
function param(req: FastifyRequest, key: string): string {
  const v = (req.query as Record<string, unknown> | undefined)?.[key];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim().slice(0, 300) : '';
}

/** The address a package's SECURITY.md names besides the form: the first mailto: contact, if any. */
const emailOf = (contacts: readonly string[]): string | null => {
  const mailto = contacts.find((c) => /^mailto:/i.test(c));
  return mailto ? decodeURIComponent(mailto.slice('mailto:'.length).split('?')[0]!) : null;
};

/**
 * The disclosure policy's pages: GET /policy (the policy in short, and a form for a package), and
 * GET /policy/{package} (scoped names too): how to report, the badge's Markdown, the SECURITY.md to
 * copy, or to download with ?format=md. They show only the server's configuration and the name.
 */
export async function policyPageRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get('/policy', hidden, async (req, reply) => {
    const name = param(req, 'package');
    if (!name) return send(reply, policyPage());
    const problem = packageNameProblem(name);
    if (problem)
      return send(reply, policyPage({ value: name, problem: `Not an npm package name: ${problem}.` }), 400);
    return reply.redirect(policyLinks('', name).policyPage, 302);
  });

  const packageHandler = async (name: string, req: FastifyRequest, reply: FastifyReply) => {
    const problem = packageNameProblem(name);
    if (problem)
      return send(reply, policyPage({ value: name, problem: `Not an npm package name: ${problem}.` }), 400);
    const markdown = securityPolicyMarkdown({
      packageName: name,
      publicUrl: deps.config.publicUrl,
      email: emailOf(deps.config.securityContacts),
    });
    if (param(req, 'format') === 'md')
      return reply
        .type('text/markdown; charset=utf-8')
        .header('cache-control', CACHE)
        .header('content-disposition', 'attachment; filename="SECURITY.md"')
        .send(markdown);
    // the page's own links stay on this site, whatever URL it is reached at
    return send(
      reply,
      packagePolicyPage(name, policyLinks('', name), policyLinks(deps.config.publicUrl, name), markdown),
    );
  };
  app.get<{ Params: { name: string } }>('/policy/:name', hidden, async (req, reply) =>
    packageHandler(req.params.name, req, reply),
  );
  app.get<{ Params: { scope: string; name: string } }>('/policy/:scope/:name', hidden, async (req, reply) =>
    req.params.scope.startsWith('@')
      ? packageHandler(`${req.params.scope}/${req.params.name}`, req, reply)
      : send(
          reply,
          policyPage({
            value: `${req.params.scope}/${req.params.name}`,
            problem: 'Not an npm package name: a scope begins with @.',
          }),
          404,
        ),
  );
}
