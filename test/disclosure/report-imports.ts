export { validateAssessment, validateReport } from '../../src/disclosure/index.js';
export { isNswgError as isNswgErrorLike } from '../../src/errors.js';
