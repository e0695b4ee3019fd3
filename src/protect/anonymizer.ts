/**
 * Applying a policy to text: `anonymizeText` replaces each finding with its rule's operator output;
 * `revealText` reverses what is reversible.
 *
 * How `revealText` finds protected values:
 * - `encrypt` and `tokenize` (tagged format) outputs are self-describing (`enc:v1:<kid>:…`, `tok:<kid>:…`):
 *   they are found by pattern and opened with the key named by the tag (and the vault for tokens).
 * - `fpe` (and `dateshift`, `tokenize` in `preserve` format) outputs are deliberately indistinguishable from
 *   real values — wrapping them in a marker would break the format guarantee that is the reason to use FPE.
 *   They are reverted where the caller says they are: pass `spans`, either the `applied` list of
 *   `anonymizeText` (use `newStart`/`newEnd`) or findings from running detection again on the protected text
 *   (which works for `fpe` with `preserveCheck: true`, whose outputs stay checksum-valid and are detected like
 *   the originals). Each span is reverted with the rule its type (and `column`) selects.
 */
import { PolicyError } from '../core/errors.js';
import type { EntityName, Finding } from '../core/finding.js';
import { isPromiseLike, type MaybePromise, type OperatorName } from './operator.js';
import { decryptTagged, ENCRYPTED_PATTERN } from './operators/encrypt.js';
import { TOKEN_PATTERN, tokenize } from './operators/tokenize.js';
import type { CompiledPolicy, CompiledRule } from './policy.js';

/** One replacement made by {@link anonymizeText}. */
export interface AppliedSpan {
  readonly type: EntityName;
  /** Span in the input text. */
  readonly start: number;
  readonly end: number;
  /** Span of the replacement in the output text. */
  readonly newStart: number;
  readonly newEnd: number;
  readonly action: OperatorName;
  /** Set when the operator failed and the policy's `onError: redact` removed the value instead. */
  readonly failed?: true;
}

/** The output of {@link anonymizeText}. */
export interface AnonymizeResult {
  readonly text: string;
  readonly applied: AppliedSpan[];
}

/** Context for a whole text. */
export interface AnonymizeContext {
  /** The column / JSON path the text came from (selects column rules). */
  readonly column?: string;
  /** The data subject, for `dateshift`. */
  readonly subject?: string;
  /** Who is asking (audited by token reverts). */
  readonly actor?: string;
}

function checkFindings(text: string, findings: readonly Finding[]): void {
  let last = 0;
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i] as Finding;
    if (!(f.start >= last && f.end >= f.start && f.end <= text.length)) {
      throw new RangeError('anonymizeText: findings must be sorted, non-overlapping and within the text');
    }
    last = f.end;
  }
}

interface Pending {
  readonly f: Finding;
  readonly rule: CompiledRule;
  out: MaybePromise<string> | undefined;
  failed: boolean;
}

function plan(text: string, findings: readonly Finding[], policy: CompiledPolicy, ctx: AnonymizeContext): Pending[] {
  checkFindings(text, findings);
  const pending: Pending[] = [];
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i] as Finding;
    // Already-masked values (`138****5678`) are reported, never re-masked.
    if (f.masked) continue;
    const rule = policy.ruleFor(f.type, ctx.column);
    if (!rule) continue;
    const p: Pending = { f, rule, out: undefined, failed: false };
    try {
      p.out = rule.apply(text.slice(f.start, f.end), {
        type: f.type,
        column: ctx.column,
        subject: ctx.subject,
        actor: ctx.actor,
      });
    } catch (e) {
      if (policy.onError !== 'redact') throw e;
      p.out = '';
      p.failed = true;
    }
    pending.push(p);
  }
  return pending;
}

function assemble(text: string, pending: readonly Pending[], outs: readonly string[]): AnonymizeResult {
  const parts: string[] = [];
  const applied: AppliedSpan[] = [];
  let pos = 0;
  let outLen = 0;
  for (let i = 0; i < pending.length; i++) {
    const p = pending[i] as Pending;
    const out = outs[i] as string;
    if (p.f.start > pos) {
      parts.push(text.slice(pos, p.f.start));
      outLen += p.f.start - pos;
    }
    parts.push(out);
    const span: AppliedSpan = {
      type: p.f.type,
      start: p.f.start,
      end: p.f.end,
      newStart: outLen,
      newEnd: outLen + out.length,
      action: p.rule.action,
      ...(p.failed ? { failed: true as const } : {}),
    };
    applied.push(span);
    outLen += out.length;
    pos = p.f.end;
  }
  if (pos < text.length) parts.push(text.slice(pos));
  return { text: parts.join(''), applied };
}

