/**
 * Pieces shared by CLI commands: building the analyzer from flags and config.
 */
import { resolve } from 'node:path';
import type { Analyzer } from '../detect/analyzer.js';
import { type AnalyzerSpec, analyzerFromSpec } from '../detect/spec.js';
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
  return analyzerFromSpec(analyzerSpec(io, flags));
}

/**
 * The analyzer spec for a command's flags and environment (the config path made absolute), for rebuilding the
 * same analyzer in worker threads.
 *
 * @example
 * const spec = analyzerSpec(io, { config: 'detect.yaml' });
 */
export function analyzerSpec(io: CliIO, flags: AnalyzerFlags): AnalyzerSpec {
  const configPath = flags.config ?? io.env.LEAKGUARD_DETECT_CONFIG;
  return {
    ...(configPath ? { config: resolve(io.cwd, configPath) } : {}),
    ...(flags.types ? { types: flags.types } : {}),
    ...(flags.threshold !== undefined ? { threshold: flags.threshold } : {}),
    ...(flags.includeMasked ? { includeMasked: true } : {}),
  };
}
