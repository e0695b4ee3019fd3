/**
 * An analyzer described by plain data — a detection config file and a few options — so the same analyzer can
 * be rebuilt in a worker thread or on another machine from a message.
 */
import { UsageError } from '../core/errors.js';
import { type Analyzer, type AnalyzerOptions, createAnalyzer } from './analyzer.js';
import { loadDetectConfig } from './custom.js';
import { type EntityName, isEntityType } from './index.js';
import { builtinRecognizers } from './presets.js';

/** What an analyzer is built from; JSON-serialisable. */
export interface AnalyzerSpec {
  /** Absolute path of a detection config (custom recognizers, thresholds, allow/deny). */
  config?: string;
  /** Only these entity types (built-in or custom). */
  types?: string[];
  /** Default score threshold. */
  threshold?: number;
  /** Also report already-masked values as findings. */
  includeMasked?: boolean;
}

/**
 * Build the analyzer a spec describes: built-in recognizers, plus the config's, plus the options (which win).
 *
 * @throws UsageError for unknown types; ConfigError for a bad config file
 * @example
 * const analyzer = analyzerFromSpec({ config: '/etc/leakguard/detect.yaml' });
 */
export function analyzerFromSpec(spec: AnalyzerSpec): Analyzer {
  const loaded = spec.config ? loadDetectConfig(spec.config) : null;
  const custom = loaded?.recognizers ?? [];
  const knownCustom = new Set<string>(custom.flatMap((r) => r.entities));
  const options: AnalyzerOptions = { ...(loaded?.options ?? {}), recognizers: [...builtinRecognizers, ...custom] };
  if (spec.types) {
    for (const t of spec.types) {
      if (!isEntityType(t) && !knownCustom.has(t)) {
        throw new UsageError(`Unknown entity type "${t}": run \`leakguard types\` for the list`);
      }
    }
    options.types = spec.types as EntityName[];
  }
  if (spec.threshold !== undefined) options.defaultThreshold = spec.threshold;
  if (spec.includeMasked) options.includeMasked = true;
  return createAnalyzer(options);
}
