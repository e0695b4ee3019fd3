/**
 * Test fixtures for the file protectors: policies, a key, seeded synthetic values (valid check characters,
 * from the project's generators; never a real person's number) and helpers to look for leaks in outputs.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../../core/finding.js';
import { detect } from '../../../detect/index.js';
import {
  generateBankCard,
  generateMobile,
  generatePassport,
  generateResidentId,
  randomDate,
} from '../../../synth/cn.js';
import { intlGenerators } from '../../../synth/intl.js';
import { createSeededRng, type Rng } from '../../../synth/rng.js';
import { generateChineseName } from '../../../synth/text.js';

/** A fixed test key (hex, 32 bytes) and a second one. */
export const ENV = { LEAKGUARD_KEY: 'd4'.repeat(32), OTHER_KEY: 'a7'.repeat(32) };

/** A policy using every kind of operator on detected types, plus column rules. */
export const MIXED_POLICY = `keys:
  main: { env: LEAKGUARD_KEY }
vault: { memory: true }
rules:
  - { type: CN_MOBILE, action: mask }
  - { type: CN_RESIDENT_ID, action: fpe, key: main, options: { preserveCheck: true } }
  - { type: [CN_BANK_CARD, CREDIT_CARD], action: fpe, key: main, options: { preserveCheck: true } }
  - { type: EMAIL_ADDRESS, action: encrypt, key: main }
  - { type: CN_PASSPORT, action: tokenize, key: main }
  - { type: PERSON, action: pseudonym, key: main }
  - { column: secret_note, action: redact }
  - { column: untouched, action: keep }
default: { action: replace }
`;

/** A policy whose every rule is reversible (round trips restore the input exactly). */
export const REVERSIBLE_POLICY = `keys:
  main: { env: LEAKGUARD_KEY }
vault: { memory: true }
rules:
  - { type: CN_MOBILE, action: encrypt, key: main }
  - { type: CN_RESIDENT_ID, action: fpe, key: main, options: { preserveCheck: true } }
  - { type: [CN_BANK_CARD, CREDIT_CARD], action: fpe, key: main, options: { preserveCheck: true } }
  - { type: EMAIL_ADDRESS, action: encrypt, key: main }
  - { type: CN_PASSPORT, action: tokenize, key: main }
  - { column: phone, action: fpe, key: main }
  - { column: token_me, action: tokenize, key: main }
default: { action: encrypt, key: main }
`;

/** Seeded synthetic values of the checksum-bearing types. */
export interface People {
  readonly mobile: string;
  readonly id: string;
  readonly card: string;
  readonly email: string;
  readonly passport: string;
  readonly name: string;
}

/** `n` synthetic people from `seed`. */
export function people(n: number, seed = 7): People[] {
  const rng: Rng = createSeededRng(seed);
  const email = intlGenerators.EMAIL_ADDRESS as (r: Rng) => string;
  const out: People[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      mobile: generateMobile(rng),
      // Born before this decade: fpe keeps the birth decade, and a date after today is not detected again.
      id: generateResidentId(rng, { birthDate: randomDate(rng, 1940, 2009) }),
      card: generateBankCard(rng),
      email: email(rng),
      passport: generatePassport(rng),
      name: generateChineseName(rng),
    });
  }
  return out;
}

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'leakguard-protect-'));
}

/** Files in `dir` (to check that nothing half-written is left). */
export function filesIn(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** The clear values detection finds in `text` (masked ones excluded). */
export function detectedValues(text: string): Set<string> {
  const out = new Set<string>();
  for (const f of detect(text) as Finding[]) if (!f.masked) out.add(text.slice(f.start, f.end));
  return out;
}

/**
 * Findings of detection over `output` whose value is one of `originals` (types only: never print the values),
 * plus originals still present anywhere as substrings.
 */
export function leaks(output: string, originals: Iterable<string>): { detected: string[]; present: number } {
  const set = new Set(originals);
  const detected: string[] = [];
  for (const f of detect(output)) {
    if (!f.masked && set.has(output.slice(f.start, f.end))) detected.push(f.type);
  }
  let present = 0;
  for (const v of set) if (v.length >= 6 && output.includes(v)) present++;
  return { detected, present };
}
