/**
 * `leakguard/guard`: the access proxy — configuration, the server, keys, audit chain, alerts, quotas and the
 * anomaly detector.
 *
 * @example
 * import { createGuard, loadGuardConfig } from 'leakguard/guard';
 * const guard = await createGuard({ config: loadGuardConfig('guard.yaml') });
 * await guard.listen();
 */
export { type Alert, type AlertKind, type AlertSeverity, AlertSink, listAlerts, type StoredAlert } from './alerts.js';
export { AnomalyDetector, type AnomalyOptions, type AnomalyVerdict } from './anomaly.js';
export {
  AUDIT_FORMAT,
  type AuditEntry,
  AuditLog,
  type AuditRow,
  type AuditVerification,
  auditHash,
  exportAudit,
  verifyAudit,
} from './audit.js';
export type { Principal } from './auth.js';
export {
  authorizeElasticsearch,
  authorizeGeneric,
  type CompiledRole,
  compileRole,
  type RecordCount,
  type RequestPlan,
} from './authorize.js';
export { type GuardConfig, loadGuardConfig, parseGuardConfig, type RoleConfig } from './config.js';
export {
  type ContextOwner,
  type ContextStore,
  createMemoryContextStore,
  createRedisContextStore,
} from './contexts.js';
export { GUARD_ERRORS, GuardError, type GuardErrorCode, isGuardError } from './errors.js';
export { createGuard, type Guard, type GuardLog, type GuardOptions } from './guard.js';
export { type ApiKeyRecord, createApiKey, KeyTable, listApiKeys, revokeApiKey } from './keys.js';
export {
  type CanaryMatcher,
  CleanCache,
  type CleanCacheOptions,
  CleanField,
  type MaskerOptions,
  ResponseMasker,
} from './mask.js';
export { GuardMetrics } from './metrics.js';
export { GUARD_MIGRATIONS } from './migrations.js';
export {
  createMemoryQuotaStore,
  createRedisQuotaStore,
  exceeded,
  type QuotaLimits,
  type QuotaStore,
  type Usage,
} from './quota.js';
