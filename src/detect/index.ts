/**
 * `leakguard/detect`: the detection engine.
 *
 * @example
 * import { detect } from 'leakguard/detect';
 * detect('身份证号：11010519491231002X，手机 138 1234 5678');
 */
import type { Finding } from '../core/finding.js';
import { type Analyzer, type AnalyzerOptions, createAnalyzer, setDefaultRecognizers } from './analyzer.js';
import { builtinRecognizers } from './presets.js';

setDefaultRecognizers(builtinRecognizers);

let shared: Analyzer | undefined;

/**
 * Detect personal information in `text` with the built-in recognizers. With options, builds an analyzer for
 * this call (build one with {@link createAnalyzer} and reuse it when calling often with the same options).
 *
 * @example
 * detect('手机13812345678') // [{ type: 'CN_MOBILE', start: 2, end: 13, score: 0.9, recognizer: 'cn.mobile' }]
 */
export function detect(text: string, options?: AnalyzerOptions): Finding[] {
  if (options === undefined) {
    shared ??= createAnalyzer();
    return shared.detect(text);
  }
  return createAnalyzer(options).detect(text);
}

export type { EntityType, EntityTypeInfo } from '../core/entity-types.js';
export { ENTITY_TYPE_NAMES, ENTITY_TYPES, isEntityType } from '../core/entity-types.js';
export type { EntityName, Finding, Subject } from '../core/finding.js';
export type { AnalysisResult, Analyzer, AnalyzerOptions, DenyEntry } from './analyzer.js';
export { createAnalyzer } from './analyzer.js';
export type { ContextOptions, ContextSpec } from './context.js';
export { COMMON_NEGATIVE, defineContext } from './context.js';
export type { DetectConfig, LoadedDetectConfig } from './custom.js';
export { loadDetectConfig, parseDetectConfig } from './custom.js';
export { normalizeText } from './normalize.js';
export { builtinRecognizers } from './presets.js';
export { maskedPreview } from './preview.js';
export type { MatchContext, Recognizer } from './recognizer.js';
export { defineRecognizer, Trigger } from './recognizer.js';
export type { StreamChunk, StreamHit, StreamOptions, StreamStats } from './stream.js';
export { detectStream, detectStreamHits } from './stream.js';
