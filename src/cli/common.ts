/**
 * Pieces shared by CLI commands: building the analyzer from flags and config.
 */
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { type Analyzer, type AnalyzerOptions, createAnalyzer } from '../detect/analyzer.js';
import { loadDetectConfig } from '../detect/custom.js';
import { type EntityName, isEntityType } from '../detect/index.js';
import { builtinRecognizers } from '../detect/presets.js';
import type { CliIO } from './io.js';

export interface AnalyzerFlags {
  config?: string;
  types?: string[];
  threshold?: number;
  includeMasked?: boolean;
}

/** Split a comma-separated flag value. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Build the analyzer for a command: built-in recognizers, plus a detection config (`--config`, or the
 * `LEAKGUARD_DETECT_CONFIG` environment variable), plus flags (which win).
 *
 * @throws UsageError for unknown types; ConfigError for a bad config file
 */
export function buildAnalyzer(io: CliIO, flags: AnalyzerFlags): Analyzer {
  const configPath = flags.config ?? io.env.LEAKGUARD_DETECT_CONFIG;
  const loaded = configPath ? loadDetectConfig(resolve(io.cwd, configPath)) : null;
  const custom = loaded?.recognizers ?? [];
  const knownCustom = new Set<string>(custom.flatMap((r) => r.entities));
  const options: AnalyzerOptions = { ...(loaded?.options ?? {}), recognizers: [...builtinRecognizers, ...custom] };
  if (flags.types) {
    for (const t of flags.types) {
      if (!isEntityType(t) && !knownCustom.has(t)) {
        throw new UsageError(`Unknown entity type "${t}": run \`leakguard types\` for the list`);
      }
    }
    options.types = flags.types as EntityName[];
  }
  if (flags.threshold !== undefined) options.defaultThreshold = flags.threshold;
  if (flags.includeMasked) options.includeMasked = true;
  return createAnalyzer(options);
}
