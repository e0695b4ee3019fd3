/**
 * Which columns are quasi-identifiers, sensitive attributes or direct identifiers, proposed from the column
 * classification (`src/scan/classify.ts` over a sample run through the detection engine) and from column names,
 * and overridable with `--quasi` / `--sensitive`.
 *
 * A resident-ID column is a bundle of quasi-identifiers even when partly masked: GB 11643 positions 1–6 are the
 * region code, 7–14 the birth date, 17 the sex (odd male, even female). Whatever survives the mask is derived:
 * `110***********1234` still gives the province-and-prefecture prefix `110` and the sex (position 17 is `3`:
 * male); `110105********0012` gives the county code and the sex; `**************1234` gives the sex alone.
 */
import type { FieldStats } from '../catalog/catalog.js';
import type { Analyzer } from '../detect/analyzer.js';
import { classifyField } from '../scan/classify.js';
import {
  addressHierarchy,
  ageHierarchy,
  categoricalHierarchy,
  dateHierarchy,
  type Hierarchy,
  postcodeHierarchy,
  regionCodeHierarchy,
  SUPPRESSED,
} from './hierarchy.js';

/** What a quasi-identifier is about (drives its default hierarchy). */
export type QuasiRole =
  | 'birth date'
  | 'age'
  | 'sex'
  | 'region'
  | 'region code'
  | 'address'
  | 'postcode'
  | 'occupation'
  | 'ethnicity'
  | 'marital status'
  | 'education'
  | 'other';

/** The parts of a resident ID used as quasi-identifiers. */
export type IdPart = 'region' | 'birth' | 'sex';

/** One quasi-identifier: a column, or a part of a resident-ID column. */
export interface QuasiIdentifier {
  /** Display name: the column, or `column:region` / `column:birth` / `column:sex`. */
  readonly name: string;
  readonly column: string;
  readonly part?: IdPart | undefined;
  readonly role: QuasiRole;
  readonly hierarchy: Hierarchy;
  /** Why it was chosen: `name`, `content`, `--quasi`. */
  readonly reason: string;
}

/** The roles of a table's columns. */
export interface ColumnRoles {
  quasi: QuasiIdentifier[];
  sensitive: string[];
  /** Columns holding direct identifiers (names, phone numbers, clear resident IDs): dropped by `anonymize`. */
  direct: string[];
  /** Columns that look like quasi-identifiers but were not named in `--quasi` (kept as they are: a warning). */
  unused: string[];
  /** The classification of every column (type or null), for the report. */
  classified: Record<string, string | null>;
}

/** Name hints for quasi-identifiers the detection engine has no entity type for. */
const QUASI_NAMES: readonly [RegExp, QuasiRole][] = [
  [/性别|^sex$|gender|^xb$/, 'sex'],
  [/年龄|^age$|^nl$|_age$/, 'age'],
  [/出生|生日|birth|^dob$|^csrq/, 'birth date'],
  [/行政区划|区划代码|region_?code|area_?code|^xzqh|division_?code/, 'region code'],
  [/邮编|邮政编码|post_?code|postal|^zip/, 'postcode'],
  [
    /籍贯|出生地|户籍地|省份|^省$|城市|^市$|区县|province|^city$|county|district|region|birth_?place|hometown|^jg$/,
    'region',
  ],
  [/职业|occupation|^job|profession|^zy$/, 'occupation'],
  [/民族|ethnic|^race$|^mz$|nationality/, 'ethnicity'],
  [/婚姻|marital|^hyzk/, 'marital status'],
  [/学历|教育|education|degree|^xl$/, 'education'],
];

/** Name hints for sensitive attributes (PIPL Art. 28 categories, health, income). */
const SENSITIVE_NAMES =
  /诊断|疾病|病情|病史|diagnos|disease|illness|condition|medical|health|salary|income|收入|工资|薪|宗教|religio|信仰|犯罪|criminal|conviction|hiv|sexual|政治面貌/;

