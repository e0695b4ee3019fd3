/**
 * The contenders of the benchmark: leakguard and npm peers, each behind one small adapter.
 *
 * Every adapter has
 * - `run(line)`: the call that is timed — the peer's public API in its default, documented configuration (the
 *   one a user gets from its README), on one line of text;
 * - `spans(text)`: the same call, turned into `{ type, start, end }` spans for the accuracy scorer. Peers that
 *   only return redacted text (`@redactpii/node`, `redact-pii`) are replayed rule by rule with offset tracking,
 *   exactly as their `redact()` applies them, so the spans are the ones `redact()` replaces;
 * - an entry in `SCHEMES`: how its types compare with ours. Accuracy against a peer is scored on the coarse
 *   types both sides claim (`EMAIL`, `PHONE`, `CARD`, …): our labels and leakguard's predictions are coarsened
 *   with `OUR_COARSE`, the peer's predictions with its own map; a peer type that maps to nothing is ignored
 *   (neither true nor false positive).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Our types onto the coarse types used to compare with peers. Unlisted types keep their names. */
export const OUR_COARSE = {
  EMAIL_ADDRESS: 'EMAIL',
  CN_MOBILE: 'PHONE',
  CN_LANDLINE: 'PHONE',
  PHONE_NUMBER: 'PHONE',
  CN_BANK_CARD: 'CARD',
  CREDIT_CARD: 'CARD',
  IP_ADDRESS: 'IP',
  IBAN_CODE: 'IBAN',
  DATE_OF_BIRTH: 'DOB',
  MAC_ADDRESS: 'MAC',
};

function version(pkg) {
  try {
    return require(`${pkg}/package.json`).version;
  } catch {
    // Packages whose `exports` hide package.json.
    const main = require.resolve(pkg);
    let dir = path.dirname(main);
    for (let i = 0; i < 5; i++, dir = path.dirname(dir)) {
      try {
        const p = require(path.join(dir, 'package.json'));
        if (p.name === pkg) return p.version;
      } catch {}
    }
    return '?';
  }
}

/**
 * Offset bookkeeping for replaying sequential `String.prototype.replace` passes: for each character of the
 * current text, the original span it stands for.
 */
class OffsetText {
  constructor(text) {
    this.text = text;
    this.lo = new Int32Array(text.length);
    this.hi = new Int32Array(text.length);
    for (let i = 0; i < text.length; i++) {
      this.lo[i] = i;
      this.hi[i] = i + 1;
    }
  }

  /** Original span of current `[a, b)` (b > a). */
  origin(a, b) {
    return [this.lo[a], this.hi[b - 1]];
  }

  /** Apply replacements `[{ start, end, with }]` (sorted, non-overlapping, on the current text). */
  apply(reps) {
    if (reps.length === 0) return;
    let out = '';
    const lo = [];
    const hi = [];
    let at = 0;
    for (const r of reps) {
      for (let i = at; i < r.start; i++) {
        lo.push(this.lo[i]);
        hi.push(this.hi[i]);
      }
      out += this.text.slice(at, r.start) + r.with;
      const [a, b] = r.end > r.start ? this.origin(r.start, r.end) : [this.lo[r.start] ?? 0, this.lo[r.start] ?? 0];
      for (let i = 0; i < r.with.length; i++) {
        lo.push(a);
        hi.push(b);
      }
      at = r.end;
    }
    for (let i = at; i < this.text.length; i++) {
      lo.push(this.lo[i]);
      hi.push(this.hi[i]);
    }
    out += this.text.slice(at);
    this.text = out;
    this.lo = Int32Array.from(lo);
    this.hi = Int32Array.from(hi);
  }

  /** Replay `text.replace(re, replacement)` and return the original spans of the matches. */
  replaceAll(re, replacement) {
    const reps = [];
    const spans = [];
    const clone = new RegExp(re.source, re.flags);
    this.text.replace(clone, (...args) => {
      const m = args[0];
      const hasGroups = typeof args[args.length - 1] === 'object' && args[args.length - 1] !== null;
      const offset = args[args.length - (hasGroups ? 3 : 2)];
      const w = typeof replacement === 'function' ? replacement(m) : replacement;
      reps.push({ start: offset, end: offset + m.length, with: w });
      if (m.length > 0) spans.push(this.origin(offset, offset + m.length));
      return w;
    });
    this.apply(reps);
    return spans;
  }

