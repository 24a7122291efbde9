// The files the domain needs, read for it: the domain folders get text and data, never a path to open.
export { listJsonFiles, type ReadOptions, readAdvisoryFiles, zipJsonFiles } from './advisory-files.js';
export { readDataJson } from './data-files.js';
export { dependencyList } from './dependency-list.js';
export { readIgnoreFile } from './ignore-file.js';
export { extractLockfile, extractProject, projectFolder } from './lockfiles.js';
export { readInstalledTree } from './node-modules.js';
export { localOsvFolder, type OsvArchive, type OsvFolder, readOsvArchive } from './osv-archive.js';
export { validateOsvSchema } from './osv-schema-file.js';
export { readText, readTextOrNull, statOrNull } from './read.js';
export { releaseSchedule } from './release-schedule.js';
export { type FoundPolicy, findSecurityPolicies, writeFileAtomic } from './security-policy-files.js';
export { isZip, type ZipFile, zipFiles } from './zip-read.js';
