/**
 * Re-identification risk: measure how identifiable a table is from its quasi-identifiers, and make it
 * k-anonymous (and l-diverse) by optimal full-domain generalisation with record suppression.
 *
 * @example
 * import { anonymizeInput, measureRisk, openRowInput, renderRiskSection } from 'leakguard/risk';
 * const report = await measureRisk(await openRowInput('people.csv'), { analyzer });
 */
export { loadHierarchies, parseHierarchies } from './config.js';
export { RISK_ERROR_CODES, RiskError, type RiskErrorCode } from './errors.js';
export { pitmanUniques, zayatzUniques } from './estimators.js';
export {
  addressHierarchy,
  ageHierarchy,
  bandHierarchy,
  categoricalHierarchy,
  dateHierarchy,
  type Hierarchy,
  isGeneralizationOf,
  mapHierarchy,
  postcodeHierarchy,
  prefixHierarchy,
  regionCodeHierarchy,
  SUPPRESSED,
} from './hierarchy.js';
export { escapeHtml, histogram, renderRiskPage, renderRiskSection, riskJson } from './html.js';
export { memoryInput, type OpenInputOptions, openRowInput, type RowInput, type TableInput } from './input.js';
export { evaluateNode, type LatticeOptions, type LatticeResult, type NodeResult, searchLattice } from './lattice.js';
export { RiskAccumulator, type RiskMetrics, type RiskOptions, type SensitiveMetrics } from './metrics.js';
export { formatOf, type OutputFormat, openRowWriter, type RowWriter } from './output.js';
export { type ColumnRoles, proposeRoles, type QuasiIdentifier, residentIdParts } from './quasi.js';
export {
  type AnonymizeOptions,
  type AnonymizeReport,
  anonymizeInput,
  measureRisk,
  type QuasiReport,
  type RiskReport,
  type RiskRunOptions,
} from './risk.js';
export { classesAt, FrequencyTable, Generalizer, measureClasses } from './table.js';