  /**
   * Adopt `next`, the current text with some spans replaced by `sentinel` (a character absent from the text),
   * aligning literal segments; returns the original spans replaced.
   */
  adoptSentinel(next, sentinel, token) {
    const parts = next.split(sentinel);
    if (parts.length === 1) return [];
    const reps = [];
    let p = parts[0].length;
    for (let k = 1; k < parts.length; k++) {
      const seg = parts[k];
      let q;
      if (k === parts.length - 1) q = this.text.length - seg.length;
      else {
        q = seg.length === 0 ? p + 1 : this.text.indexOf(seg, p + 1);
        if (q < 0) q = p + 1;
      }
      if (q <= p) q = p + 1;
      reps.push({ start: p, end: q, with: token });
      p = q + seg.length;
    }
    const spans = reps.map((r) => this.origin(r.start, r.end));
    this.apply(reps);
    return spans;
  }
}

/**
 * Per peer: its type names onto the coarse types (unlisted → ignored), and the coarse types it is scored on.
 * Only types a peer documents and that exist in our label set are compared.
 */
export const SCHEMES = {
  redactpii: {
    predicted: {
      CREDIT_CARD: 'CARD',
      EMAIL: 'EMAIL',
      PERSON_NAME: 'PERSON',
      PHONE_NUMBER: 'PHONE',
      US_SOCIAL_SECURITY_NUMBER: 'US_SSN',
    },
    types: ['CARD', 'EMAIL', 'PERSON', 'PHONE', 'US_SSN'],
  },
  'redact-pii': {
    predicted: {
      CREDIT_CARD_NUMBER: 'CARD',
      STREET_ADDRESS: 'ADDRESS',
      PHONE_NUMBER: 'PHONE',
      IP_ADDRESS: 'IP',
      US_SOCIAL_SECURITY_NUMBER: 'US_SSN',
      EMAIL_ADDRESS: 'EMAIL',
      PERSON_NAME: 'PERSON',
    },
    types: ['ADDRESS', 'CARD', 'EMAIL', 'IP', 'PERSON', 'PHONE', 'US_SSN'],
  },
  openredaction: {
    predicted: {
      EMAIL: 'EMAIL',
      CREDIT_CARD: 'CARD',
      SSN: 'US_SSN',
      PHONE_UK: 'PHONE',
      PHONE_US: 'PHONE',
      PHONE_UK_MOBILE: 'PHONE',
      PHONE_INTERNATIONAL: 'PHONE',
      PHONE_LINE_NUMBER: 'PHONE',
      IPV4: 'IP',
      IPV6: 'IP',
      MAC_ADDRESS: 'MAC',
      IBAN: 'IBAN',
      DATE_OF_BIRTH: 'DOB',
      NAME: 'PERSON',
      ADDRESS_STREET: 'ADDRESS',
      ADDRESS_PO_BOX: 'ADDRESS',
      VIN: 'VIN',
      VIN_NUMBER: 'VIN',
      BITCOIN_ADDRESS: 'CRYPTO',
      ETHEREUM_ADDRESS: 'CRYPTO',
      LITECOIN_ADDRESS: 'CRYPTO',
      AWS_ACCESS_KEY: 'SECRET',
      AWS_SECRET_KEY: 'SECRET',
      PRIVATE_KEY: 'SECRET',
      SSH_PRIVATE_KEY: 'SECRET',
      GITHUB_TOKEN: 'SECRET',
      STRIPE_API_KEY: 'SECRET',
      GOOGLE_API_KEY: 'SECRET',
      SLACK_TOKEN: 'SECRET',
      JWT_TOKEN: 'SECRET',
    },
    types: [
      'ADDRESS',
      'CARD',
      'CRYPTO',
      'DOB',
      'EMAIL',
      'IBAN',
      'IP',
      'MAC',
      'PERSON',
      'PHONE',
      'SECRET',
      'US_SSN',
      'VIN',
    ],
  },
};

// -------------------------------------------------------------------------------------------------------------

async function loadLeakguard() {
  const dist = path.join(HERE, '..', 'dist');
  const mod = await import(pathToFileURL(path.join(dist, 'detect', 'index.js')).href);
  return mod;
}

/** leakguard's library `detect()` with the default analyzer (all built-in recognizers). */
async function leakguard() {
  const mod = await loadLeakguard();
  const analyzer = mod.createAnalyzer();
  return {
    name: 'leakguard',
    version: require(path.join(HERE, '..', 'package.json')).version,
    run: (line) => analyzer.detect(line),
    count: (result) => result.length,
    spans: (text) => analyzer.detect(text),
    recognizers: analyzer.recognizers.length,
  };
}

