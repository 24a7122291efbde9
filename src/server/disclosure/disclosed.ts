import type { DisclosureContext } from './context.js';

/** A published report as everyone may read it. */
export interface DisclosedReport {
  id: string;
  kind: 'npm' | 'core';
  state: 'published';
  packageName: string | null;
  component: string | null;
  affectedVersions: string;
  patchedVersions: string | null;
  title: string;
  description: string;
  impact: string;
  cvss: { vector: string; score: number } | null;
  cwe: string | null;
  cveId: string | null;
  advisoryId: string | null;
  /** The credit as the reporter chose it; null for anonymous. */
  credit: string | null;
  references: string[];
  submittedAt: string;
  triagedAt: string | null;
  publishedAt: string | null;
  /** Published at the deadline with no fixed version. */
  publishedWithoutFix: boolean;
}

/** Who wrote a comment, as the public sees it: a role, never an identity. */
export type PublicAuthor = 'reporter' | 'maintainer' | 'team';

export interface Disclosure {
  report: DisclosedReport;
  history: { transition: string; from: string; to: string; at: string }[];
  comments: { author: PublicAuthor; body: string; createdAt: string }[];
}

/**
 * The disclosed form of a published report, or null when the report does not exist or is not
 * published (the caller answers both alike). It leaves out the proof of concept, the environment,
 * the patch, internal notes, attachments, and who anyone is beyond the credit the reporter chose:
 * nothing records that the participants agreed to publish more.
 */
export async function disclosedReport(ctx: DisclosureContext, id: string): Promise<Disclosure | null> {
  return ctx.deps.store.reports.transaction(async (tx) => {
    const r = await tx.getReport(id);
    if (r?.state !== 'published') return null;
    const author = (uid: string): PublicAuthor =>
      uid === r.reporterId ? 'reporter' : r.maintainerIds.includes(uid) ? 'maintainer' : 'team';
    const credit =
      r.credit.as === 'name' ? r.credit.name : r.credit.as === 'handle' ? `@${r.credit.handle}` : null;
    return {
      report: {
        id: r.id,
        kind: r.kind,
        state: 'published',
        packageName: r.packageName,
        component: r.component,
        affectedVersions: r.affectedVersions,
        patchedVersions: r.patchedVersions,
        title: r.title,
        description: r.description,
        impact: r.impact,
        cvss: r.cvss,
        cwe: r.cwe,
        cveId: r.cveId,
        advisoryId: r.advisoryId,
        credit,
        references: r.references,
        submittedAt: r.submittedAt,
        triagedAt: r.triagedAt,
        publishedAt: r.publishedAt,
        publishedWithoutFix: r.patchedVersions === null,
      },
      history: (await tx.stateChanges(id)).map((c) => ({
        transition: c.transition,
        from: c.from,
        to: c.to,
        at: c.at,
      })),
      comments: (await tx.comments(id)).map((c) => ({
        author: author(c.authorId),
        body: c.body,
        createdAt: c.createdAt,
      })),
    };
  });
}
