/**
 * Load YAML/JSON configuration and validate it with a zod schema; every error names the file, the line and
 * the field (`recognizers[2].patterns[0].regex`).
 */
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ErrorLocation } from './errors.js';

/** A parsed document that can tell the line of any path. */
export interface LocatedDocument {
  readonly file: string;
  /** Location (file, 1-based line, column, field) of `path` in the source, as close as it exists. */
  locate(path: readonly PropertyKey[]): ErrorLocation;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/**
 * Parse YAML (JSON is YAML) and validate with `schema`.
 *
 * @throws ConfigError LG_CONFIG_INVALID with file, line and field of the first problem
 * @example
 * const { value } = parseConfig(text, 'rules.yaml', RulesSchema);
 */
export function parseConfig<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
): { value: z.output<S>; doc: LocatedDocument } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined): { line?: number; column?: number } => {
    if (offset === undefined) return {};
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const firstError = doc.errors[0];
  if (firstError) {
    throw new ConfigError('LG_CONFIG_INVALID', `Cannot parse "${file}": ${firstError.message.split('\n')[0]}`, {
      location: { file, ...at(firstError.pos[0]) },
    });
  }
  const located: LocatedDocument = {
    file,
    locate(path) {
      // Walk down as far as the path exists; report the deepest node found.
      let node: unknown = doc.contents;
      let best: Node | null = (doc.contents as Node | null) ?? null;
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find(
            (it) => String((it.key as { value?: unknown })?.value ?? it.key) === String(key),
          );
          if (!pair) break;
          node = pair.value;
          best = (pair.value as Node | null) ?? (pair.key as Node | null) ?? best;
        } else if (isSeq(node) && typeof key === 'number') {
          node = node.items[key];
          if (!node) break;
          best = node as Node;
        } else break;
      }
      const field = formatPath(path);
      return { file, ...at(best?.range?.[0]), ...(field ? { field } : {}) };
    },
  };
  const raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const loc = located.locate(issue.path);
    throw new ConfigError('LG_CONFIG_INVALID', `Invalid "${file}" at ${loc.field ?? 'top level'}: ${issue.message}`, {
      location: loc,
    });
  }
  return { value: result.data, doc: located };
}

/**
 * Read and parse a configuration file.
 *
 * @throws ConfigError LG_CONFIG_NOT_FOUND when the file cannot be read, LG_CONFIG_INVALID when it does not validate
 */
export function loadConfigFile<S extends z.ZodType>(
  path: string,
  schema: S,
): { value: z.output<S>; doc: LocatedDocument } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      'LG_CONFIG_NOT_FOUND',
      `Cannot read configuration "${path}": ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      {
        cause: e,
        location: { file: path },
      },
    );
  }
  return parseConfig(text, path, schema);
}
