/**
 * An in-memory {@link TokenVault}: for tests, one-shot runs and as the reference implementation of the contract.
 * Tokens do not survive the process: use the SQLite vault when tokens must be reversible later.
 */
import { randomUUID } from 'node:crypto';
import type { TokenRecord, TokenVault, VaultAuditEvent } from './token-vault.js';

/**
 * Creates an empty in-memory vault. Every method answers synchronously.
 *
 * @example
 * const vault = createMemoryTokenVault();
 */
export function createMemoryTokenVault(): TokenVault {
  const byToken = new Map<string, TokenRecord>();
  const byIndex = new Map<string, TokenRecord>();
  const events: VaultAuditEvent[] = [];
  // Never shared with another process: distributed jobs refuse it.
  const id = `memory:${randomUUID()}`;
  return {
    vaultId: () => id,
    put(record) {
      const existing = byIndex.get(record.index);
      if (existing) return existing;
      if (byToken.has(record.token)) return undefined;
      const copy: TokenRecord = { ...record, sealed: Uint8Array.from(record.sealed) };
      byToken.set(copy.token, copy);
      byIndex.set(copy.index, copy);
      return copy;
    },
    lookup: (index) => byIndex.get(index),
    get: (token) => byToken.get(token),
    audit(event) {
      events.push({ ...event });
    },
    auditLog: () => events.slice(),
    close() {
      byToken.clear();
      byIndex.clear();
    },
  };
}