/** Entity types that are direct identifiers (never quasi-identifiers; dropped by anonymisation). */
const DIRECT_TYPES = new Set([
  'PERSON',
  'CN_MOBILE',
  'PHONE',
  'PHONE_NUMBER',
  'CN_LANDLINE',
  'EMAIL_ADDRESS',
  'CN_BANK_CARD',
  'CREDIT_CARD',
  'CN_PASSPORT',
  'CN_HK_MACAU_PERMIT',
  'CN_TAIWAN_PERMIT',
  'CN_RESIDENCE_PERMIT_HMT',
  'CN_FOREIGN_PR_ID',
  'HK_ID',
  'TW_NATIONAL_ID',
  'CN_LICENSE_PLATE',
  'VIN',
  'IBAN_CODE',
  'US_SSN',
  'IP_ADDRESS',
  'MAC_ADDRESS',
  'CN_USCC',
  'CRYPTO',
  'SECRET',
]);

function normaliseName(column: string): string {
  return column
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** The hierarchy a role gets by default. */
export function defaultHierarchy(role: QuasiRole, part?: IdPart): Hierarchy {
  if (part === 'birth') return idBirthHierarchy();
  if (part === 'region') return regionCodeHierarchy();
  switch (role) {
    case 'birth date':
      return dateHierarchy();
    case 'age':
      return ageHierarchy();
    case 'region code':
      return regionCodeHierarchy();
    case 'address':
    case 'region':
      return addressHierarchy();
    case 'postcode':
      return postcodeHierarchy();
    case 'sex':
      return categoricalHierarchy('sex');
    default:
      return categoricalHierarchy();
  }
}

/**
 * Birth dates derived from a resident ID: `YYYY-MM-DD`, or what a mask left (`YYYY-MM`, `YYYY`, `YYY*`):
 * value → month → year → decade (`1990-1999`) → `*`. A level the visible digits do not determine goes to the next
 * coarser level they do.
 */
export function idBirthHierarchy(): Hierarchy {
  return {
    kind: 'id-birth',
    labels: ['value', 'month', 'year', 'decade', SUPPRESSED],
    generalize(v, level) {
      if (level === 0 || v === '') return v;
      if (level >= 4) return SUPPRESSED;
      const digits = v.replace(/[^0-9]/g, '');
      if (!/^\d{3}/.test(digits)) return SUPPRESSED;
      if (level === 1 && digits.length >= 6) return `${digits.slice(0, 4)}-${digits.slice(4, 6)}`;
      if (level <= 2 && digits.length >= 4) return digits.slice(0, 4);
      const decade = Number(digits.slice(0, 3)) * 10;
      return `${decade}-${decade + 9}`;
    },
  };
}

/** A position the mask left readable: a digit (or the check character X). */
function isDigit(c: string | undefined): c is string {
  return c !== undefined && c >= '0' && c <= '9';
}

/**
 * The quasi-identifier parts a resident ID (clear or partly masked; 18 or 15 characters) still reveals; `''` for
 * a part the mask hid or a value that is not an ID.
 *
 * @example
 * residentIdParts('110***********1234') // { region: '110', birth: '', sex: '男' }
 */
export function residentIdParts(value: string): Record<IdPart, string> {
  const v = value.replace(/[\s-]/g, '');
  const chars = Array.from(v);
  const none = { region: '', birth: '', sex: '' };
  if (chars.length !== 18 && chars.length !== 15) return none;
  let region = '';
  for (let i = 0; i < 6 && isDigit(chars[i]); i++) region += chars[i];
  const birthDigits: string[] = [];
  const yearPrefix = chars.length === 15 ? ['1', '9'] : [];
  const bStart = 6;
  const bLen = chars.length === 15 ? 6 : 8;
  for (let i = bStart; i < bStart + bLen && isDigit(chars[i]); i++) birthDigits.push(chars[i]!);
  const b = [...yearPrefix, ...(birthDigits.length > 0 || yearPrefix.length === 0 ? birthDigits : [])].join('');
  let birth = '';
  if (b.length >= 8) birth = `${b.slice(0, 4)}-${b.slice(4, 6)}-${b.slice(6, 8)}`;
  else if (b.length >= 6) birth = `${b.slice(0, 4)}-${b.slice(4, 6)}`;
  else if (b.length >= 4) birth = b.slice(0, 4);
  else if (b.length === 3) birth = `${b}*`;
  if (chars.length === 15 && birthDigits.length === 0) birth = '';
  const sexChar = chars[chars.length === 18 ? 16 : 14];
  const sex = isDigit(sexChar) ? (Number(sexChar) % 2 === 1 ? '男' : '女') : '';
  return { region, birth, sex };
}

/** Reads one quasi-identifier's value from a row (`index` is the column's position). */
export function quasiValue(qi: QuasiIdentifier, cell: string | undefined): string {
  const v = (cell ?? '').trim();
  if (qi.part === undefined) return v;
  return residentIdParts(v)[qi.part];
}

/** Options of {@link proposeRoles}. */
export interface ProposeOptions {
  /** `--quasi`: column names (a resident-ID column expands to its parts; `col:region` names one part). */
  quasi?: readonly string[] | undefined;
  /** `--sensitive`: column names. */
  sensitive?: readonly string[] | undefined;
  /** Per column (or `col:part`) hierarchy overrides (custom YAML). */
  hierarchies?: ReadonlyMap<string, Hierarchy> | undefined;
}

/** Statistics of a sample: per column, the analyzer's hits. */
export function sampleStats(
  analyzer: Analyzer,
  columns: readonly string[],
  rows: readonly (readonly string[])[],
): Map<string, FieldStats> {
  const stats = new Map<string, FieldStats>();
  for (const c of columns) stats.set(c, { values: 0, nonEmpty: 0, hits: {}, masked: {} });
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) {
      const s = stats.get(columns[i]!)!;
      const v = row[i] ?? '';
      s.values++;
      if (v.trim() === '') continue;
      s.nonEmpty++;
      // The column name as a label gives the detectors their context, as the scanner does.
      const label = `${columns[i]}: `;
      const { findings, masked } = analyzer.analyze(label + v);
      const seen = new Set<string>();
      for (const f of findings) if (f.end > label.length && !seen.has(f.type)) seen.add(f.type);
      for (const t of seen) s.hits[t] = (s.hits[t] ?? 0) + 1;
      const seenMasked = new Set<string>();
      for (const f of masked) if (f.end > label.length) seenMasked.add(f.type);
      for (const t of seenMasked) s.masked[t] = (s.masked[t] ?? 0) + 1;
    }
  }
  return stats;
}

