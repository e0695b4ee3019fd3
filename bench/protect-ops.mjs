// Throughput of the protect operators on one core: ops/s per operator on typical values.
// Run after `npm run build`:  node bench/protect-ops.mjs   (LEAKGUARD_DIST=path overrides ../dist)
// Each operator is called through its compiled rule (options parsed once, key resolved), as the protect hot
// path calls it. Values cycle through a small synthetic set so caches do not flatter the figures.

import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const dist = resolve(process.env.LEAKGUARD_DIST ?? new URL('../dist', import.meta.url).pathname);
const { parsePolicy, createMemoryTokenVault } = await import(pathToFileURL(`${dist}/protect/index.js`).href);
const { mod112CheckChar } = await import(pathToFileURL(`${dist}/detect/validators/mod11-2.js`).href);
const { luhnCheckDigit } = await import(pathToFileURL(`${dist}/detect/validators/luhn.js`).href);

const env = { LEAKGUARD_KEY: 'ab'.repeat(32) };
const policy = parsePolicy(
  `keys: { main: { env: LEAKGUARD_KEY } }
rules:
  - { type: CN_MOBILE, action: mask }
  - { type: PERSON, action: mask }
  - { type: EMAIL_ADDRESS, action: hash }
  - { type: CN_BANK_CARD, action: pseudonym, options: { keep: [bin] } }
  - { type: CN_RESIDENT_ID, action: pseudonym }
  - { type: CREDIT_CARD, action: fpe, options: { preserveCheck: true } }
  - { type: PHONE_NUMBER, action: fpe }
  - { type: CN_USCC, action: encrypt }
  - { type: CN_PASSPORT, action: tokenize }
  - { type: IBAN_CODE, action: fpe, options: { mode: ff3-1 } }
  - { type: DATE_OF_BIRTH, action: dateshift }
  - { type: US_SSN, action: generalize, options: { to: region-year } }
`,
  'bench.yaml',
  { env, vault: createMemoryTokenVault() },
);

const N = 64;
const mobiles = Array.from({ length: N }, (_, i) => `138${String(12345678 + i * 7919).padStart(8, '0')}`);
const ids = Array.from({ length: N }, (_, i) => {
  const body = `1101051949${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}${String(i).padStart(3, '0')}`;
  return body + mod112CheckChar(body);
});
const cards = Array.from({ length: N }, (_, i) => {
  const p = `622202${String(123456789 + i * 104729).padStart(9, '0')}`;
  return p + luhnCheckDigit(p);
});
const emails = Array.from({ length: N }, (_, i) => `user${i}.name@example.com`);
const names = Array.from({ length: N }, (_, i) => ['张三', '李四光', '欧阳娜娜', '王小明'][i % 4]);
const dates = Array.from({ length: N }, (_, i) => `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`);
const passports = Array.from({ length: N }, (_, i) => `E${String(10000000 + i * 37).padStart(8, '0')}`);

function bench(label, type, values, opts = {}) {
  const rule = policy.ruleFor(type);
  const o = { type, ...opts };
  for (let i = 0; i < 2000; i++) rule.apply(values[i % N], o);
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < 1000) {
    for (let i = 0; i < 1000; i++) rule.apply(values[(n + i) % N], o);
    n += 1000;
    t = performance.now();
  }
  const opsPerSec = Math.round((n * 1000) / (t - t0));
  console.log(`${label.padEnd(42)} ${String(opsPerSec).padStart(10)} ops/s`);
  return opsPerSec;
}

console.log(`node ${process.version}, ${process.arch}`);
bench('mask CN_MOBILE (3+4)', 'CN_MOBILE', mobiles);
bench('mask PERSON (surname)', 'PERSON', names);
bench('hash EMAIL_ADDRESS (HMAC-SHA256, hex)', 'EMAIL_ADDRESS', emails);
bench('pseudonym CN_RESIDENT_ID', 'CN_RESIDENT_ID', ids);
bench('pseudonym CN_BANK_CARD (keep bin)', 'CN_BANK_CARD', cards);
bench('fpe FF1 11 digits (PHONE_NUMBER rule)', 'PHONE_NUMBER', mobiles);
bench('fpe FF1 card, preserveCheck', 'CREDIT_CARD', cards);
bench('fpe FF3-1 11 digits', 'IBAN_CODE', mobiles);
bench('encrypt AES-SIV (18 chars)', 'CN_USCC', ids);
bench('tokenize (memory vault, repeat values)', 'CN_PASSPORT', passports);
bench('dateshift (subject keyed)', 'DATE_OF_BIRTH', dates, { subject: 'p-1' });
