/**
 * Masked previews: what a human may see of a finding in CLI output, reports and the catalog. Never enough to
 * recover the value: identifiers keep at most 3 leading and 4 trailing characters of ≥ 11, names keep the
 * surname, secrets keep a 4-character prefix that names the kind of key (`AKIA`, `eyJh`, `-----`).
 */
import type { EntityName } from '../core/finding.js';

const STAR = '*';

function isValueChar(c: string): boolean {
  // Letters and digits of any script are masked; separators and punctuation stay so the shape is readable.
  return /[\p{L}\p{N}]/u.test(c);
}

/** Keep the first `head` and last `tail` value characters; mask the others; keep separators. */
function keepEnds(value: string, head: number, tail: number): string {
  const chars = Array.from(value);
  let total = 0;
  for (const c of chars) if (isValueChar(c)) total++;
  if (total <= head + tail) {
    // Too short to show both ends: show only the first value character.
    head = Math.min(1, total - 1);
    tail = 0;
  }
  let k = 0;
  let out = '';
  for (const c of chars) {
    if (!isValueChar(c)) {
      out += c;
      continue;
    }
    out += k < head || k >= total - tail ? c : STAR;
    k++;
  }
  return out;
}

/**
 * A masked preview of `value` for display.
 *
 * @example
 * maskedPreview('13812345678', 'CN_MOBILE') // '138****5678'
 * maskedPreview('张伟', 'PERSON')             // '张*'
 */
export function maskedPreview(value: string, type: EntityName): string {
  const v = value.length > 200 ? value.slice(0, 200) : value;
  switch (type) {
    case 'PERSON': {
      const chars = Array.from(v);
      if (/^[\u3400-\u9fff·]+$/.test(v)) return chars[0] + STAR.repeat(Math.max(1, chars.length - 1));
      return v
        .split(/\s+/)
        .map((w) => (w.length > 0 ? w[0] + STAR.repeat(Math.max(1, w.length - 1)) : w))
        .join(' ');
    }
    case 'EMAIL_ADDRESS': {
      const at = v.lastIndexOf('@');
      if (at <= 0) return keepEnds(v, 1, 0);
      return `${Array.from(v.slice(0, at))[0]}***${v.slice(at)}`;
    }
    case 'ADDRESS': {
      const chars = Array.from(v);
      const keep = Math.min(6, Math.floor(chars.length / 3));
      return chars.slice(0, keep).join('') + STAR.repeat(Math.max(1, chars.length - keep));
    }
    case 'SECRET':
      // A short prefix names the kind of credential (AKIA, eyJh, post…); the length stays hidden.
      return `${Array.from(v).slice(0, 4).join('')}${STAR.repeat(8)}`;
    case 'IP_ADDRESS':
    case 'MAC_ADDRESS':
      return keepEnds(v, Math.min(4, Math.floor(v.length / 3)), 0);
    default: {
      let n = 0;
      for (const c of v) if (isValueChar(c)) n++;
      if (n >= 11) return keepEnds(v, 3, 4);
      if (n >= 6) return keepEnds(v, 1, 2);
      return keepEnds(v, 1, 0);
    }
  }
}
