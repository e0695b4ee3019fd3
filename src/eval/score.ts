/**
 * Span-level scoring of a detector against a labeled evaluation set.
 *
 * Independent of leakguard's engine on purpose: it takes plain `{ type, start, end }` spans, so the benchmark
 * scores other npm detectors with the same code, mapping their type names onto ours (`mapPredictedType`) or
 * coarsening our labels onto theirs (`mapLabelType`) and scoring only the types both sides know (`types`).
 *
 * Rules (all offsets are UTF-16 code units, `end` exclusive):
 * - A prediction is a true positive when a label of the same type has exactly the same `start` and `end`.
 *   Labels and predictions are matched one to one (a duplicated prediction is a false positive).
 * - Every other prediction is a false positive and every other label a false negative. Those that overlap a
 *   label/prediction of the same type are also counted as `partial` (boundary errors), those that overlap one
 *   of another type land in the `confusion` table, so boundary and type errors stay visible apart.
 * - A prediction overlapping an already-masked value (`138****5678`, annotated in `masked`) is a false positive
 *   and is counted in `maskedFindings`; any prediction in a look-alike case (an invalid-checksum value,
 *   annotated in `lookalike`) is a false positive and is counted in `lookalikeFindings` under the look-alike's
 *   type.
 * - precision = tp / (tp + fp), or 1 when nothing was predicted; recall = tp / support, or 1 when there is no
 *   support; F1 is their harmonic mean (0 when both are 0). So a type with support and no prediction scores
 *   F1 = 0, and a type without support but with predictions scores F1 = 0.
 *
 * Error records hold offsets, never values: callers that display them slice and mask the text they own.
 */

/** A labeled or predicted span. `subject` and `form` are optional annotations used for breakdowns only. */
export interface ScoreSpan {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  /** Whose identifier it is (`person` / `organisation`), when the label or the detector says so. */
  readonly subject?: string | undefined;
  /** How the value is written (`spaced`, `fullwidth`, `+86`…): recall is broken down by it. Labels only. */
  readonly form?: string | undefined;
}

/** One evaluation case as the scorer sees it (a structural subset of the dataset's `EvalCase`). */
export interface ScoreCase {
  readonly id: string;
  readonly category: string;
  readonly lang?: string;
  readonly text: string;
  /** Clear values a detector should report. */
  readonly spans: readonly ScoreSpan[];
  /** Already-masked values: no detector should report a clear value there. */
  readonly masked?: readonly ScoreSpan[] | undefined;
  /** Invalid-checksum look-alikes: no detector should report anything there. */
  readonly lookalike?: readonly ScoreSpan[] | undefined;
}

/** A detector under test: spans it reports for `text`. */
export type Predict = (text: string, testCase: ScoreCase) => readonly ScoreSpan[];

/** Maps a type name to another (or `null` to drop the span). Types absent from a record are kept unchanged. */
export type TypeMapping = Readonly<Record<string, string | null>> | ((type: string) => string | null);

/** Options for {@link scoreFindings}. */
export interface ScoreOptions {
  /** Rename or drop predicted types (e.g. `{ PHONE: 'PHONE_NUMBER', URL: null }`) before matching. */
  mapPredictedType?: TypeMapping;
  /** Rename or drop labeled types (e.g. `{ CN_MOBILE: 'PHONE_NUMBER' }`) before matching. */
  mapLabelType?: TypeMapping;
  /** Score only these types (after mapping); labels and predictions of other types are ignored. */
  types?: readonly string[];
  /** Score only the cases this predicate keeps. */
  filter?: (testCase: ScoreCase) => boolean;
  /** Maximum error examples kept per type (counts are always complete). Default 20. */
  maxErrorsPerType?: number;
}

/** Raw counts for one type. */
export interface ScoreCounts {
  /** Number of labels. */
  support: number;
  /** Number of predictions. */
  predicted: number;
  tp: number;
  fp: number;
  fn: number;
  /** Labels missed only because the prediction's boundaries differ (same type, overlapping, not exact). */
  partial: number;
}

