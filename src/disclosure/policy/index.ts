// SECURITY.md and security.txt: the template a package's maintainers publish, the probes that score
// it as OpenSSF Scorecard does, and RFC 9116's file; text in, text and findings out.
export { isPackageName, MAX_PACKAGE_NAME, packageNameProblem, packagePath } from './package-name.js';
export {
  isSecurityPolicyPath,
  type PolicyHits,
  type PolicyScore,
  policyHits,
  SECURITY_POLICY_PATHS,
  scoreSecurityPolicy,
} from './scorecard.js';
export {
  checkSecurityTxt,
  SECURITY_TXT_DAYS,
  type SecurityTxtCheck,
  type SecurityTxtContext,
  type SecurityTxtField,
  type SecurityTxtInput,
  type SecurityTxtProblem,
  securityContactProblem,
  securityTxt,
} from './security-txt.js';
export {
  badgeMarkdown,
  type PolicyInput,
  type PolicyLinks,
  policyLinks,
  securityPolicyMarkdown,
} from './template.js';
