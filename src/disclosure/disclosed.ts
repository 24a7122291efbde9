import { disclosedContent } from './agreement.js';
import type { CreditRole } from './credits.js';
import type { DisclosureTx } from './ports.js';
import type { Report } from './report.js';

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
  /** The proof of concept: present only when its disclosure was agreed (agreement.ts). */
  reproduction?: string;
  /** The planned release day of the fix, when one was proposed. */
  releaseDate: string | null;
  cvss: { vector: string; score: number } | null;
  cwe: string | null;
  cveId: string | null;
  advisoryId: string | null;
  /** The credit as the reporter chose it; null for anonymous. */
  credit: string | null;
  /** The other credits the advisory carries: those their credited person accepted (credits.ts). */
  credits: { name: string; role: CreditRole }[];
  references: string[];
  submittedAt: string;
  triagedAt: string | null;
  publishedAt: string | null;
  /** Published at the deadline with no fixed version. */
  publishedWithoutFix: boolean;
  /** Why it was published without a fix (null: fixed). */
  withoutFix: Report['withoutFix'];
  /** The early publication's reason and what shows it, when it was published early. */
  earlyPublication: Pick<NonNullable<Report['earlyPublication']>, 'reason' | 'details'> | null;
}

/** Who wrote a comment, as the public sees it: a role, never an identity. */
export type PublicAuthor = 'reporter' | 'maintainer' | 'team';

/** An attachment whose disclosure was agreed: anyone may download it. */
export interface DisclosedAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: string;
  /** Who added it, as a role. */
  uploadedBy: PublicAuthor;
}

export interface Disclosure {
  report: DisclosedReport;
  history: { transition: string; from: string; to: string; at: string }[];
  /** Whether the comment thread was agreed to be disclosed (agreement.ts). */
  commentsDisclosed: boolean;
  /** The comments: every one when the thread was agreed to be disclosed, else none. */
  comments: { author: PublicAuthor; body: string; createdAt: string }[];
  attachments: DisclosedAttachment[];
}

/**
 * The disclosed form of a published report, or null when the report does not exist or is not
 * published (the caller answers both alike). The proof of concept, the comments and each attachment
 * appear only as its participants agreed (disclosedContent decides); the environment, the patch,
 * internal notes, and who anyone is beyond the credit the reporter chose never do.
 */
export async function disclosedReport(tx: DisclosureTx, id: string): Promise<Disclosure | null> {
  const r = await tx.getReport(id);
  if (r?.state !== 'published') return null;
  const author = (uid: string): PublicAuthor =>
    uid === r.reporterId ? 'reporter' : r.maintainerIds.includes(uid) ? 'maintainer' : 'team';
  const credit =
    r.credit.as === 'name' ? r.credit.name : r.credit.as === 'handle' ? `@${r.credit.handle}` : null;
  const attachments = await tx.attachments(id);
  const agreed = disclosedContent(
    r,
    attachments.map((a) => a.id),
    await tx.statements(id),
  );
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
      ...(agreed.proofOfConcept ? { reproduction: r.reproduction } : {}),
      releaseDate: r.fixProposal?.releaseDate ?? null,
      cvss: r.cvss,
      cwe: r.cwe,
      cveId: r.cveId,
      advisoryId: r.advisoryId,
      credit,
      credits: (await tx.credits(id))
        .filter((c) => c.state === 'accepted')
        .map((c) => ({ name: c.name, role: c.role })),
      references: r.references,
      submittedAt: r.submittedAt,
      triagedAt: r.triagedAt,
      publishedAt: r.publishedAt,
      publishedWithoutFix: r.patchedVersions === null,
      withoutFix: r.withoutFix ?? null,
      earlyPublication:
        r.withoutFix === 'early-publication' && r.earlyPublication
          ? { reason: r.earlyPublication.reason, details: r.earlyPublication.details }
          : null,
    },
    history: (await tx.stateChanges(id)).map((c) => ({
      transition: c.transition,
      from: c.from,
      to: c.to,
      at: c.at,
    })),
    commentsDisclosed: agreed.comments,
    comments: agreed.comments
      ? (await tx.comments(id)).map((c) => ({
          author: author(c.authorId),
          body: c.body,
          createdAt: c.createdAt,
        }))
      : [],
    attachments: attachments
      .filter((a) => agreed.attachmentIds.includes(a.id))
      .map((a) => ({
        id: a.id,
        filename: a.filename,
        contentType: a.contentType,
        size: a.size,
        sha256: a.sha256,
        createdAt: a.createdAt,
        uploadedBy: author(a.uploadedBy),
      })),
  };
}