/** Counts and rates for one type (or all types pooled). */
export interface TypeScore extends ScoreCounts {
  precision: number;
  recall: number;
  f1: number;
}

/** Findings on invalid-checksum look-alikes of one type (target: zero). */
export interface LookalikeScore {
  /** Look-alike values of this type in the set. */
  values: number;
  /** Predictions in cases holding such a value. */
  findings: number;
  /** Look-alike values that got at least one overlapping prediction. */
  valuesHit: number;
  /** Predictions by predicted type. */
  byPredictedType: Map<string, number>;
}

/** Why a span is an error. */
export type ErrorReason =
  /** FP/FN: same type, overlapping, boundaries differ. */
  | 'partial'
  /** FP/FN: overlaps a span of another type. */
  | 'confusion'
  /** FP on an already-masked value. */
  | 'masked'
  /** FP in a look-alike case. */
  | 'lookalike'
  /** FP overlapping nothing labeled. */
  | 'spurious'
  /** FN overlapped by no prediction. */
  | 'missed';

/** One misclassified span, by offsets. `other` is the overlapping span that explains the reason, if any. */
export interface ScoreError {
  caseId: string;
  category: string;
  kind: 'fp' | 'fn';
  reason: ErrorReason;
  type: string;
  start: number;
  end: number;
  form?: string | undefined;
  other?: { type: string; start: number; end: number } | undefined;
}

/** Totals for one category of cases. */
export interface CategoryScore {
  cases: number;
  tp: number;
  fp: number;
  fn: number;
}

/** Result of {@link scoreFindings}. */
export interface ScoreReport {
  /** Per type, sorted by type name. Includes every type that has a label or a prediction. */
  perType: Map<string, TypeScore>;
  /** All types pooled. */
  micro: TypeScore;
  /** Unweighted mean F1 over types with support. */
  macroF1: number;
  /** Per look-alike type (the type of the invalid value). */
  lookalikeFindings: Map<string, LookalikeScore>;
  /** Predictions on already-masked values, by the masked value's type. */
  maskedFindings: Map<string, number>;
  /** Per case category. */
  perCategory: Map<string, CategoryScore>;
  /** Per type, recall by written form: `form → { support, tp }`. Labels without a form count under `-`. */
  perForm: Map<string, Map<string, { support: number; tp: number }>>;
  /** `labelType → predictedType → count` of labels hit only by a prediction of another type. */
  confusion: Map<string, Map<string, number>>;
  /** Among true positives whose label names a subject: how many predictions name the same subject. */
  subjects: Map<string, { labeled: number; agreed: number }>;
  /** Error examples, at most `maxErrorsPerType` per type (the label's type for FNs, the prediction's for FPs). */
  errors: ScoreError[];
  /** Number of cases scored. */
  cases: number;
}

function newCounts(): ScoreCounts {
  return { support: 0, predicted: 0, tp: 0, fp: 0, fn: 0, partial: 0 };
}

/**
 * Precision, recall and F1 from counts, with the conventions of this module (see the file header).
 *
 * @example
 * rates({ support: 4, predicted: 3, tp: 3, fp: 0, fn: 1, partial: 0 }) // { precision: 1, recall: 0.75, f1: 0.857… }
 */
export function rates(c: ScoreCounts): TypeScore {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const recall = c.support === 0 ? 1 : c.tp / c.support;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...c, precision, recall, f1 };
}

function mapper(m: TypeMapping | undefined): (t: string) => string | null {
  if (m === undefined) return (t) => t;
  if (typeof m === 'function') return m;
  return (t) => (Object.hasOwn(m, t) ? (m[t] ?? null) : t);
}

function overlaps(a: ScoreSpan, b: ScoreSpan): boolean {
  return a.start < b.end && b.start < a.end;
}

function bump<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function counterOf(map: Map<string, ScoreCounts>, type: string): ScoreCounts {
  let c = map.get(type);
  if (c === undefined) {
    c = newCounts();
    map.set(type, c);
  }
  return c;
}

