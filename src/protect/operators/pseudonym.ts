/**
 * `pseudonym`: a keyed, valid synthetic replacement of the same type — a resident ID with a correct check
 * character (keeping region and birth decade when asked), a mobile with a real carrier prefix, a bank card that
 * keeps its BIN with a valid Luhn digit, a USCC with a valid check character, an e-mail that keeps its domain,
 * plausible names and addresses.
 *
 * Deterministic per key: the generator for the type is driven by `createKeyedRng(subkey, TYPE + ':' +
 * normalisedValue)` (HMAC-SHA256 counter mode under the rule key's `pseudonym` subkey), so the same value always
 * gets the same pseudonym under one key (joins survive) and pseudonyms under different keys are unlinkable.
 * Only the aspects listed in `keep` are taken from the original (plus its layout: separators, `+86`).
 * Irreversible; not injective (two values can, rarely, share a pseudonym, as with any random mapping).
 *
 * Types without a generator fall back to a keyed hash-shaped value `TYPE-<16 base32 chars>`; the policy loader
 * reports each such rule as a warning.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { ENTITY_TYPE_NAMES, type EntityType } from '../../core/entity-types.js';
import type { EntityName } from '../../core/finding.js';
import { cnGenerators } from '../../synth/cn.js';
import { intlGenerators } from '../../synth/intl.js';
import { createKeyedRng } from '../../synth/rng.js';
import { textGenerators } from '../../synth/text.js';
import type { Generator, GeneratorTable, SynthOptions } from '../../synth/types.js';
import { normalizeValue } from '../normalize-value.js';
import {
  type Operator,
  type OperatorContext,
  OperatorParamsError,
  operatorFailed,
  type ParseInfo,
  parseWith,
} from '../operator.js';
import { base32 } from './hash.js';

/** Every generator the pseudonym operator can use, by entity type. */
const GENERATORS: GeneratorTable = { ...textGenerators, ...intlGenerators, ...cnGenerators };

/**
 * Whether `pseudonym` has a realistic generator for `type` (otherwise it falls back to a keyed hash-shaped value).
 *
 * @example
 * hasPseudonymGenerator('CN_MOBILE') // true
 */
export function hasPseudonymGenerator(type: EntityName): boolean {
  return GENERATORS[type as EntityType] !== undefined;
}

const Schema = z.strictObject({
  /**
   * Aspects of the original to keep, as the type's generator documents them: resident ID `region`,
   * `birthYear`, `birthDecade`, `sex`; mobile `carrier`; bank/credit card `bin`; USCC `orgType`, `region`;
   * landline `areaCode`; plate `province`; VIN `wmi`; e-mail `domain`; phone/IBAN `country`; MAC `oui`;
   * PERSON `script`, `surname`; ADDRESS `province`, `city`, `district`; DATE_OF_BIRTH `year`, `decade`, `month`
   * ({@link PSEUDONYM_KEEP}; checked at load against the rule's types).
   */
  keep: z.array(z.string().min(1).max(32)).max(16).default([]),
  /** The type to generate when the value has no detected type (column rules). */
  as: z.enum(ENTITY_TYPE_NAMES as [EntityType, ...EntityType[]]).optional(),
});

/**
 * The `keep` aspects each generator supports (see the generators in `src/synth/`); a type not listed keeps
 * nothing but its layout. The policy loader checks `keep` against this table, so a typo (`regoin`) or an aspect
 * of another type (`bin` on a mobile) fails at load instead of being silently ignored.
 */
