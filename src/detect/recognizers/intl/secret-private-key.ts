/**
 * SECRET — PEM / OpenSSH / PGP private key blocks.
 *
 * Spec: RFC 7468 textual encoding (`-----BEGIN <label>-----`, base64 body, `-----END <label>-----`) for the
 * private-key labels (`PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`, `DSA PRIVATE KEY`, `ENCRYPTED PRIVATE
 * KEY`, `OPENSSH PRIVATE KEY`, `PGP PRIVATE KEY BLOCK`); legacy encrypted PEM headers (`Proc-Type:`, `DEK-Info:`)
 * are allowed in the body. The finding spans the whole block, armour lines included.
 *
 * Triggered by DASHES (a run of five `-`). Work is bounded: the body is scanned at most 16 384 characters and
 * never past the next dash run, so a text full of BEGIN lines stays linear. A block cut off before its END line
 * (truncated logs) is still reported, up to the last body character, with a lower score.
 *
 * Not reported: public keys and certificates (other labels), bodies shorter than 64 base64 characters or with
 * placeholder text (`...`, `<your key here>`).
 */
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';

const ID = 'secret-private-key';

/** Longest body scanned (an 8192-bit RSA key is about 6.5 KB of PEM). */
const MAX_BODY = 16_384;

/**
 * The BEGIN armour of a private key. Example match: `-----BEGIN RSA PRIVATE KEY-----`; source: RFC 7468 §2 and the
 * OpenSSH / OpenPGP labels; does not match `-----BEGIN PUBLIC KEY-----` or `-----BEGIN CERTIFICATE-----`.
 */
const BEGIN = /-----BEGIN ((?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?)-----/y;

function isBase64Code(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61;
}

/** Characters of header lines inside a body (`Proc-Type: 4,ENCRYPTED`, `Comment: "…"`). */
function isHeaderCode(c: number): boolean {
  return c === 58 || c === 44 || c === 32 || c === 45 || c === 34 || c === 46 || c === 95 || c === 9;
}

function match(text: string, pos: number, ctx: MatchContext): void {
  // O(1) gate: exactly five dashes then "BEGIN ".
  if (ctx.runEnd - pos !== 5 || !text.startsWith('BEGIN ', pos + 5)) return;
  BEGIN.lastIndex = pos;
  const m = BEGIN.exec(text);
  if (m === null) return;
  const label = m[1] as string;
  let i = pos + m[0].length;
  const limit = Math.min(text.length, i + MAX_BODY);
  let base64 = 0;
  let lastBody = i;
  let endArmour = -1;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === 45 && text.startsWith('-----', i)) {
      if (text.startsWith(`-----END ${label}-----`, i)) endArmour = i + 14 + label.length;
      break;
    }
    if (c === 92 && (text.charCodeAt(i + 1) === 110 || text.charCodeAt(i + 1) === 114)) {
      i += 2; // an escaped line break inside a JSON or shell string
      continue;
    }
    if (isBase64Code(c)) {
      base64++;
      lastBody = i + 1;
    } else if (c === 46 && text.charCodeAt(i + 1) === 46) {
      return; // `...` placeholder
    } else if (c !== 10 && c !== 13 && !isHeaderCode(c)) {
      if (c === 60 || c === 123) return; // `<your key>` / `{{key}}` templates
      break;
    }
    i++;
  }
  if (base64 < 64) return;
  const end = endArmour >= 0 ? endArmour : lastBody;
  ctx.emit({
    type: 'SECRET',
    start: pos,
    end,
    score: endArmour >= 0 ? 0.99 : 0.85,
    recognizer: ID,
    attrs: { kind: 'private-key' },
  });
}

/**
 * Private key blocks (PEM, OpenSSH, PGP), whole block from BEGIN to END armour.
 *
 * @example
 * createAnalyzer({ recognizers: [secretPrivateKeyRecognizer] }).detect(pem) // [{ type: 'SECRET', start: 0, … }]
 */
export const secretPrivateKeyRecognizer = defineRecognizer({
  id: ID,
  entities: ['SECRET'],
  triggers: Trigger.DASHES,
  match,
  examples: {
    match: [
      `-----BEGIN RSA PRIVATE KEY-----\n${'MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2B3lNz5n4kP8pDo1OqAhvBOeLJDa'.repeat(3)}\n-----END RSA PRIVATE KEY-----`,
      `key: "-----BEGIN PRIVATE KEY-----\\n${'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7'.repeat(3)}\\n-----END PRIVATE KEY-----"`,
      `-----BEGIN OPENSSH PRIVATE KEY-----\n${'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW'.repeat(2)}`,
    ],
    noMatch: [
      '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----',
      '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----',
      '-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----',
      '------------------------------',
    ],
  },
});
