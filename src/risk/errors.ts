/**
 * Error codes of the risk module. They live here rather than in `core/errors.ts` (owned elsewhere) and carry
 * their own spec, so the CLI maps them like any catalogued code.
 */
import { type ErrorCode, type ErrorLocation, type ErrorSpec, LeakguardError } from '../core/errors.js';

/** Codes and how they behave. */
export const RISK_ERROR_CODES = {
  /** No transformation within the suppression cap satisfies k (and l). */
  LG_RISK_UNSATISFIABLE: {
    safe: true,
    httpStatus: 422,
    exitCode: 1,
    hint: 'Raise --max-suppression, lower --k or --l, add coarser hierarchies (--hierarchies), or use fewer --quasi columns',
  },
  /** The data has more distinct combinations, or the lattice more nodes, than the configured bounds. */
  LG_RISK_TOO_LARGE: {
    safe: true,
    httpStatus: 413,
    exitCode: 2,
    hint: 'Use fewer quasi-identifiers or coarser hierarchies, or raise --max-groups',
  },
} as const satisfies Record<string, ErrorSpec>;

export type RiskErrorCode = keyof typeof RISK_ERROR_CODES;

/** An error of the risk module. */
export class RiskError extends LeakguardError {
  readonly riskCode: RiskErrorCode;

  constructor(code: RiskErrorCode, message: string, options?: { cause?: unknown; location?: ErrorLocation }) {
    super(code as unknown as ErrorCode, message, options);
    this.riskCode = code;
  }

  override get spec(): ErrorSpec {
    return RISK_ERROR_CODES[this.riskCode];
  }
}
