/**
 * CRYPTO — cryptocurrency addresses (they tie payments to a person).
 *
 * Specs and validators:
 * - Bitcoin legacy addresses: Base58Check, version 0x00 (P2PKH, `1…`) or 0x05 (P2SH, `3…`), 20-byte hash,
 *   double-SHA-256 checksum (`validators/base58check.ts`).
 * - Bitcoin native segwit: BIP-173 bech32 (v0, `bc1q…`) and BIP-350 bech32m (v1+, `bc1p…`) with the witness
 *   version / program length rules (`validators/bech32.ts`).
 * - Ethereum: `0x` + 40 hex digits; mixed case must satisfy EIP-55 (`validators/eip55.ts`). All-lower or all-upper
 *   addresses carry no checksum and are reported only with context (wallet, ETH, 钱包…).
 *
 * Triggers: DIGIT (`1…`, `3…`, `0x…`) and ALNUM (`bc1…`); the inner digit runs of an address are not starts.
 *
 * False-positive traps handled: transaction hashes and other hex (`0x` + 64 hex: longer than 40), base58-looking
 * words with a bad checksum, testnet and other-chain versions, bech32 strings of other HRPs.
 */
import { defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { bitcoinBase58Kind, isBase58Char } from '../../validators/base58check.js';
import { decodeSegwitAddress } from '../../validators/bech32.js';
import { eip55Status } from '../../validators/eip55.js';

const ID = 'crypto';

const CONTEXT = defineContext({
  positive: [
    'btc',
    'bitcoin',
    'eth',
    'ether',
    'ethereum',
    'erc20',
    'erc-20',
    'usdt',
    'usdc',
    'wallet',
    'address',
    'addr',
    'deposit',
    'withdraw',
    'withdrawal',
    'send to',
    'pay to',
    'pay',
    'to',
    'recipient',
    'crypto',
    'metamask',
    '钱包',
    '地址',
    '比特币',
    '以太坊',
    '充值',
    '提现',
    '转账',
    '收款',
  ],
  negative: ['tx', 'txid', 'txhash', 'hash', 'block', 'contract', 'token address'],
  before: 32,
  after: 12,
});

function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isHexCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function isLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function emit(start: number, end: number, score: number, kind: string, chain: string, ctx: MatchContext): void {
  ctx.emit({ type: 'CRYPTO', start, end, score, recognizer: ID, attrs: { chain, kind } });
}

function scoreFor(c: -1 | 0 | 1): number {
  return c === 1 ? 0.98 : c === -1 ? 0.75 : 0.9;
}

function matchEthereum(text: string, pos: number, ctx: MatchContext): void {
  const start = pos + 2;
  for (let k = start; k < start + 40; k++) if (!isHexCode(text.charCodeAt(k))) return;
  const end = start + 40;
  if (isWordCode(text.charCodeAt(end))) return;
  const status = eip55Status(text, start);
  if (status === 'invalid') return;
  const c = ctx.context(pos, end, CONTEXT);
  if (status === 'valid') emit(pos, end, scoreFor(c), 'eip55', 'ethereum', ctx);
  else if (c === 1) emit(pos, end, 0.8, 'unchecked', 'ethereum', ctx);
}

function matchBase58(text: string, pos: number, ctx: MatchContext): void {
  let end = pos;
  const limit = pos + 36;
  while (end < limit && isBase58Char(text.charCodeAt(end))) end++;
  const n = end - pos;
  if (n < 26 || n > 35 || isWordCode(text.charCodeAt(end))) return;
  const kind = bitcoinBase58Kind(text, pos, end);
  if (kind === null) return;
  emit(pos, end, scoreFor(ctx.context(pos, end, CONTEXT)), kind, 'bitcoin', ctx);
}

function matchSegwit(text: string, pos: number, ctx: MatchContext): void {
  const end = ctx.runEnd;
  const n = end - pos;
  if (n < 14 || n > 74) return;
  const addr = decodeSegwitAddress('bc', text, pos, end);
  if (addr === null) return;
  const kind =
    addr.version === 0 ? (addr.program.length === 20 ? 'p2wpkh' : 'p2wsh') : addr.version === 1 ? 'p2tr' : 'segwit';
  emit(pos, end, scoreFor(ctx.context(pos, end, CONTEXT)), kind, 'bitcoin', ctx);
}

function match(text: string, pos: number, ctx: MatchContext): void {
  const prev = text.charCodeAt(pos - 1);
  if (isWordCode(prev)) return;
  const c0 = text.charCodeAt(pos);
  if (c0 === 48) {
    // 0x + 40 hex: the digit run is just "0".
    if (ctx.runEnd === pos + 1 && (text.charCodeAt(pos + 1) | 32) === 120) matchEthereum(text, pos, ctx);
    return;
  }
  if (c0 === 49 || c0 === 51) {
    // Base58: the digit run ends at a letter (every address of this length has one within its first digits).
    if (ctx.runEnd - pos < 26 && isLetterCode(text.charCodeAt(ctx.runEnd))) matchBase58(text, pos, ctx);
    return;
  }
  if ((c0 | 32) === 98 && (text.charCodeAt(pos + 1) | 32) === 99 && text.charCodeAt(pos + 2) === 49) {
    matchSegwit(text, pos, ctx);
  }
}

/**
 * Bitcoin (base58check, bech32, bech32m) and Ethereum (EIP-55) addresses; `attrs.chain` and `attrs.kind` say which.
 *
 * @example
 * createAnalyzer({ recognizers: [cryptoRecognizer] }).detect('BTC: 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2') // [{ start: 5, … }]
 */
export const cryptoRecognizer = defineRecognizer({
  id: ID,
  entities: ['CRYPTO'],
  triggers: Trigger.DIGIT | Trigger.ALNUM,
  // Letter-led addresses are bech32 `bc1…` / `tb1…` (base58 ones start with the digits 1 or 3).
  alnumGate: (first, len) => (first === 'b' || first === 'B' || first === 't' || first === 'T') && len >= 14,
  // `0x…`, or a base58 address starting `1`/`3` whose first digits are followed by a letter.
  digitGate: (first: number, length: number, prev?: string, next?: string) =>
    prev !== 'letter' &&
    prev !== 'x' &&
    ((first === 0 && length === 1 && (next === undefined || next === 'x')) ||
      ((first === 1 || first === 3) && length < 26 && (next === undefined || next === 'letter' || next === 'x'))),
  match,
  examples: {
    match: [
      'send to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2',
      'P2SH 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy',
      'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
      '钱包地址 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      'ETH wallet 0xde709f2102306220921060314715629080e2fb77',
    ],
    noMatch: [
      '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3',
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD',
      'tx 0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b',
      'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5',
      'hash 0xde709f2102306220921060314715629080e2fb77',
    ],
  },
});