function idParts(
  column: string,
  sample: readonly string[],
  reason: string,
  options: ProposeOptions,
): QuasiIdentifier[] {
  const out: QuasiIdentifier[] = [];
  for (const part of ['region', 'birth', 'sex'] as const) {
    // Only parts some sampled value still reveals.
    if (sample.length > 0 && !sample.some((v) => residentIdParts(v)[part] !== '')) continue;
    const name = `${column}:${part}`;
    const role: QuasiRole = part === 'region' ? 'region code' : part === 'birth' ? 'birth date' : 'sex';
    out.push({
      name,
      column,
      part,
      role,
      hierarchy: options.hierarchies?.get(name) ?? defaultHierarchy(role, part),
      reason,
    });
  }
  return out;
}

/** Whether most sampled values of a region column are Chinese administrative names the address hierarchy reads. */
function readsAsAddress(values: readonly string[]): boolean {
  const h = addressHierarchy();
  const nonEmpty = values.filter((v) => v.trim() !== '');
  if (nonEmpty.length === 0) return false;
  const ok = nonEmpty.filter((v) => h.generalize(v, 3) !== SUPPRESSED).length;
  return ok / nonEmpty.length >= 0.5;
}

/**
 * Proposes column roles from a sample (`rows`, cells in `columns` order) and overrides.
 *
 * @throws RangeError naming a column given in `quasi` or `sensitive` that the table does not have
 * @example
 * const roles = proposeRoles(analyzer, ['name', 'sfzh', 'zip'], sampleRows);
 */
