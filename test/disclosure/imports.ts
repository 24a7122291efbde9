// One import point for the domain under test.
export * from '../../src/disclosure/index.js';
export { newReportFields as newReportFieldsForTest } from '../../src/disclosure/workflow.js';
