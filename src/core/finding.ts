import type { EntityType } from './entity-types.js';

/** A built-in entity type or a custom one declared by a user's recognizer file (UPPER_SNAKE). */
export type EntityName = EntityType | (string & Record<never, never>);

/** Whose identifier a finding is: a natural person's, or an organisation's (400/800 numbers, enterprise USCCs). */
export type Subject = 'person' | 'organisation';

/**
 * One detected entity. Offsets are UTF-16 code units into the ORIGINAL text, `end` exclusive.
 * A finding never carries the matched value: callers slice the text they own.
 */
export interface Finding {
  type: EntityName;
  start: number;
  end: number;
  /** Confidence in [0, 1]. */
  score: number;
  /** Id of the recognizer that produced it, e.g. `cn.resident-id`. */
  recognizer: string;
  /** The value is already masked (`138****5678`): never a clear value; reported apart. */
  masked?: boolean;
  /** Whose identifier it is, when the recognizer can tell. */
  subject?: Subject;
  /** PIPL-sensitive for this particular finding even if the type is not (e.g. a holder under 14). */
  sensitive?: boolean;
  /** Non-identifying facts derived from the value (e.g. `{ ageBand: '<14', province: '11' }`). */
  attrs?: Readonly<Record<string, string | number | boolean>>;
}

/** Compare findings by start, then end (used to keep output sorted). */
export function compareFindings(a: Finding, b: Finding): number {
  return a.start - b.start || a.end - b.end;
}