/** `@redactpii/node`: 5 regexes (card, email, greeting name, US phone, SSN) applied with `String.replace`. */
async function redactpii() {
  const { Redactor } = await import('@redactpii/node');
  const redactor = new Redactor();
  // The replacement `redact()` writes for each rule (Redactor.js, `_redactString`).
  const TOKENS = {
    CREDIT_CARD: 'CREDIT_CARD_NUMBER',
    EMAIL: 'EMAIL_ADDRESS',
    PERSON_NAME: 'PERSON_NAME',
    PHONE_NUMBER: 'PHONE_NUMBER',
    US_SOCIAL_SECURITY_NUMBER: 'US_SOCIAL_SECURITY_NUMBER',
  };
  return {
    name: '@redactpii/node',
    version: version('@redactpii/node'),
    run: (line) => redactor.redact(line),
    count: () => 0,
    spans(text) {
      const t = new OffsetText(text);
      const out = [];
      for (const rule of redactor.activeRules) {
        const token = TOKENS[rule.name] ?? 'DIGITS';
        for (const [start, end] of t.replaceAll(rule.pattern, token)) out.push({ type: rule.name, start, end });
      }
      this.lastReplay = t.text;
      return out;
    },
  };
}

/** `redact-pii` (SyncRedactor): 12 regexes then a name redactor with a list of ~11k well-known names. */
async function redactPii() {
  const { SyncRedactor } = require('redact-pii');
  const redactor = new SyncRedactor();
  const SENTINEL = '\uE000';
  return {
    name: 'redact-pii',
    version: version('redact-pii'),
    run: (line) => redactor.redact(line),
    count: () => 0,
    spans(text) {
      const t = new OffsetText(text.replaceAll(SENTINEL, ' '));
      const out = [];
      for (const child of redactor.childRedactors) {
        if (child.regexpMatcher) {
          for (const [start, end] of t.replaceAll(child.regexpMatcher, child.replaceWith)) {
            out.push({ type: child.replaceWith, start, end });
          }
        } else {
          // The name redactor: run it with a sentinel replacement and align its output.
          const saved = child.replaceWith;
          child.replaceWith = SENTINEL;
          let next;
          try {
            next = child.redact(t.text);
          } finally {
            child.replaceWith = saved;
          }
          for (const [start, end] of t.adoptSentinel(next, SENTINEL, saved)) out.push({ type: saved, start, end });
        }
      }
      this.lastReplay = t.text;
      return out;
    },
  };
}

/** `@openredaction/openredaction`: ~560 patterns with validators and context scoring; returns positions. */
async function openredaction() {
  const { OpenRedaction } = await import('@openredaction/openredaction');
  const shield = new OpenRedaction();
  return {
    name: '@openredaction/openredaction',
    version: version('@openredaction/openredaction'),
    run: (line) => shield.detect(line),
    count: (result) => result.detections.length,
    spans(text) {
      const out = [];
      for (const d of shield.detect(text).detections) {
        let [start, end] = d.position;
        if (text.slice(start, end) !== d.value) {
          // Defensive: locate the value if a position is off (never observed so far).
          const at = text.indexOf(d.value);
          if (at < 0) continue;
          start = at;
          end = at + d.value.length;
        }
        out.push({ type: d.type, start, end });
      }
      return out;
    },
  };
}

/**
 * The scale baseline: ONE V8 regex alternating eight simple patterns (resident ID, mobile, card, e-mail, IPv4,
 * SSN, spaced card, landline). No validation, no context: what "just a regex" costs on this corpus.
 */
/**
 * The eight patterns of the scale baseline (V8 syntax): resident ID, mobile, 16–19-digit card, e-mail, IPv4,
 * SSN, spaced card, landline. Bounded quantifiers only; `\b` and `\d` are ASCII in V8.
 */
export const REGEX8 =
  /\b\d{17}[\dXx]\b|\b1[3-9]\d{9}\b|\b\d{16,19}\b|[\w.+-]+@[\w-]+\.[\w.-]+|\b\d{1,3}(?:\.\d{1,3}){3}\b|\b\d{3}-\d{2}-\d{4}\b|\b\d{4} \d{4} \d{4} \d{4}\b|\b0\d{2,3}-\d{7,8}\b/g;

async function regex8() {
  const re = new RegExp(REGEX8.source, 'g');
  return {
    name: 'regex-8 (baseline)',
    version: `V8 ${process.versions.v8}`,
    run(line) {
      re.lastIndex = 0;
      let n = 0;
      while (re.exec(line) !== null) n++;
      return n;
    },
    count: (n) => n,
    spans: null,
  };
}

/** All contenders by key. `peer: true` marks the npm detectors the ratio is computed against. */
export const CONTENDERS = {
  leakguard: { load: leakguard, peer: false },
  redactpii: { load: redactpii, peer: true },
  'redact-pii': { load: redactPii, peer: true },
  openredaction: { load: openredaction, peer: true },
  regex8: { load: regex8, peer: false },
};

export { OffsetText };
