/**
 * Distributed in-place protection: a table's primary key split into ranges ({@link planTableRanges}), each range
 * a queue job that any `leakguard worker` runs as its own resumable in-place job (`<job>.r<i>`).
 *
 * Why a retried range is safe: protecting a value twice is not idempotent (fpe, encrypt or hash of an already
 * protected value gives yet another value), so idempotency does not come from deterministic operators; it
 * comes from the range's progress record, committed in the same transaction as each batch of rows. A worker
 * killed mid-range loses its uncommitted batch only; the retry resumes after the last committed key, so every
 * row is protected exactly once and the table ends as a single-process in-place run leaves it.
 *
 * Jobs name the database without password and the policy by its hash: each worker resolves the connection
 * (`--connection URL`) and loads the policy and its keys itself (`--policy FILE`), and refuses a range queued
 * with another policy. A policy that tokenizes also names its vault by id: every process must write tokens into
 * the one vault (the catalog database by default, so workers given the coordinator's `--catalog` share it).
 */
import { PolicyError } from '../../core/errors.js';
import type { Analyzer } from '../../detect/analyzer.js';
import { type AnalyzerSpec, analyzerFromSpec } from '../../detect/spec.js';
import { redactUrl } from '../../sources/db-url.js';
import type { CompiledPolicy } from '../policy.js';
import { policyHash, protectTable, rangeJobName } from './index.js';

/** A protect job on the queue: one primary-key range of one table. */
export interface ProtectRangeJobData {
  kind: 'protect';
  /** The database URL without password. */
  url: string;
  /** `schema.table` as planned. */
  table: string;
  /** The distributed job's name (the range runs as `<job>.r<range>`). */
  job: string;
  range: number;
  /** `(from, to]` as `encodeKey` JSON, null for an open end. */
  from: string | null;
  to: string | null;
  batchRows?: number;
  policyHash: string;
  analyzer: AnalyzerSpec;
  subjectColumn?: string;
  actor: string;
  /**
   * The coordinator's token vault id ({@link policyVaultId}) when the policy tokenizes: a worker with another
   * vault refuses the range, or one value would get a token per vault and `reveal` would miss some.
   */
  vaultId?: string;
}

/**
 * The id of `policy`'s token vault when it has a `tokenize` rule and its vault tells its id; undefined otherwise.
 *
 * @example
 * const data = { ...range, vaultId: await policyVaultId(policy) };
 */
export async function policyVaultId(policy: CompiledPolicy): Promise<string | undefined> {
  const tokenizes = policy.defaultRule.action === 'tokenize' || policy.rules.some((r) => r.action === 'tokenize');
  if (!tokenizes || !policy.vault?.vaultId) return undefined;
  return await policy.vault.vaultId();
}

/** Options of {@link createProtectRangeHandler}. */
export interface ProtectRangeHandlerOptions {
  policy: CompiledPolicy;
  /** Full database URLs (with credentials) this worker may use. */
  connections?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

/**
 * The worker's handler of protect jobs.
 *
 * @throws PolicyError LG_POLICY_INVALID when the job was queued with another policy; protectTable's errors
 * @example
 * const handle = createProtectRangeHandler({ policy, connections: ['postgres://app:secret@db/shop'] });
 * await handle(job.data);
 */
export function createProtectRangeHandler(
  options: ProtectRangeHandlerOptions,
): (data: ProtectRangeJobData) => Promise<{ rows: number; alreadyDone: boolean }> {
  const hash = policyHash(options.policy);
  const byRedacted = new Map((options.connections ?? []).map((url) => [redactUrl(url), url]));
  const analyzers = new Map<string, Analyzer>();
  return async (data) => {
    if (data.policyHash !== hash) {
      throw new PolicyError(
        'LG_POLICY_INVALID',
        `Cannot protect a range of "${data.table}": it was queued with another policy (give this worker the coordinator's --policy)`,
      );
    }
    if (data.vaultId !== undefined && (await policyVaultId(options.policy)) !== data.vaultId) {
      throw new PolicyError(
        'LG_POLICY_INVALID',
        `Cannot protect a range of "${data.table}": it tokenizes into another token vault than this worker's (give every worker the coordinator's --catalog or --vault)`,
      );
    }
    const key = JSON.stringify(data.analyzer);
    let analyzer = analyzers.get(key);
    if (!analyzer) {
      analyzer = analyzerFromSpec(data.analyzer);
      analyzers.set(key, analyzer);
    }
    const report = await protectTable({
      url: byRedacted.get(data.url) ?? data.url,
      tables: [data.table],
      mode: 'protect',
      policy: options.policy,
      analyzer,
      inPlace: true,
      yes: true,
      job: rangeJobName(data.job, data.range),
      range: { from: data.from, to: data.to },
      ...(data.batchRows !== undefined ? { batchRows: data.batchRows } : {}),
      subjectColumn: data.subjectColumn,
      actor: data.actor,
      ...(options.env ? { env: options.env } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    const t = report.tables[0];
    return { rows: t?.rows ?? 0, alreadyDone: t?.alreadyDone ?? false };
  };
}
