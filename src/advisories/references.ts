import type { Reference, ReferenceType } from './model.js';

/** The OSV reference type a Working Group reference URL most likely is. */
export function referenceType(url: string): ReferenceType {
  if (/\/commit\/[0-9a-f]{7,}|\/pull\/\d+|\/compare\//i.test(url)) return 'FIX';
  if (/hackerone\.com\/reports\//i.test(url)) return 'REPORT';
  if (/\/issues\/\d+/i.test(url)) return 'REPORT';
  if (
    /nodejs\.org\/.*vulnerability|\/security\/advisories\/|nvd\.nist\.gov|cve\.org|cve\.mitre\.org|snyk\.io\/vuln/i.test(
      url,
    )
  ) {
    return 'ADVISORY';
  }
  if (/npmjs\.(com|org)\/(package\/)?[^/]+\/?$/i.test(url)) return 'PACKAGE';
  if (/^https?:\/\/(www\.)?github\.com\/[^/]+\/[^/]+\/?$/i.test(url)) return 'PACKAGE';
  return 'WEB';
}

/** References from URLs, each with its likely type. */
export function referencesFromUrls(urls: readonly string[]): Reference[] {
  return urls.map((url) => ({ type: referenceType(url), url }));
}