export const PSEUDONYM_KEEP: Readonly<Partial<Record<EntityType, readonly string[]>>> = {
  CN_RESIDENT_ID: ['region', 'birthYear', 'birthDecade', 'sex'],
  CN_RESIDENCE_PERMIT_HMT: ['region'],
  CN_MOBILE: ['carrier'],
  CN_LANDLINE: ['areaCode'],
  CN_BANK_CARD: ['bin'],
  CN_USCC: ['orgType', 'region'],
  CN_LICENSE_PLATE: ['province'],
  VIN: ['wmi'],
  TW_NATIONAL_ID: ['sex'],
  EMAIL_ADDRESS: ['domain'],
  PHONE_NUMBER: ['country'],
  CREDIT_CARD: ['bin'],
  IBAN_CODE: ['country'],
  IP_ADDRESS: ['version'],
  MAC_ADDRESS: ['oui'],
  CRYPTO: ['kind'],
  SECRET: ['kind'],
  PERSON: ['script', 'surname'],
  ADDRESS: ['province', 'city', 'district'],
  DATE_OF_BIRTH: ['year', 'decade', 'month'],
};

const ALL_ASPECTS: ReadonlySet<string> = new Set(Object.values(PSEUDONYM_KEEP).flat());

/**
 * Checks `keep` against the aspects of the rule's types (each aspect must be one that at least one of them
 * supports), or against every known aspect when the type is only known at run time (a column rule without `as`).
 */
function checkKeep(keep: readonly string[], types: readonly EntityName[] | undefined): void {
  keep.forEach((aspect, i) => {
    if (types && types.length > 0) {
      if (types.some((t) => PSEUDONYM_KEEP[t as EntityType]?.includes(aspect))) return;
      const supported = types
        .map((t) => {
          const a = PSEUDONYM_KEEP[t as EntityType];
          return `${t}: ${a ? a.join(', ') : 'none'}`;
        })
        .join('; ');
      throw new OperatorParamsError(
        'pseudonym',
        ['keep', i],
        `"${aspect}" is not an aspect pseudonym can keep for ${types.join(', ')} (supported: ${supported})`,
      );
    }
    if (!ALL_ASPECTS.has(aspect)) {
      throw new OperatorParamsError(
        'pseudonym',
        ['keep', i],
        `"${aspect}" is not an aspect pseudonym can keep for any type (known: ${[...ALL_ASPECTS].join(', ')})`,
      );
    }
  });
}

/** Options of `pseudonym`. */
export interface PseudonymParams {
  readonly keep: readonly string[];
  readonly as: EntityType | undefined;
}

function fallback(type: EntityName | undefined, normalised: string, subkey: Uint8Array): string {
  const h = createHmac('sha256', subkey)
    .update(`fallback:${type ?? ''}:${normalised}`, 'utf8')
    .digest();
  return `${type ?? 'VALUE'}-${base32(h).slice(0, 16)}`;
}

/**
 * The `pseudonym` operator.
 *
 * @example
 * pseudonym.apply('13812345678', { ...ctx, type: 'CN_MOBILE' }) // another valid mobile, same for the same key
 */
export const pseudonym = {
  name: 'pseudonym',
  reversible: false,
  keyUse: 'required',
  mayBeAsync: false,
  parse(params: unknown, info?: ParseInfo): PseudonymParams {
    const p = parseWith('pseudonym', Schema, params);
    checkKeep(p.keep, info?.types ?? (p.as ? [p.as] : undefined));
    return { keep: p.keep, as: p.as };
  },
  apply(value: string, ctx: OperatorContext<PseudonymParams>): string {
    if (!ctx.key) throw operatorFailed('pseudonym', ctx, 'the rule has no key');
    const type = ctx.type ?? ctx.params.as;
    const subkey = ctx.key.derive('pseudonym');
    const normalised = normalizeValue(type, value);
    const gen: Generator | undefined = type ? GENERATORS[type as EntityType] : undefined;
    if (!gen) return fallback(type, normalised, subkey);
    const rng = createKeyedRng(subkey, `${type}:${normalised}`);
    const options: SynthOptions = { like: value, keep: ctx.params.keep };
    try {
      return gen(rng, options);
    } catch (e) {
      throw operatorFailed('pseudonym', ctx, 'the generator failed', e);
    }
  },
} satisfies Operator<PseudonymParams>;
