import type { ReleaseState, SecurityRelease } from './releases.js';
import type { TeamRole } from './roles.js';

/** A member of the core security team, as the release pages offer them. */
export interface TeamMember {
  id: string;
  displayName: string;
  handle: string | null;
}

/**
 * What the security releases need from storage, inside the disclosure program's transaction (part of
 * DisclosureTx; the store implements it in src/store/disclosure/releases.ts).
 */
export interface ReleaseTx {
  insertRelease(r: SecurityRelease): Promise<void>;
  updateRelease(r: SecurityRelease): Promise<void>;
  getRelease(id: string): Promise<SecurityRelease | null>;
  /** The releases, by date then creation; only those in `states` when given. */
  listReleases(filter?: { states?: readonly ReleaseState[] }): Promise<SecurityRelease[]>;
  /**
   * Records which reports a release holds, replacing its earlier set: a report is held by one release
   * at most (E_CONFLICT naming the report when another holds it).
   */
  holdReports(releaseId: string, reportIds: readonly string[]): Promise<void>;
  /** The release holding a report, or null. */
  releaseOfReport(reportId: string): Promise<string | null>;
  /** The active, confirmed members of the core security team and the admins, by name: who may steward or release. */
  coreTeam(): Promise<TeamMember[]>;
  /** A user's team roles, or null when there is no such active, confirmed user. */
  teamRolesOf(userId: string): Promise<readonly TeamRole[] | null>;
}
