/**
 * The endpoint audit's vocabulary: targets, verdicts, probe results, and the small contract every probe module
 * implements.
 */

/** What a probe concluded about one endpoint. */
export type Verdict = 'open' | 'auth-required' | 'weak-credentials' | 'not-service' | 'unreachable';

export const VERDICTS: readonly Verdict[] = ['open', 'weak-credentials', 'auth-required', 'not-service', 'unreachable'];

/** Services the audit knows how to probe. */
export type ServiceName = 'elasticsearch' | 'kibana' | 'mongodb' | 'redis' | 'postgresql' | 'mysql' | 'http' | 's3';

/** One endpoint to probe. */
export interface Endpoint {
  host: string;
  port: number;
  tls: boolean;
  /** URL path (S3 bucket, HTTP base path); `/` when none. */
  path: string;
  /** How the target is shown: `host:port` or the URL without credentials. */
  display: string;
  /** Service forced by the URL scheme, if any. */
  service?: ServiceName;
  /** Expanded from a CIDR or bare host: an unreachable port is not worth a line. */
  expanded?: boolean;
}

/** What an open store exposes, counted without reading values. */
export interface ExposureDetails {
  /** Databases, indices, buckets or files visible without credentials (names only, capped). */
  containers?: string[];
  /** Approximate number of records (documents, rows, keys, objects). */
  records?: number;
  version?: string;
  /** The user or credential kind that got in (never a password). */
  user?: string;
  /** Extra facts (`config: writable`, `protected-mode: no`). */
  notes?: string[];
  /**
   * Describe or sample steps that did not finish (deadline, dropped connection) after the verdict was known. The
   * verdict stands; the counts above are partial or missing.
   */
  incomplete?: string[];
}

/** A probe's result for one endpoint. */
export interface ProbeResult {
  service: ServiceName;
  verdict: Verdict;
  /** One sentence a human can act on. Never contains a secret or a personal value. */
  reason: string;
  details?: ExposureDetails;
}

/** Credentials a probe may try (weak defaults, or `secrets --verify`). Never printed. */
export interface Credentials {
  user: string;
  password: string;
  /** Database to log in to (PostgreSQL, MySQL), from a connection string. */
  database?: string;
}

/** Texts read through unauthenticated access for detection; a bounded sample. */
export interface SampleText {
  /** Where the text came from (index, table, key pattern, object). Never a value. */
  where: string;
  text: string;
  /** The text is a file's prefix with one record per line (a dump, a CSV), not one record. */
  lines?: boolean;
}

/** What a probe gets from the runner. */
export interface ProbeContext {
  /** Absolute deadline for this probe (ms since epoch). */
  deadline: number;
  signal: AbortSignal;
  /** Rate cap: await before each new connection. */
  acquire(): Promise<void>;
  /** Try default credentials when the store asks for a password (default true). */
  tryDefaults: boolean;
  /** When set, read up to this many records per container (max 5 containers) for detection. */
  sample?: number;
  /** Credentials to use instead of anonymous access (`secrets --verify`). */
  credentials?: Credentials;
  /**
   * Record the verdict as soon as it is known, before describing or sampling the store: if the probe then outlasts
   * its deadline, the runner reports this outcome (with the step marked incomplete) rather than no verdict. The
   * probe keeps mutating the same object; the runner copies it at the deadline.
   */
  settle?(outcome: ProbeOutcome): void;
}

/** A probe result plus the sampled texts (kept in memory only; never stored or printed). */
export interface ProbeOutcome extends ProbeResult {
  samples?: SampleText[];
}

/** One probe module: a service, its default ports, and the probe. */
export interface Probe {
  readonly service: ServiceName;
  readonly defaultPorts: readonly number[];
  probe(endpoint: Endpoint, ctx: ProbeContext): Promise<ProbeOutcome>;
}

/** The result line the CLI prints and the catalog stores. */
export interface AuditResult {
  target: string;
  service: ServiceName | 'unknown';
  verdict: Verdict;
  reason: string;
  /**
   * Per type, roughly how many records in the store hold it (only with `--sample`): records of the sample with at
   * least one finding of the type, scaled to the store's total when the probe knows it. See `exposure`.
   */
  exposed?: Record<string, number>;
  /** Records read for the sample (only with `--sample`; for file prefixes, non-empty lines). */
  sampled?: number;
  /** How `exposed` was obtained (only with `--sample`). */
  exposure?: {
    /** Per type: sampled records holding it. */
    inSample: Record<string, number>;
    sampled: number;
    /** The store total `exposed` is scaled to (absent: not scaled). */
    total?: number;
    /** One sentence: "personal data estimated from 50 sampled of ~1.2 M records (…)". */
    estimate: string;
  };
  details?: ExposureDetails;
  /** What the catalog already knows about the data behind this endpoint. */
  catalog?: CatalogKnowledge;
}

/** The catalog's knowledge of an endpoint's data (from earlier `leakguard scan` runs). */
export interface CatalogKnowledge {
  assets: number;
  people: number;
  types: Record<string, number>;
  grade: string | null;
  sources: string[];
  /** One sentence, e.g. "the catalog knows 3 assets here holding 1.2 M CN_RESIDENT_ID". */
  summary: string;
}
