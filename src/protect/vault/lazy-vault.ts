/**
 * A {@link TokenVault} opened on first use: for network vaults named by a synchronous loader (a policy's
 * `vault: { postgres: URL }`, the CLI's catalog database). Every method answers with a promise, so `tokenize`
 * takes the asynchronous path; `ready()` opens it up front so a caller can fail before reading any data.
 */
import type { TokenVault } from './token-vault.js';

/**
 * Wraps `open` (called once, on the first method call or `ready()`; a failed open is retried by the next call).
 *
 * @example
 * const vault = createLazyTokenVault(() => openPostgresTokenVault(url));
 * await vault.ready?.();
 */
export function createLazyTokenVault(open: () => Promise<TokenVault>): TokenVault {
  let opening: Promise<TokenVault> | undefined;
  let closed = false;
  const get = (): Promise<TokenVault> => {
    if (closed) return Promise.reject(new TypeError('TokenVault: the vault is closed'));
    if (!opening) {
      opening = open();
      // A failed open is not cached: the next call tries again (a database restarting).
      opening.catch(() => {
        opening = undefined;
      });
    }
    return opening;
  };
  return {
    put: async (record) => (await get()).put(record),
    lookup: async (index) => (await get()).lookup(index),
    get: async (token) => (await get()).get(token),
    audit: async (event) => (await get()).audit(event),
    auditLog: async () => (await get()).auditLog(),
    vaultId: async () => {
      const v = await get();
      return v.vaultId ? v.vaultId() : '';
    },
    async ready() {
      await get();
    },
    async close() {
      const pending = opening;
      closed = true;
      opening = undefined;
      if (!pending) return;
      const v = await pending.catch(() => undefined);
      await v?.close();
    },
  };
}
