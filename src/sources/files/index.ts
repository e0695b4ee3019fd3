/**
 * The file source: walking, ignore rules, link safety, unit planning (byte ranges included) and fingerprints.
 *
 * @example
 * import { createFileSource } from './files/index.js';
 * const source = createFileSource({ root: '/data' });
 */
export { createFileSource, DEFAULT_RANGE_BYTES, type FileSource, type FileSourceOptions } from './file-source.js';
export { FINGERPRINT_EDGE_BYTES, type FileFingerprint, fingerprintFile, planFile, unitId } from './plan.js';
export { isInside, resolveRoots, type WalkItem, type WalkOptions, walk } from './walk.js';
