export { importSqliteVaultFile, type VaultImport } from './import-vault.js';
export { createLazyTokenVault } from './lazy-vault.js';
export { createMemoryTokenVault } from './memory-vault.js';
export {
  connectPostgresTokenVault,
  createPostgresTokenVault,
  openPostgresTokenVault,
} from './postgres-vault.js';
export { createSqliteTokenVault, openSqliteTokenVault, type SqliteTokenVaultOptions } from './sqlite-vault.js';
export type { TokenRecord, TokenVault, VaultAuditEvent, VaultAuditOutcome } from './token-vault.js';