export function proposeRoles(
  analyzer: Analyzer,
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  options: ProposeOptions = {},
): ColumnRoles {
  const stats = sampleStats(analyzer, columns, rows);
  const classified: Record<string, string | null> = {};
  const typeOf = new Map<string, string | null>();
  for (const c of columns) {
    const d = classifyField(c, stats.get(c)!);
    classified[c] = d.type;
    typeOf.set(c, d.type);
  }
  const sampleOf = (c: string) => rows.map((r) => r[columns.indexOf(c)] ?? '');
  const has = new Set(columns);
  const quasi: QuasiIdentifier[] = [];
  const direct: string[] = [];
  for (const c of [...(options.quasi ?? []), ...(options.sensitive ?? [])]) {
    const col = c.includes(':') && !has.has(c) ? c.slice(0, c.lastIndexOf(':')) : c;
    if (!has.has(col)) throw new RangeError(`the table has no column "${col}"`);
  }
  const sensitive = options.sensitive ? [...options.sensitive] : [];
  const roleByName = (c: string): QuasiRole | undefined => {
    const n = normaliseName(c);
    for (const [re, role] of QUASI_NAMES) if (re.test(n)) return role;
    return undefined;
  };
  const quasiOf = (c: string, reason: string): QuasiIdentifier[] => {
    const type = typeOf.get(c);
    if (type === 'CN_RESIDENT_ID') return idParts(c, sampleOf(c), reason, options);
    let role: QuasiRole = roleByName(c) ?? 'other';
    if (type === 'DATE_OF_BIRTH') role = 'birth date';
    else if (type === 'ADDRESS') role = 'address';
    if (role === 'region' && !readsAsAddress(sampleOf(c))) role = 'other';
    return [{ name: c, column: c, role, hierarchy: options.hierarchies?.get(c) ?? defaultHierarchy(role), reason }];
  };
  if (options.quasi) {
    for (const q of options.quasi) {
      if (has.has(q)) quasi.push(...quasiOf(q, '--quasi'));
      else {
        const col = q.slice(0, q.lastIndexOf(':'));
        const part = q.slice(q.lastIndexOf(':') + 1);
        if (part !== 'region' && part !== 'birth' && part !== 'sex') {
          throw new RangeError(`"${q}": a resident-ID part is region, birth or sex`);
        }
        const role: QuasiRole = part === 'region' ? 'region code' : part === 'birth' ? 'birth date' : 'sex';
        quasi.push({
          name: q,
          column: col,
          part,
          role,
          hierarchy: options.hierarchies?.get(q) ?? defaultHierarchy(role, part),
          reason: '--quasi',
        });
      }
    }
  }
  const unused: string[] = [];
  for (const c of columns) {
    const type = typeOf.get(c) ?? null;
    if (type === 'CN_RESIDENT_ID') {
      // A clear ID also identifies directly; a masked one only through its parts.
      const s = stats.get(c)!;
      if ((s.hits.CN_RESIDENT_ID ?? 0) > (s.masked.CN_RESIDENT_ID ?? 0)) direct.push(c);
    }
    if (sensitive.includes(c) || quasi.some((q) => q.column === c)) continue;
    if (type !== null && DIRECT_TYPES.has(type)) {
      direct.push(c);
      continue;
    }
    if (options.sensitive === undefined && SENSITIVE_NAMES.test(normaliseName(c))) {
      sensitive.push(c);
      continue;
    }
    const proposed =
      type === 'CN_RESIDENT_ID' || type === 'DATE_OF_BIRTH' || type === 'ADDRESS' || roleByName(c) !== undefined;
    if (!proposed) continue;
    if (options.quasi) {
      unused.push(c);
      continue;
    }
    const reason =
      type === 'CN_RESIDENT_ID' || type === 'DATE_OF_BIRTH' || type === 'ADDRESS' ? `content: ${type}` : 'name';
    quasi.push(...quasiOf(c, reason));
  }
  return { quasi, sensitive, direct, unused, classified };
}