/**
 * Applies `policy` to every finding of `text` (sorted, non-overlapping, offsets into `text`), building the output
 * from parts joined once. Findings marked `masked` are left alone; a finding whose type has no rule gets the
 * policy's default rule.
 *
 * @throws PolicyError `LG_OPERATOR_FAILED` when an operator fails and the policy says `onError: fail`, or when an
 *   operator answers asynchronously (use {@link anonymizeTextAsync}); RangeError on unsorted or overlapping findings
 * @example
 * anonymizeText('手机13812345678', [{ type: 'CN_MOBILE', start: 2, end: 13, score: 1, recognizer: 'cn.mobile' }], policy)
 * // { text: '手机138****5678', applied: [{ type: 'CN_MOBILE', start: 2, end: 13, newStart: 2, newEnd: 13, action: 'mask' }] }
 */
export function anonymizeText(
  text: string,
  findings: readonly Finding[],
  policy: CompiledPolicy,
  ctx: AnonymizeContext = {},
): AnonymizeResult {
  const pending = plan(text, findings, policy, ctx);
  const outs: string[] = new Array(pending.length);
  for (let i = 0; i < pending.length; i++) {
    const out = (pending[i] as Pending).out;
    if (typeof out !== 'string') {
      if (isPromiseLike(out)) out.catch(() => undefined);
      throw new PolicyError(
        'LG_OPERATOR_FAILED',
        `Cannot apply operator "${(pending[i] as Pending).rule.action}" synchronously: its vault is asynchronous; use anonymizeTextAsync`,
      );
    }
    outs[i] = out;
  }
  return assemble(text, pending, outs);
}

/**
 * {@link anonymizeText} for policies whose operators may answer asynchronously (`tokenize` with a network vault).
 *
 * @throws as {@link anonymizeText}
 * @example
 * await anonymizeTextAsync(text, findings, policy)
 */
export async function anonymizeTextAsync(
  text: string,
  findings: readonly Finding[],
  policy: CompiledPolicy,
  ctx: AnonymizeContext = {},
): Promise<AnonymizeResult> {
  const pending = plan(text, findings, policy, ctx);
  const outs: string[] = new Array(pending.length);
  for (let i = 0; i < pending.length; i++) {
    const p = pending[i] as Pending;
    try {
      outs[i] = await (p.out as MaybePromise<string>);
    } catch (e) {
      if (policy.onError !== 'redact') throw e;
      outs[i] = '';
      p.failed = true;
    }
  }
  return assemble(text, pending, outs);
}

/** A span of protected text to revert with the rule its type selects (fpe, dateshift, preserve-format tokens). */
export interface RevealSpan {
  readonly type: EntityName;
  readonly start: number;
  readonly end: number;
}

/** Options of {@link revealText}. */
export interface RevealOptions extends AnonymizeContext {
  /**
   * Where untagged reversible outputs sit in the protected text: `applied` from `anonymizeText` mapped to
   * `{ type, start: newStart, end: newEnd }`, or findings from detecting the protected text again.
   */
  readonly spans?: readonly RevealSpan[];
}

/** One value restored by {@link revealText}. */
export interface RevealedSpan {
  readonly start: number;
  readonly end: number;
  readonly newStart: number;
  readonly newEnd: number;
  readonly action: OperatorName;
}

/** The output of {@link revealText}. */
export interface RevealResult {
  readonly text: string;
  readonly revealed: RevealedSpan[];
  /** Candidates that could not be reverted (unknown key id, altered ciphertext, unknown token): left as they were. */
  readonly failed: number;
  /** Offset in the input of the first candidate that could not be reverted (for locating it), when any. */
  readonly firstFailedAt?: number;
}

interface Candidate {
  readonly start: number;
  readonly end: number;
  readonly action: OperatorName;
  out: MaybePromise<string | undefined>;
}

function guard<T>(f: () => MaybePromise<T>): MaybePromise<T | undefined> {
  try {
    const r = f();
    return isPromiseLike(r) ? r.then(undefined, () => undefined) : r;
  } catch {
    return undefined;
  }
}

