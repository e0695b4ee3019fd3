/**
 * leakguard — find, protect and guard personal information.
 *
 * @example
 * import { detect } from 'leakguard';
 * for (const f of detect(text)) console.log(f.type, f.start, f.end);
 */
export * from './core/errors.js';
export * from './detect/index.js';
