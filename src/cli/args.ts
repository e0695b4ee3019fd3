/**
 * Argument parsing on top of `node:util` parseArgs: strict (unknown flags are usage errors), `--help` on every
 * command, and option values validated here rather than deep in the command.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../core/errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed<O extends Options> {
  values: {
    [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : O[K] extends { multiple: true } ? string[] : string;
  };
  positionals: string[];
}

/**
 * Parse `argv` against `options`. `--help`/`-h` is always accepted.
 *
 * @throws UsageError LG_USAGE for unknown flags, missing values, or extra positionals
 */
export function parse<O extends Options>(
  argv: readonly string[],
  options: O,
  command: string,
): Parsed<O> & { help: boolean } {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    const help = Boolean((values as Record<string, unknown>).help);
    return { values: values as Parsed<O>['values'], positionals, help };
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`Invalid arguments for "${command}": ${msg}`, { cause: e });
  }
}

/** Parse a number option within bounds. */
export function numberOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`Invalid value for --${name}: expected a number from ${min} to ${max}, got "${value}"`);
  return n;
}
