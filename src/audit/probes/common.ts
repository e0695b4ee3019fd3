/**
 * Shared pieces of the probe modules: turning network failures into verdicts, and small helpers.
 */
import { NetError, NotHttpError } from '../net.js';
import type { ProbeOutcome, ServiceName } from '../types.js';

/**
 * The verdict for a failed exchange: `unreachable` when no connection was made, `not-service` (with the reason)
 * when something answered but not as the service does — a tarpit, a garbage banner, TLS on a plain port.
 */
export function failureOutcome(service: ServiceName, e: unknown, what: string): ProbeOutcome {
  if (e instanceof NotHttpError) {
    return {
      service,
      verdict: 'not-service',
      reason: e.tls ? `${e.message}; not ${what} over plain HTTP (try an https URL)` : `${e.message}; not ${what}`,
    };
  }
  if (e instanceof NetError) {
    if (!e.connected) return { service, verdict: 'unreachable', reason: e.message };
    if (e.kind === 'timeout')
      return {
        service,
        verdict: 'not-service',
        reason: `connected, but no ${what} answer before the deadline (tarpit or another service)`,
      };
    if (e.kind === 'tls') return { service, verdict: 'not-service', reason: e.message };
    return { service, verdict: 'not-service', reason: `connected, but ${e.message} (not ${what})` };
  }
  if (e instanceof ProtocolError) return { service, verdict: 'not-service', reason: `${e.message} (not ${what})` };
  throw e;
}

/** Whether an error is the probe's deadline: a session timeout, an abort, or a driver's query/connection timeout. */
export function isDeadline(e: unknown): boolean {
  if (e instanceof NetError) return e.kind === 'timeout';
  if (!(e instanceof Error)) return false;
  return e.name === 'AbortError' || e.name === 'TimeoutError' || /timeout|timed out|terminated/i.test(e.message);
}

/**
 * Mark a describe or sample step of an open store as incomplete. The verdict stands (the store answered without
 * credentials, or accepted weak ones); only what it holds is partly unknown, and the reason says so.
 */
export function markIncomplete(outcome: ProbeOutcome, step: string, cause: unknown): void {
  const why =
    typeof cause === 'string'
      ? cause
      : isDeadline(cause)
        ? 'no answer before the deadline'
        : cause instanceof NetError || cause instanceof ProtocolError
          ? cause.message
          : `failed (${cause instanceof Error ? cause.name : 'error'})`;
  const incomplete = [...(outcome.details?.incomplete ?? []), step];
  outcome.details = { ...outcome.details, incomplete };
  outcome.reason += `; ${step} incomplete: ${why}`;
}

/**
 * Run a describe or sample step after the verdict is known: a failure or the deadline leaves the verdict as it is
 * and records the step as incomplete ({@link markIncomplete}). Returns undefined when the step failed.
 *
 * @example
 * const indices = await afterVerdict(outcome, 'index listing', () => listIndices());
 */
export async function afterVerdict<T>(
  outcome: ProbeOutcome,
  step: string,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError) throw e;
    markIncomplete(outcome, step, e);
    return undefined;
  }
}

/** The server's bytes do not follow the protocol. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Format a count for humans: 1234567 → "1.2 M". */
export function humanCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)} k`;
  return String(n);
}

/** Flatten a JSON-like value into `path: value` lines (so detection sees field names as context). */
export function flattenRecord(value: unknown, prefix = '', out: string[] = [], depth = 0): string[] {
  if (depth > 8 || out.length > 500) return out;
  if (value === null || value === undefined) return out;
  if (typeof value === 'object' && !(value instanceof Uint8Array)) {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length && i < 50; i++) flattenRecord(value[i], prefix, out, depth + 1);
      return out;
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      flattenRecord(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
    }
    return out;
  }
  if (value instanceof Uint8Array) return out;
  const s = String(value);
  out.push(`${prefix || 'value'}: ${s.length > 2000 ? s.slice(0, 2000) : s}`);
  return out;
}

/** Cap a list of names for display and storage. */
export function capNames(names: readonly string[], max = 20): string[] {
  return names.length <= max ? [...names] : [...names.slice(0, max), `… ${names.length - max} more`];
}
