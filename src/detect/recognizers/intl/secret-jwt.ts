/**
 * SECRET — JSON Web Tokens (bearer credentials).
 *
 * Spec: RFC 7519 / RFC 7515 compact serialisation: `base64url(header).base64url(payload).base64url(signature)`.
 * The header must decode to a JSON object with a string `alg` (RFC 7515 §4.1.1); a JSON payload starts with `eyJ`
 * too. Unsigned tokens (`alg: none`, empty signature) are still credentials in systems that accept them.
 * Validator: base64url decode and `JSON.parse` of the header, bounded to 1 024 characters.
 *
 * Triggered by ALNUM at `eyJ…` (the header word contains a digit for every realistic header). Segment lengths are
 * bounded (header ≤ 1 024, payload ≤ 8 192, signature ≤ 1 024), so each trigger costs at most ~10 KB of scanning.
 *
 * Not reported: base64 that is not a JWT header (`eyJ` followed by something that is not JSON with `alg`),
 * two-segment strings, JWE (five segments).
 */
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';

const ID = 'secret-jwt';

const MAX_HEADER = 1024;
const MAX_PAYLOAD = 8192;
const MAX_SIGNATURE = 1024;

function isB64UrlCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;
}

/** End of a base64url segment starting at `i`, at most `max` long. */
function segmentEnd(text: string, i: number, max: number): number {
  const limit = i + max;
  let k = i;
  while (k < limit && isB64UrlCode(text.charCodeAt(k))) k++;
  return k < limit || !isB64UrlCode(text.charCodeAt(k)) ? k : -1;
}

function headerAlg(text: string, start: number, end: number): string | null {
  try {
    const json: unknown = JSON.parse(Buffer.from(text.slice(start, end), 'base64url').toString('utf8'));
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
    const alg = (json as Record<string, unknown>).alg;
    return typeof alg === 'string' && alg.length > 0 && alg.length <= 32 ? alg : null;
  } catch {
    return null;
  }
}

function match(text: string, pos: number, ctx: MatchContext): void {
  // O(1) gate: "eyJ" (base64 of `{"`) at a token start.
  if (text.charCodeAt(pos) !== 101 || text.charCodeAt(pos + 1) !== 121 || text.charCodeAt(pos + 2) !== 74) return;
  const prev = text.charCodeAt(pos - 1);
  if (isB64UrlCode(prev) || prev === 46) return;
  const h = segmentEnd(text, pos, MAX_HEADER);
  if (h < pos + 10 || text.charCodeAt(h) !== 46) return;
  const p = segmentEnd(text, h + 1, MAX_PAYLOAD);
  if (p < h + 3 || text.charCodeAt(p) !== 46) return;
  const s = segmentEnd(text, p + 1, MAX_SIGNATURE);
  if (s < 0) return;
  if (text.charCodeAt(s) === 46 && isB64UrlCode(text.charCodeAt(s + 1))) return; // JWE or longer dotted run
  const alg = headerAlg(text, pos, h);
  if (alg === null) return;
  const signed = s > p + 1;
  const score = signed ? 0.95 : alg.toLowerCase() === 'none' ? 0.85 : 0.7;
  ctx.emit({ type: 'SECRET', start: pos, end: s, score, recognizer: ID, attrs: { kind: 'jwt' } });
}

/**
 * JSON Web Tokens (three base64url segments whose header decodes to JSON with `alg`).
 *
 * @example
 * createAnalyzer({ recognizers: [secretJwtRecognizer] }).detect(`Authorization: Bearer ${jwt}`)
 */
export const secretJwtRecognizer = defineRecognizer({
  id: ID,
  entities: ['SECRET'],
  triggers: Trigger.ALNUM,
  alnumGate: (first) => first === 'e',
  match,
  examples: {
    match: [
      'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzeW50aGV0aWMtMSIsImlhdCI6MTcwMDAwMDAwMH0.qL5pTfqG0RrcX4mSeB8vHk2nYw7zJd1aUo3iEbFgKcM',
      'token=eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      '{"jwt":"eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJzeW50aCJ9.c2lnbmF0dXJlLXN5bnRoZXRpYw"}',
    ],
    noMatch: [
      'eyJhbGciOiJIUzI1NiJ9',
      'eyJub3QiOiJhIGp3dCJ9.eyJzdWIiOiJ4In0.c2ln',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.a.b.c',
    ],
  },
});
