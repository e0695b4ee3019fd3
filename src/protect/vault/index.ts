export { createMemoryTokenVault } from './memory-vault.js';
export { createPostgresTokenVault, openPostgresTokenVault } from './postgres-vault.js';
export { createSqliteTokenVault, openSqliteTokenVault, type SqliteTokenVaultOptions } from './sqlite-vault.js';
export type { TokenRecord, TokenVault, VaultAuditEvent, VaultAuditOutcome } from './token-vault.js';