function planReveal(text: string, policy: CompiledPolicy, options: RevealOptions): Candidate[] {
  const tagged: Candidate[] = [];
  const byId = (id: string) => policy.keys.byId(id);
  for (const m of text.matchAll(ENCRYPTED_PATTERN)) {
    tagged.push({ start: m.index, end: m.index + m[0].length, action: 'encrypt', out: decryptTagged(m[0], byId) });
  }
  if (policy.vault) {
    const vault = policy.vault;
    for (const m of text.matchAll(TOKEN_PATTERN)) {
      const token = m[0];
      tagged.push({
        start: m.index,
        end: m.index + token.length,
        action: 'tokenize',
        out: guard(() =>
          tokenize.revert(token, {
            params: tokenize.parse({}),
            type: undefined,
            column: options.column,
            key: undefined,
            keys: policy.keys,
            subject: options.subject,
            vault,
            actor: options.actor,
          }),
        ),
      });
    }
  }
  const all: Candidate[] = tagged;
  for (const s of options.spans ?? []) {
    if (!(s.start >= 0 && s.end >= s.start && s.end <= text.length)) {
      throw new RangeError('revealText: spans must lie within the text');
    }
    if (tagged.some((t) => t.start < s.end && s.start < t.end)) continue;
    const rule = policy.ruleFor(s.type, options.column);
    const revert = rule?.revert;
    if (!rule || !revert || rule.action === 'keep' || rule.action === 'encrypt') continue;
    const value = text.slice(s.start, s.end);
    all.push({
      start: s.start,
      end: s.end,
      action: rule.action,
      out: guard(() =>
        revert(value, { type: s.type, column: options.column, subject: options.subject, actor: options.actor }),
      ),
    });
  }
  all.sort((a, b) => a.start - b.start || a.end - b.end);
  // Drop overlaps (first wins) so the output is well formed.
  const kept: Candidate[] = [];
  let last = 0;
  for (const c of all) {
    if (c.start >= last) {
      kept.push(c);
      last = c.end;
    }
  }
  return kept;
}

function assembleReveal(
  text: string,
  cands: readonly Candidate[],
  outs: ReadonlyArray<string | undefined>,
): RevealResult {
  const parts: string[] = [];
  const revealed: RevealedSpan[] = [];
  let failed = 0;
  let firstFailedAt: number | undefined;
  let pos = 0;
  let outLen = 0;
  for (let i = 0; i < cands.length; i++) {
    const c = cands[i] as Candidate;
    const out = outs[i];
    if (out === undefined) {
      if (failed++ === 0) firstFailedAt = c.start;
      continue;
    }
    parts.push(text.slice(pos, c.start));
    outLen += c.start - pos;
    parts.push(out);
    revealed.push({ start: c.start, end: c.end, newStart: outLen, newEnd: outLen + out.length, action: c.action });
    outLen += out.length;
    pos = c.end;
  }
  parts.push(text.slice(pos));
  return { text: parts.join(''), revealed, failed, ...(firstFailedAt !== undefined ? { firstFailedAt } : {}) };
}

/**
 * Reverses reversible operators in protected `text`: tagged `encrypt`/`tokenize` outputs by pattern, untagged
 * ones (`fpe`, `dateshift`) at `options.spans` (see the module doc). Values that do not open are left as they are
 * and counted in `failed`. Token reverts are audited in the vault.
 *
 * @throws PolicyError `LG_OPERATOR_FAILED` when the vault answers asynchronously (use {@link revealTextAsync})
 * @example
 * revealText(anonymized.text, policy, { spans: anonymized.applied.map((a) => ({ type: a.type, start: a.newStart, end: a.newEnd })) })
 */
export function revealText(text: string, policy: CompiledPolicy, options: RevealOptions = {}): RevealResult {
  const cands = planReveal(text, policy, options);
  const outs: Array<string | undefined> = new Array(cands.length);
  for (let i = 0; i < cands.length; i++) {
    const out = (cands[i] as Candidate).out;
    if (isPromiseLike(out)) {
      throw new PolicyError(
        'LG_OPERATOR_FAILED',
        'Cannot reveal synchronously: the token vault is asynchronous; use revealTextAsync',
      );
    }
    outs[i] = out;
  }
  return assembleReveal(text, cands, outs);
}

/**
 * {@link revealText} for asynchronous vaults.
 *
 * @example
 * await revealTextAsync(text, policy)
 */
export async function revealTextAsync(
  text: string,
  policy: CompiledPolicy,
  options: RevealOptions = {},
): Promise<RevealResult> {
  const cands = planReveal(text, policy, options);
  const outs: Array<string | undefined> = new Array(cands.length);
  for (let i = 0; i < cands.length; i++) outs[i] = await (cands[i] as Candidate).out;
  return assembleReveal(text, cands, outs);
}
