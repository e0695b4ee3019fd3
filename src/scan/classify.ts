/**
 * Column / field classification: decide what a field holds from validated hits (ratio of non-empty sampled
 * values with a finding of a type) and from its name (`身份证号`, `sfzh`, `id_card`, `手机号`, `phone`, …), and
 * keep the evidence. Values found already masked count as evidence too (a masked ID column is still an ID
 * column).
 */
import type { FieldDecision, FieldStats } from '../catalog/catalog.js';

/** Name patterns per type, matched against a normalised field name (lowercase, `$.a[*].b` → last segment). */
const NAME_HINTS: readonly [RegExp, string][] = [
  [
    /身份证|证件号|公民身份|sfzh?$|^sfz|id_?card|idcard|id_?no$|^idno|identity|citizen_?id|national_?id|id_?number/,
    'CN_RESIDENT_ID',
  ],
  [/社保|社会保障/, 'CN_RESIDENT_ID'],
  [/手机|mobile|cell_?phone|^sjh/, 'CN_MOBILE'],
  [/电话|联系方式|phone|^tel$|^tel_|telephone|^lxdh|contact_?no/, 'PHONE'],
  [
    /姓名|名字|联系人|收件人|收货人|^xm$|full_?name|^name$|first_?name|last_?name|surname|given_?name|real_?name|customer_?name|contact_?name/,
    'PERSON',
  ],
  [/地址|住址|户籍|^addr|address|^dz$|street/, 'ADDRESS'],
  [/邮箱|e_?mail|^mail$/, 'EMAIL_ADDRESS'],
  [/银行卡|卡号|bank_?card|card_?no|account_?no|^yhkh/, 'CN_BANK_CARD'],
  [/信用卡|credit_?card|card_?number|^ccn?$|^pan$/, 'CREDIT_CARD'],
  [/出生|生日|birth|^dob$|^csrq/, 'DATE_OF_BIRTH'],
  [/车牌|plate|^hphm/, 'CN_LICENSE_PLATE'],
  [/车架|^vin$|vin_?(code|no)/, 'VIN'],
  [/护照|passport/, 'CN_PASSPORT'],
  [/信用代码|uscc|credit_?code|^tyshxydm/, 'CN_USCC'],
  [/^ip$|ip_?addr|client_?ip|remote_?ip|src_?ip/, 'IP_ADDRESS'],
  [/^mac$|mac_?addr/, 'MAC_ADDRESS'],
  [/^ssn$|social_?security/, 'US_SSN'],
  [/iban/, 'IBAN_CODE'],
  [/password|passwd|^pwd$|secret|api_?key|access_?key|token|密码/, 'SECRET'],
];

/** Types that a name hint `PHONE` accepts as confirming hits. */
const HINT_FAMILY: Record<string, readonly string[]> = {
  PHONE: ['CN_MOBILE', 'CN_LANDLINE', 'PHONE_NUMBER'],
  CN_MOBILE: ['CN_MOBILE', 'PHONE_NUMBER'],
  CN_BANK_CARD: ['CN_BANK_CARD', 'CREDIT_CARD'],
  CREDIT_CARD: ['CREDIT_CARD', 'CN_BANK_CARD'],
  CN_RESIDENT_ID: ['CN_RESIDENT_ID', 'CN_RESIDENCE_PERMIT_HMT', 'CN_FOREIGN_PR_ID'],
};

/** The type a field name suggests, if any. */
export function nameHint(field: string): string | null {
  const last =
    field
      .replace(/\[\*?\d*\]/g, '')
      .split(/[.$/]/)
      .filter(Boolean)
      .pop() ?? field;
  const name = last
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  for (const [re, type] of NAME_HINTS) if (re.test(name)) return type;
  return null;
}

/** Options for {@link classifyField}. */
export interface ClassifyOptions {
  /** Minimum ratio of non-empty values with hits to decide by content alone. Default 0.5. */
  minRatio?: number;
  /** Minimum ratio when the name agrees. Default 0.1. */
  minRatioWithName?: number;
}

/**
 * Decide the entity type of one field.
 *
 * @example
 * classifyField('sfzh', { values: 100, nonEmpty: 98, hits: { CN_RESIDENT_ID: 97 }, masked: {} })
 * // { field: 'sfzh', type: 'CN_RESIDENT_ID', confidence: 0.99, evidence: { … } }
 */
export function classifyField(field: string, s: FieldStats, options: ClassifyOptions = {}): FieldDecision {
  const minRatio = options.minRatio ?? 0.5;
  const minWithName = options.minRatioWithName ?? 0.1;
  const hint = nameHint(field);
  let best: string | null = null;
  let bestHits = 0;
  for (const [t, n] of Object.entries(s.hits)) {
    if (n > bestHits) {
      best = t;
      bestHits = n;
    }
  }
  let maskedType: string | null = null;
  let maskedHits = 0;
  for (const [t, n] of Object.entries(s.masked)) {
    if (n > maskedHits) {
      maskedType = t;
      maskedHits = n;
    }
  }
  const denom = Math.max(1, s.nonEmpty);
  const ratio = bestHits / denom;
  const family = hint ? (HINT_FAMILY[hint] ?? [hint]) : [];
  const nameAgrees = best !== null && family.includes(best);
  const evidence = {
    sampled: s.values,
    nonEmpty: s.nonEmpty,
    hits: bestHits,
    ratio: round(ratio),
    nameHint: hint,
    masked: maskedHits,
  };
  let type: string | null = null;
  let confidence = 0;
  if (best && ratio >= minRatio) {
    type = best;
    confidence = Math.min(0.99, 0.6 + 0.35 * ratio + (nameAgrees ? 0.1 : 0));
  } else if (best && nameAgrees && ratio >= minWithName) {
    type = best;
    confidence = Math.min(0.9, 0.5 + ratio);
  } else if (maskedType && maskedHits / denom >= minRatio) {
    type = maskedType;
    confidence = 0.7;
  } else if (hint && hint !== 'PHONE' && s.nonEmpty > 0) {
    // Name only: the values did not validate (another format, masked in an unknown way). Reported as weak.
    type = hint;
    confidence = 0.35;
  }
  return { field, type, confidence: round(confidence), evidence };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
