export {
  type CvssJson,
  cvssBaseScore,
  cvssJsonOf,
  cvssLibrary,
  cvssVersion,
  normalizeCvssVector,
} from './cvss.js';
export { fixedVersionsOf } from './fixed-versions.js';
export {
  affectedVersRanges,
  CSAF_PROVIDER_METADATA_PATH,
  CSAF_PUBLISHER_NAME,
  CSAF_WELL_KNOWN,
  CSAF_WHITE_PATH,
  type CsafDocument,
  type CsafPublisher,
  csafFileName,
  csafPathOf,
  toCsaf,
} from './formats/csaf.js';
export {
  type CsafProviderMetadata,
  type CsafSite,
  type CsafSiteRelease,
  csafChangesCsv,
  csafIndexTxt,
  csafProviderMetadata,
  csafSite,
} from './formats/csaf-provider.js';
export { type CsafRelease, toCsafRelease } from './formats/csaf-release.js';
export {
  CVE_DATA_VERSION,
  type CveCreditInput,
  type CveCreditType,
  type CveDiscovery,
  type CveProduct,
  type CveRecord,
  type CveRecordOptions,
  type CveRejectedRecord,
  type CveRejectionOptions,
  type CveStatus,
  type CveTimelineEvent,
  type CveTimelineInput,
  type CveVersion,
  NPM_COLLECTION_URL,
  toCveRecord,
  toRejectedCveRecord,
} from './formats/cve.js';
export { type CveVersions, cveVersionsOf } from './formats/cve-versions.js';
export { bulkIdOf, type NpmBulkAdvisory, toNpmBulk, wgUrlOf } from './formats/npm-bulk.js';
export {
  fromNswgCore,
  fromNswgNpm,
  isNswgCore,
  isNswgNpm,
  type NswgCoreJson,
  type NswgNpmJson,
  toNswgCore,
  toNswgNpm,
} from './formats/nswg-json.js';
export {
  concernsNpm,
  fromOsv,
  idFromOsv,
  NODE_OSV_PACKAGE,
  OSV_SCHEMA_VERSION,
  type OsvAffected,
  type OsvRecord,
  osvIdOf,
  toOsv,
} from './formats/osv.js';
export {
  type DependencyAssessment,
  NODE_PURL,
  OPENVEX_CONTEXT,
  OPENVEX_PATH,
  type OpenVexDocument,
  type OpenVexOptions,
  parseDependencyList,
  toOpenVex,
  VEX_JUSTIFICATIONS,
  type VexJustification,
  type VexStatement,
} from './formats/vex.js';
export {
  freshnessLabel,
  freshnessOf,
  freshnessOfRecords,
  NPM_SYNC_COMMAND,
  type SourceFreshness,
  STALE_NPM_DAYS,
  type StaleNpmData,
  sourceOfId,
  staleNpmData,
  staleNpmWarning,
} from './freshness.js';
export { type AdvisoryRef, advisoryIdForms, advisoryPageUrl } from './ids.js';
export { isMalicious, MALICIOUS_CODE, malwareCwes, malwareTitle } from './malicious.js';
export * from './model.js';
export { type ModifiedEntry, parseModifiedCsv } from './osv-feed.js';
export { type OsvSchemaCheck, osvSchemaCheck } from './osv-schema.js';
export {
  type AdvisoryFile,
  assertNoErrors,
  eachAdvisoryJson,
  type FileProblem,
  parseJsonFile,
  type ReadAdvisory,
  type ReadJsonOptions,
  type ReadResult,
  readAdvisoryJson,
} from './read.js';
export { nodeSeverityWord, severityOf, severityOfScore, severityRank } from './severity.js';
export { describe as describeValue, type Problem, validateNswgCore, validateNswgNpm } from './validate.js';