interface Mapped {
  type: string;
  start: number;
  end: number;
  subject?: string | undefined;
  form?: string | undefined;
}

function mapSpans(
  spans: readonly ScoreSpan[] | undefined,
  map: (t: string) => string | null,
  keep: Set<string> | null,
): Mapped[] {
  const out: Mapped[] = [];
  if (spans === undefined) return out;
  for (const s of spans) {
    const type = map(s.type);
    if (type === null || (keep !== null && !keep.has(type))) continue;
    out.push({ type, start: s.start, end: s.end, subject: s.subject, form: s.form });
  }
  return out;
}

/**
 * Score a detector on labeled cases.
 *
 * @throws RangeError when a prediction has offsets outside its text or `end < start` (a detector bug)
 * @example
 * const report = scoreFindings(cases, (text) => detect(text));
 * report.perType.get('CN_MOBILE')?.f1;
 */
export function scoreFindings(cases: readonly ScoreCase[], predict: Predict, options: ScoreOptions = {}): ScoreReport {
  const mapPred = mapper(options.mapPredictedType);
  const mapLabel = mapper(options.mapLabelType);
  const keep = options.types ? new Set(options.types) : null;
  const maxErrors = options.maxErrorsPerType ?? 20;

  const perType = new Map<string, ScoreCounts>();
  const micro = newCounts();
  const lookalikes = new Map<string, LookalikeScore>();
  const maskedFindings = new Map<string, number>();
  const perCategory = new Map<string, CategoryScore>();
  const perForm = new Map<string, Map<string, { support: number; tp: number }>>();
  const confusion = new Map<string, Map<string, number>>();
  const subjects = new Map<string, { labeled: number; agreed: number }>();
  const errors: ScoreError[] = [];
  const errorsPerType = new Map<string, number>();
  let scored = 0;

  const addError = (e: ScoreError): void => {
    const n = errorsPerType.get(e.type) ?? 0;
    if (n >= maxErrors) return;
    errorsPerType.set(e.type, n + 1);
    errors.push(e);
  };

  for (const c of cases) {
    if (options.filter && !options.filter(c)) continue;
    scored++;
    const labels = mapSpans(c.spans, mapLabel, keep);
    const masked = mapSpans(c.masked, mapLabel, null);
    const looks = mapSpans(c.lookalike, mapLabel, null);
    const raw = predict(c.text, c);
    for (const p of raw) {
      if (!(p.start >= 0 && p.end >= p.start && p.end <= c.text.length)) {
        throw new RangeError(`scoreFindings: prediction [${p.start}, ${p.end}) is outside case "${c.id}"`);
      }
    }
    const preds = mapSpans(raw, mapPred, keep);

    let cat = perCategory.get(c.category);
    if (cat === undefined) {
      cat = { cases: 0, tp: 0, fp: 0, fn: 0 };
      perCategory.set(c.category, cat);
    }
    cat.cases++;

    for (const l of looks) {
      let s = lookalikes.get(l.type);
      if (s === undefined) {
        s = { values: 0, findings: 0, valuesHit: 0, byPredictedType: new Map() };
        lookalikes.set(l.type, s);
      }
      s.values++;
      if (preds.some((p) => overlaps(p, l))) s.valuesHit++;
    }
    if (looks.length > 0 && preds.length > 0) {
      // Attribute a look-alike case's predictions to the look-alike type they overlap, else to the first one.
      for (const p of preds) {
        const l = looks.find((x) => overlaps(x, p)) ?? looks[0]!;
        const s = lookalikes.get(l.type)!;
        s.findings++;
        bump(s.byPredictedType, p.type);
      }
    }

    // Exact one-to-one matching.
    const labelHit = new Array<boolean>(labels.length).fill(false);
    const predHit = new Array<boolean>(preds.length).fill(false);
    for (let i = 0; i < preds.length; i++) {
      const p = preds[i]!;
      for (let j = 0; j < labels.length; j++) {
        const l = labels[j]!;
        if (labelHit[j] || l.type !== p.type || l.start !== p.start || l.end !== p.end) continue;
        labelHit[j] = true;
        predHit[i] = true;
        if (l.subject !== undefined) {
          let s = subjects.get(l.subject);
          if (s === undefined) {
            s = { labeled: 0, agreed: 0 };
            subjects.set(l.subject, s);
          }
          s.labeled++;
          if (p.subject === l.subject) s.agreed++;
        }
        break;
      }
    }

    for (let j = 0; j < labels.length; j++) {
      const l = labels[j]!;
      const t = counterOf(perType, l.type);
      t.support++;
      micro.support++;
      let forms = perForm.get(l.type);
      if (forms === undefined) {
        forms = new Map();
        perForm.set(l.type, forms);
      }
      const formKey = l.form ?? '-';
      let f = forms.get(formKey);
      if (f === undefined) {
        f = { support: 0, tp: 0 };
        forms.set(formKey, f);
      }
      f.support++;
      if (labelHit[j]) {
        t.tp++;
        micro.tp++;
        cat.tp++;
        f.tp++;
        continue;
      }
      t.fn++;
      micro.fn++;
      cat.fn++;
      let reason: ErrorReason = 'missed';
      let other: Mapped | undefined;
      for (let i = 0; i < preds.length; i++) {
        const p = preds[i]!;
        if (predHit[i] || !overlaps(p, l)) continue;
        if (p.type === l.type) {
          reason = 'partial';
          other = p;
          break;
        }
        if (reason === 'missed') {
          reason = 'confusion';
          other = p;
        }
      }
      if (reason === 'partial') {
        t.partial++;
        micro.partial++;
      } else if (reason === 'confusion' && other) {
        let row = confusion.get(l.type);
        if (row === undefined) {
          row = new Map();
          confusion.set(l.type, row);
        }
        bump(row, other.type);
      }
      addError({
        caseId: c.id,
        category: c.category,
        kind: 'fn',
        reason,
        type: l.type,
        start: l.start,
        end: l.end,
        form: l.form,
        other: other && { type: other.type, start: other.start, end: other.end },
      });
    }

    for (let i = 0; i < preds.length; i++) {
      const p = preds[i]!;
      const t = counterOf(perType, p.type);
      t.predicted++;
      micro.predicted++;
      if (predHit[i]) continue;
      t.fp++;
      micro.fp++;
      cat.fp++;
      let reason: ErrorReason = 'spurious';
      let other: Mapped | undefined;
      const m = masked.find((x) => overlaps(x, p));
      const lk = looks.find((x) => overlaps(x, p));
      if (m) {
        reason = 'masked';
        other = m;
        bump(maskedFindings, m.type);
      } else if (lk || looks.length > 0) {
        reason = 'lookalike';
        other = lk;
      } else {
        for (let j = 0; j < labels.length; j++) {
          const l = labels[j]!;
          if (labelHit[j] || !overlaps(p, l)) continue;
          if (l.type === p.type) {
            reason = 'partial';
            other = l;
            break;
          }
          if (reason === 'spurious') {
            reason = 'confusion';
            other = l;
          }
        }
      }
      addError({
        caseId: c.id,
        category: c.category,
        kind: 'fp',
        reason,
        type: p.type,
        start: p.start,
        end: p.end,
        other: other && { type: other.type, start: other.start, end: other.end },
      });
    }
  }

  const sortedTypes = [...perType.keys()].sort();
  const perTypeOut = new Map<string, TypeScore>();
  let f1Sum = 0;
  let f1Count = 0;
  for (const type of sortedTypes) {
    const s = rates(perType.get(type)!);
    perTypeOut.set(type, s);
    if (s.support > 0) {
      f1Sum += s.f1;
      f1Count++;
    }
  }
  return {
    perType: perTypeOut,
    micro: rates(micro),
    macroF1: f1Count === 0 ? 0 : f1Sum / f1Count,
    lookalikeFindings: lookalikes,
    maskedFindings,
    perCategory,
    perForm,
    confusion,
    subjects,
    errors,
    cases: scored,
  };
}
