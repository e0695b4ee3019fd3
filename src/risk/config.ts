/**
 * Custom generalisation hierarchies in YAML, validated with file, line and field in every error:
 *
 * ```yaml
 * hierarchies:
 *   occupation:                # a column (or a resident-ID part: `sfzh:region`)
 *     map:                     # each value and its ancestors, level 1 first (ARX's hierarchy table)
 *       护士: [医疗, 服务业]
 *       医生: [医疗, 服务业]
 *       教师: [教育, 服务业]
 *   income:
 *     bands: [1000, 5000, 20000]   # nested widths: each divides the next
 *   zip:
 *     prefix: [4, 2]               # keep 4, then 2 characters
 *   visit_date:
 *     date: [month, year]
 *   sex:
 *     builtin: sex                 # categorical, date, age, region-code, address, postcode, sex
 * ```
 *
 * A `map` must be a hierarchy: two values sharing an ancestor at one level share every ancestor above it, so
 * generalising never splits a group again (checked, with the value's line). Values missing from the map become `*`.
 */
import { z } from 'zod';
import { type LocatedDocument, loadConfigFile, parseConfig } from '../core/config.js';
import { ConfigError, isLeakguardError } from '../core/errors.js';
import {
  addressHierarchy,
  ageHierarchy,
  bandHierarchy,
  categoricalHierarchy,
  dateHierarchy,
  type Hierarchy,
  mapHierarchy,
  postcodeHierarchy,
  prefixHierarchy,
  regionCodeHierarchy,
} from './hierarchy.js';

const Level = z.string().min(1).max(200);

const Entry = z.union([
  z.strictObject({ map: z.record(z.string().max(200), z.array(Level).min(1).max(20)) }),
  z.strictObject({
    bands: z.array(z.number().positive().max(1e15)).min(1).max(10),
  }),
  z.strictObject({ prefix: z.array(z.number().int().min(1).max(100)).min(1).max(20) }),
  z.strictObject({
    date: z
      .array(z.enum(['month', 'year', 'decade']))
      .min(1)
      .max(3),
  }),
  z.strictObject({
    builtin: z.enum(['categorical', 'date', 'age', 'region-code', 'address', 'postcode', 'sex']),
  }),
]);

const Schema = z.strictObject({
  hierarchies: z.record(z.string().min(1).max(200), Entry),
});

function invalid(doc: LocatedDocument, path: (string | number)[], message: string): ConfigError {
  const loc = doc.locate(path);
  return new ConfigError('LG_CONFIG_INVALID', `Invalid "${doc.file}" at ${loc.field ?? 'top level'}: ${message}`, {
    location: loc,
  });
}

function build(name: string, e: z.output<typeof Entry>, doc: LocatedDocument): Hierarchy {
  const at = ['hierarchies', name];
  if ('map' in e) {
    const rows = new Map(Object.entries(e.map));
    const depth = rows.values().next().value?.length ?? 0;
    if (depth === 0) throw invalid(doc, [...at, 'map'], 'the map is empty');
    const parent = new Map<string, string>(); // `level:ancestor` → next ancestor
    for (const [value, anc] of rows) {
      if (anc.length !== depth) {
        throw invalid(doc, [...at, 'map', value], `every value needs ${depth} ancestors, this one has ${anc.length}`);
      }
      for (let i = 0; i + 1 < anc.length; i++) {
        const k = `${i}:${anc[i]}`;
        const p = parent.get(k);
        if (p !== undefined && p !== anc[i + 1]) {
          throw invalid(
            doc,
            [...at, 'map', value, i + 1],
            `"${anc[i]}" has two ancestors at level ${i + 2} ("${p}" and "${anc[i + 1]}"): a hierarchy needs one`,
          );
        }
        parent.set(k, anc[i + 1]!);
      }
    }
    return mapHierarchy(rows, depth);
  }
  try {
    if ('bands' in e) return bandHierarchy(e.bands);
    if ('prefix' in e) return prefixHierarchy(e.prefix);
  } catch (err) {
    throw invalid(doc, [...at, 'bands' in e ? 'bands' : 'prefix'], (err as Error).message);
  }
  if ('date' in e) return dateHierarchy(e.date);
  switch (e.builtin) {
    case 'date':
      return dateHierarchy();
    case 'age':
      return ageHierarchy();
    case 'region-code':
      return regionCodeHierarchy();
    case 'address':
      return addressHierarchy();
    case 'postcode':
      return postcodeHierarchy();
    case 'sex':
      return categoricalHierarchy('sex');
    default:
      return categoricalHierarchy();
  }
}

/** Runs the YAML loader; a YAML library failure it does not map (an alias to nothing: `*x`) becomes a ConfigError. */
function located<T>(file: string, load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (isLeakguardError(e)) throw e;
    throw new ConfigError('LG_CONFIG_INVALID', `Cannot parse "${file}": ${(e as Error).name ?? 'error'}`, {
      cause: e,
      location: { file },
    });
  }
}

/**
 * Parses a hierarchy file's text.
 *
 * @throws ConfigError `LG_CONFIG_INVALID` with file, line and field
 * @example
 * parseHierarchies('hierarchies:\n  zip: { prefix: [3] }\n', 'h.yaml').get('zip')?.generalize('100080', 1) // '100***'
 */
export function parseHierarchies(text: string, file: string): Map<string, Hierarchy> {
  const { value, doc } = located(file, () => parseConfig(text, file, Schema));
  return new Map(Object.entries(value.hierarchies).map(([name, e]) => [name, build(name, e, doc)]));
}

/**
 * Loads a hierarchy file.
 *
 * @throws ConfigError `LG_CONFIG_NOT_FOUND` or `LG_CONFIG_INVALID`
 * @example
 * const hierarchies = loadHierarchies('examples/risk/hierarchies.yaml');
 */
export function loadHierarchies(path: string): Map<string, Hierarchy> {
  const { value, doc } = located(path, () => loadConfigFile(path, Schema));
  return new Map(Object.entries(value.hierarchies).map(([name, e]) => [name, build(name, e, doc)]));
}
