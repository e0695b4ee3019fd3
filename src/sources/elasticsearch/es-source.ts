/**
 * Elasticsearch / OpenSearch source (`es+http://host:9200/index-pattern`, `es+https://…`).
 *
 * **Units.** Indices are listed with `_cat/indices` (pattern, `expand_wildcards=open`; dot-prefixed hidden
 * indices only when the pattern names them) and their mappings read with `_mapping`. Sampling plans one `index`
 * unit per index (`es+http://h:9200/users#sample`); `full` plans one `index` unit for a small index (`#all`) or
 * `index-slice` units (`#slice=2/8`, Elasticsearch's sliced search with `slice: { id, max }`) of about `rangeRows`
 * documents each. Fingerprints carry the index uuid, document and deleted counts, store size and a mapping hash.
 *
 * **Reads.** A sample is one `_search` with `function_score.random_score` seeded from the unit id (field
 * `_seq_no`), so an unchanged index yields the same sample each time; a cluster that refuses it gets `match_all`
 * and a `sample-fallback` note. A full read pages with a point in time and `search_after` on `_shard_doc`
 * (Elasticsearch 7.15 and later: `_shard_doc` came in 7.12, sliced PITs in 7.15) or with a scroll (older
 * clusters and OpenSearch). Requests are retried on network errors and 429/502/503/504; a PIT page is idempotent and retried in place, while a scroll (or an expired
 * PIT) is restarted from the beginning and documents already yielded (by `_id`) are skipped, so each document is
 * yielded once. PIT and scroll contexts are freed when the read ends, fails or is abandoned.
 *
 * **Documents.** Every `_source` is walked: each string and number becomes a structured fragment with
 * `loc.field` = its JSON path (`$.contact.phone`), `loc.key` = `_id` and `loc.row` = ordinal in the unit. Fields
 * mapped `binary` are excluded from `_source` and noted; an index with `_source` disabled is noted and not read.
 */
import { createHash } from 'node:crypto';
import { type ErrorCode, isLeakguardError, SourceError } from '../../core/errors.js';
import { type ElasticsearchSpec, parseDbUrl } from '../db-url.js';
import type { Fragment, Problem, Source, Unit } from '../source.js';
import { unitSeed } from '../sql/sampling.js';
import { type FragmentSink, makeFragment, walkJson } from '../sql/values.js';
import { EsClient, EsHttpError, EsTimeoutError, isNetworkError, isRetryable } from './es-client.js';

/** Options of the Elasticsearch source (names shared with the SQL sources where they mean the same). */
export interface ElasticsearchSourceOptions {
  /** Read every document (PIT or scroll) instead of a sample (default false). */
  full?: boolean;
  /** Documents per index in sampling mode (default 1000, at most 10,000: the result window). */
  sampleRows?: number;
  /** Documents per slice unit in full mode (default 100,000). */
  rangeRows?: number;
  /** Documents per page (default 500). */
  batchRows?: number;
  /** Slices per index at most (default 32). */
  maxSlices?: number;
  /** Request timeout (default 30,000 ms). */
  statementTimeoutMs?: number;
  /** Index name patterns to keep (`users`, `logs-*`), applied after the URL's pattern. */
  tables?: readonly string[];
  /** Retries of a failed request or pass (default 3). */
  retries?: number;
  /** First retry delay, doubling (default 200 ms). */
  retryDelayMs?: number;
  /** Mixed into each unit's sampling seed (default 0). */
  sampleSeed?: number;
  /** Keep-alive of PIT and scroll contexts between pages (default `5m`). */
  keepAlive?: string;
  /** Paging for full reads: `auto` (PIT on Elasticsearch ≥ 7.15, else scroll), `pit` or `scroll`. */
  cursor?: 'auto' | 'pit' | 'scroll';
}

export interface EsIndexInfo {
  name: string;
  uuid: string;
  docs: number;
  deleted: number;
  bytes: number;
}

interface MappingInfo {
  hash: string;
  sourceDisabled: boolean;
  binary: string[];
}

type Mode = 'sample' | 'all' | 'slice';

interface Hit {
  _id?: unknown;
  _source?: unknown;
  sort?: unknown[];
}

interface SearchResponse {
  hits?: { hits?: Hit[] };
  pit_id?: string;
  _scroll_id?: string;
}

const MAX_WINDOW = 10_000;

/** The Elasticsearch/OpenSearch source. */
export class ElasticsearchSource implements Source {
  readonly kind = 'elasticsearch';
  readonly #spec: ElasticsearchSpec;
  readonly #client: EsClient;
  readonly #o: Required<Omit<ElasticsearchSourceOptions, 'tables'>>;
  readonly #filter: RegExp[] | undefined;
  readonly #mappings = new Map<string, MappingInfo>();
  #cursor: Promise<'pit' | 'scroll'> | undefined;

  constructor(spec: ElasticsearchSpec, options: ElasticsearchSourceOptions = {}) {
    this.#spec = spec;
    const int = (v: number | undefined, d: number, min: number, name: string) => {
      if (v === undefined) return d;
      if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer ≥ ${min}`);
      return v;
    };
    this.#o = {
      full: options.full ?? false,
      sampleRows: int(options.sampleRows ?? spec.sampleRows, 1000, 1, 'sampleRows'),
      rangeRows: int(options.rangeRows, 100_000, 1, 'rangeRows'),
      batchRows: Math.min(MAX_WINDOW, int(options.batchRows, 500, 1, 'batchRows')),
      maxSlices: int(options.maxSlices, 32, 1, 'maxSlices'),
      statementTimeoutMs: int(options.statementTimeoutMs, 30_000, 1, 'statementTimeoutMs'),
      retries: int(options.retries, 3, 0, 'retries'),
      retryDelayMs: int(options.retryDelayMs, 200, 0, 'retryDelayMs'),
      sampleSeed: int(options.sampleSeed, 0, 0, 'sampleSeed'),
      keepAlive: options.keepAlive ?? '5m',
      cursor: options.cursor ?? 'auto',
    };
    const patterns = options.tables ?? spec.tables;
    this.#filter = patterns?.map(globToRegExp);
    this.#client = new EsClient(spec, {
      requestTimeoutMs: this.#o.statementTimeoutMs,
      retries: this.#o.retries,
      retryDelayMs: this.#o.retryDelayMs,
    });
  }

  /** The redacted URL of this source. */
  get display(): string {
    return this.#spec.display;
  }

  /**
   * The indices this source scans, with their document counts.
   *
   * @throws {SourceError} `LG_SOURCE_CONNECT` (unreachable, authentication), `LG_SOURCE_UNREADABLE` (a named index
   *   does not exist).
   */
  async indices(signal?: AbortSignal): Promise<EsIndexInfo[]> {
    let rows: Array<Record<string, unknown>>;
    try {
      rows = await this.#client.request<Array<Record<string, unknown>>>({
        method: 'GET',
        path: `/_cat/indices/${encodePattern(this.#spec.indexPattern)}`,
        query: {
          format: 'json',
          bytes: 'b',
          h: 'index,uuid,status,docs.count,docs.deleted,store.size',
          expand_wildcards: 'open',
        },
        signal,
      });
    } catch (e) {
      throw this.#wrap(e, { action: 'list' }, signal);
    }
    const out: EsIndexInfo[] = [];
    for (const r of rows ?? []) {
      const name = String(r.index ?? '');
      if (!name || (r.status !== undefined && r.status !== 'open')) continue;
      if (this.#filter && !this.#filter.some((re) => re.test(name))) continue;
      out.push({
        name,
        uuid: String(r.uuid ?? ''),
        docs: Number(r['docs.count'] ?? 0) || 0,
        deleted: Number(r['docs.deleted'] ?? 0) || 0,
        bytes: Number(r['store.size'] ?? 0) || 0,
      });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async *units(signal?: AbortSignal): AsyncIterable<Unit> {
    signal?.throwIfAborted();
    const list = await this.indices(signal);
    if (list.length > 0)
      await this.#loadMappings(
        list.map((i) => i.name),
        signal,
      );
    for (const ix of list) {
      signal?.throwIfAborted();
      const asset = `${this.#spec.base}/${encodeURIComponent(ix.name)}`;
      const mapping = this.#mappings.get(ix.name);
      const fingerprint = {
        uuid: ix.uuid,
        docs: ix.docs,
        deleted: ix.deleted,
        bytes: ix.bytes,
        ...(mapping ? { mapping: mapping.hash } : {}),
      };
      if (!this.#o.full) {
        const rows = Math.min(this.#o.sampleRows, MAX_WINDOW);
        yield {
          id: `${asset}#sample`,
          kind: 'index',
          asset,
          size: Math.min(ix.docs, rows),
          // The sample's size is part of what was read: a larger `--sample` reads the index again.
          fingerprint: { ...fingerprint, mode: 'sample', sample: rows },
          params: { index: ix.name, mode: 'sample', rows },
        };
        continue;
      }
      const slices =
        this.#spec.slices ?? Math.min(this.#o.maxSlices, Math.max(1, Math.ceil(ix.docs / this.#o.rangeRows)));
      if (slices === 1) {
        yield {
          id: `${asset}#all`,
          kind: 'index',
          asset,
          size: ix.docs,
          fingerprint,
          params: { index: ix.name, mode: 'all' },
        };
        continue;
      }
      for (let i = 0; i < slices; i++) {
        yield {
          id: `${asset}#slice=${i}/${slices}`,
          kind: 'index-slice',
          asset,
          size: Math.ceil(ix.docs / slices),
          fingerprint,
          params: { index: ix.name, mode: 'slice', slice: i, slices },
        };
      }
    }
  }

  /**
   * Read one unit.
   *
   * @throws {SourceError} `LG_SOURCE_FAILED` (connection lost after retries, timeout, cluster errors),
   *   `LG_SOURCE_UNREADABLE` (index gone, no privilege), `LG_SOURCE_CONNECT` (authentication).
   * @throws {TypeError} when the unit was not planned by a source of this cluster.
   */
  async *read(unit: Unit, signal?: AbortSignal): AsyncIterable<Fragment | Problem> {
    signal?.throwIfAborted();
    for await (const item of this.#read(unit, signal)) {
      signal?.throwIfAborted();
      yield item;
    }
  }

  async *#read(unit: Unit, signal?: AbortSignal): AsyncIterable<Fragment | Problem> {
    const p = this.#parseUnit(unit);
    const range = p.mode === 'slice' ? `slice ${p.slice}/${p.slices}` : p.mode;
    const ctx = { action: 'read' as const, index: p.index, range };
    let mapping = this.#mappings.get(p.index);
    if (!mapping) {
      try {
        await this.#loadMappings([p.index], signal);
      } catch (e) {
        throw this.#wrap(e, ctx, signal);
      }
      mapping = this.#mappings.get(p.index)!;
    }
    if (mapping.sourceDisabled) {
      yield {
        problem: 'source-disabled',
        message: `Index "${p.index}" stores no _source: its documents cannot be read back and are not scanned`,
        loc: {},
      };
      return;
    }
    if (p.mode !== 'slice' || p.slice === 0) {
      for (const field of mapping.binary) {
        yield {
          problem: 'binary-skipped',
          message: `Field "${p.index}.${field}" is mapped as binary and is not scanned`,
          loc: { field: `$.${field}` },
        };
      }
    }
    const source = mapping.binary.length > 0 ? { excludes: mapping.binary } : true;
    const state = { ordinal: 0, seen: new Set<string>() };
    if (p.mode === 'sample') {
      yield* this.#readSample(p.index, p.rows, unitSeed(unit.id, this.#o.sampleSeed), source, ctx, state, signal);
      return;
    }
    const slice = p.mode === 'slice' ? { id: p.slice, max: p.slices } : undefined;
    const cursor = await this.#cursorKind(signal).catch((e: unknown) => {
      throw this.#wrap(e, ctx, signal);
    });
    let failures = 0;
    for (;;) {
      try {
        if (cursor === 'pit') yield* this.#pitPass(p.index, slice, source, state, signal);
        else yield* this.#scrollPass(p.index, slice, source, state, signal);
        return;
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        const expired = e instanceof EsHttpError && e.status === 404 && e.type === 'search_context_missing_exception';
        if ((expired || isRetryable(e)) && failures < this.#o.retries) {
          failures++;
          await sleep(this.#o.retryDelayMs * 2 ** (failures - 1), signal);
          continue; // a new pass; documents already yielded are skipped by _id
        }
        throw this.#wrap(e, { ...ctx, attempts: failures + ((e as { attempts?: number }).attempts ?? 1) }, signal);
      }
    }
  }

  async close(): Promise<void> {
    this.#client.close();
  }

  // ─── reading ──────────────────────────────────────────────────────────────

  async *#readSample(
    index: string,
    n: number,
    seed: number,
    source: unknown,
    ctx: WrapContext,
    state: { ordinal: number; seen: Set<string> },
    signal?: AbortSignal,
  ): AsyncIterable<Fragment | Problem> {
    const size = Math.min(n, MAX_WINDOW);
    const path = `/${encodeURIComponent(index)}/_search`;
    let r: SearchResponse;
    try {
      r = await this.#client.request<SearchResponse>({
        method: 'POST',
        path,
        idempotent: true,
        signal,
        body: {
          size,
          track_total_hits: false,
          _source: source,
          query: {
            function_score: {
              query: { match_all: {} },
              random_score: { seed, field: '_seq_no' },
              boost_mode: 'replace',
            },
          },
        },
      });
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (!(e instanceof EsHttpError) || e.status !== 400) throw this.#wrap(e, ctx, signal);
      yield {
        problem: 'sample-fallback',
        message: `Index "${index}" refused a random sample (${e.type ?? 'HTTP 400'}): read the first ${size} documents instead`,
        loc: {},
      };
      try {
        r = await this.#client.request<SearchResponse>({
          method: 'POST',
          path,
          idempotent: true,
          signal,
          body: { size, track_total_hits: false, _source: source, query: { match_all: {} }, sort: ['_doc'] },
        });
      } catch (e2) {
        throw this.#wrap(e2, ctx, signal);
      }
    }
    yield* this.#emit(r.hits?.hits ?? [], state);
  }

  async *#pitPass(
    index: string,
    slice: { id: number; max: number } | undefined,
    source: unknown,
    state: { ordinal: number; seen: Set<string> },
    signal?: AbortSignal,
  ): AsyncIterable<Fragment | Problem> {
    const keepAlive = this.#o.keepAlive;
    const opened = await this.#client.request<{ id?: string }>({
      method: 'POST',
      path: `/${encodeURIComponent(index)}/_pit`,
      query: { keep_alive: keepAlive },
      idempotent: true,
      signal,
    });
    let pitId = String(opened?.id ?? '');
    try {
      let after: unknown[] | undefined;
      for (;;) {
        signal?.throwIfAborted();
        const r = await this.#client.request<SearchResponse>({
          method: 'POST',
          path: '/_search',
          idempotent: true,
          signal,
          body: {
            size: this.#o.batchRows,
            track_total_hits: false,
            _source: source,
            pit: { id: pitId, keep_alive: keepAlive },
            sort: [{ _shard_doc: 'asc' }],
            ...(slice ? { slice } : {}),
            ...(after ? { search_after: after } : {}),
          },
        });
        if (r.pit_id) pitId = r.pit_id;
        const hits = r.hits?.hits ?? [];
        if (hits.length === 0) return;
        yield* this.#emit(hits, state);
        after = hits[hits.length - 1]!.sort;
        if (!after) return;
      }
    } finally {
      // Freed before the read ends (not left to expire): a cluster caps open contexts.
      await this.#client
        .request({ method: 'DELETE', path: '/_pit', body: { id: pitId }, idempotent: false })
        .catch(() => undefined);
    }
  }

  async *#scrollPass(
    index: string,
    slice: { id: number; max: number } | undefined,
    source: unknown,
    state: { ordinal: number; seen: Set<string> },
    signal?: AbortSignal,
  ): AsyncIterable<Fragment | Problem> {
    const keepAlive = this.#o.keepAlive;
    let r = await this.#client.request<SearchResponse>({
      method: 'POST',
      path: `/${encodeURIComponent(index)}/_search`,
      query: { scroll: keepAlive },
      idempotent: true,
      signal,
      body: {
        size: this.#o.batchRows,
        track_total_hits: false,
        _source: source,
        sort: ['_doc'],
        ...(slice ? { slice } : {}),
      },
    });
    let scrollId = r._scroll_id;
    try {
      for (;;) {
        const hits = r.hits?.hits ?? [];
        if (hits.length === 0 || !scrollId) return;
        yield* this.#emit(hits, state);
        signal?.throwIfAborted();
        // Not idempotent: a lost answer would skip a page. A failure restarts the pass instead.
        r = await this.#client.request<SearchResponse>({
          method: 'POST',
          path: '/_search/scroll',
          idempotent: false,
          signal,
          body: { scroll: keepAlive, scroll_id: scrollId },
        });
        if (r._scroll_id) scrollId = r._scroll_id;
      }
    } finally {
      if (scrollId) {
        await this.#client
          .request({ method: 'DELETE', path: '/_search/scroll', body: { scroll_id: [scrollId] }, idempotent: false })
          .catch(() => undefined);
      }
    }
  }

  *#emit(hits: Hit[], state: { ordinal: number; seen: Set<string> }): Generator<Fragment | Problem> {
    for (const hit of hits) {
      const id = String(hit._id ?? '');
      if (state.seen.has(id)) continue;
      state.seen.add(id);
      state.ordinal++;
      const row = state.ordinal;
      const out: Array<Fragment | Problem> = [];
      const sink: FragmentSink = {
        fragment: (text, field, structured) => out.push(makeFragment(text, row, field, id, structured)),
        problem: (problem, message, field) => out.push({ problem, message, loc: { row, field, key: id } }),
      };
      walkJson(hit._source, '$', sink);
      yield* out;
    }
  }

  // ─── cluster facts ────────────────────────────────────────────────────────

  async #loadMappings(names: string[], signal?: AbortSignal): Promise<void> {
    const missing = names.filter((n) => !this.#mappings.has(n));
    if (missing.length === 0) return;
    // One request for all indices; the path stays short enough for any proxy below a few hundred indices.
    const path = missing.length <= 200 ? `/${missing.map(encodeURIComponent).join(',')}/_mapping` : '/_mapping';
    const r = await this.#client.request<Record<string, { mappings?: Record<string, unknown> }>>({
      method: 'GET',
      path,
      signal,
    });
    for (const [name, v] of Object.entries(r ?? {})) {
      let m = (v?.mappings ?? {}) as Record<string, unknown>;
      // Elasticsearch 6 nests mappings under a type name (`_doc`): unwrap the single type.
      const keys = Object.keys(m);
      if (!('properties' in m) && keys.length === 1 && typeof m[keys[0]!] === 'object') {
        m = m[keys[0]!] as Record<string, unknown>;
      }
      const binary: string[] = [];
      collectBinary((m.properties ?? {}) as Record<string, unknown>, '', binary);
      this.#mappings.set(name, {
        hash: createHash('sha256').update(JSON.stringify(m)).digest('hex').slice(0, 16),
        sourceDisabled: (m._source as { enabled?: unknown } | undefined)?.enabled === false,
        binary,
      });
    }
    for (const n of missing) {
      if (!this.#mappings.has(n)) this.#mappings.set(n, { hash: '', sourceDisabled: false, binary: [] });
    }
  }

  /** PIT + `search_after` on Elasticsearch ≥ 7.15 (`_shard_doc`, sliced PIT), scroll otherwise (older, OpenSearch). */
  #cursorKind(signal?: AbortSignal): Promise<'pit' | 'scroll'> {
    if (this.#o.cursor !== 'auto') return Promise.resolve(this.#o.cursor);
    if (!this.#cursor) {
      this.#cursor = this.#client
        .request<{ version?: { number?: string; distribution?: string } }>({ method: 'GET', path: '/', signal })
        .then((info) => {
          const v = info?.version;
          if (v?.distribution === 'opensearch') return 'scroll';
          // `major.minor` at the start of a version string. Example match: `8.13` in `8.13.4`. Does not match
          // a version without a minor part, which falls back to scroll.
          const m = /^([0-9]{1,4})\.([0-9]{1,4})/.exec(v?.number ?? '');
          if (!m) return 'scroll';
          const major = Number(m[1]);
          const minor = Number(m[2]);
          // `_shard_doc` tiebreaker: 7.12; slicing a point in time (elasticsearch#74457): 7.15.
          return major > 7 || (major === 7 && minor >= 15) ? 'pit' : 'scroll';
        });
      this.#cursor.catch(() => {
        this.#cursor = undefined;
      });
    }
    return this.#cursor;
  }

  #parseUnit(unit: Unit): { index: string; mode: Mode; rows: number; slice: number; slices: number } {
    const bad = (why: string) => new TypeError(`Unit "${unit.id}" cannot be read by source "${this.display}": ${why}`);
    if (typeof unit.asset !== 'string' || !unit.asset.startsWith(`${this.#spec.base}/`))
      throw bad('it belongs to another cluster');
    const p = unit.params ?? {};
    const mode = p.mode as Mode;
    if (typeof p.index !== 'string' || p.index.length === 0 || !['sample', 'all', 'slice'].includes(mode)) {
      throw bad('its params lack index or mode');
    }
    const rows = p.rows ?? this.#o.sampleRows;
    const slice = p.slice ?? 0;
    const slices = p.slices ?? 1;
    if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 1) throw bad('bad rows');
    if (
      mode === 'slice' &&
      (typeof slice !== 'number' ||
        typeof slices !== 'number' ||
        !Number.isInteger(slice) ||
        !Number.isInteger(slices) ||
        slices < 2 ||
        slice < 0 ||
        slice >= slices)
    ) {
      throw bad('bad slice');
    }
    return { index: p.index, mode, rows, slice: Number(slice), slices: Number(slices) };
  }

  #wrap(e: unknown, ctx: WrapContext, signal?: AbortSignal): unknown {
    if (signal?.aborted) return signal.reason;
    if (isLeakguardError(e)) return e;
    const display = this.display;
    const what =
      ctx.action === 'list'
        ? `Cannot list the indices of "${display}"`
        : `Cannot read index "${ctx.index}"${ctx.range === 'sample' ? ' (sample)' : ctx.range === 'all' ? '' : ` ${ctx.range}`} from "${display}"`;
    let code: ErrorCode = 'LG_SOURCE_FAILED';
    let reason: string;
    const attempts = ctx.attempts ?? (e as { attempts?: number }).attempts;
    if (e instanceof EsHttpError) {
      reason = `HTTP ${e.status}${e.type ? ` (${e.type})` : ''}`;
      if (e.status === 401) {
        code = 'LG_SOURCE_CONNECT';
        reason = `authentication failed (${reason})`;
      } else if (e.status === 403) {
        code = 'LG_SOURCE_UNREADABLE';
        reason = `permission denied (${reason})`;
      } else if (e.status === 404 && e.type === 'index_not_found_exception') {
        code = 'LG_SOURCE_UNREADABLE';
        reason = `index does not exist (${reason})`;
      }
    } else if (e instanceof EsTimeoutError) {
      reason = `request timed out after ${this.#o.statementTimeoutMs} ms`;
    } else if (isNetworkError(e)) {
      const c = String((e as { code?: unknown }).code);
      if (c === 'ECONNREFUSED' || c === 'ENOTFOUND' || c === 'EAI_AGAIN') {
        code = 'LG_SOURCE_CONNECT';
        return new SourceError(
          code,
          `Cannot connect to Elasticsearch at "${display}": ${c === 'ECONNREFUSED' ? 'connection refused' : 'host not found'} (${c})`,
          { cause: e },
        );
      }
      reason = `connection lost (${c})`;
    } else {
      reason = 'unexpected error';
    }
    if (attempts !== undefined && attempts > 1) reason += ` after ${attempts} attempts`;
    return new SourceError(code, `${what}: ${reason}`, {
      cause: e,
      ...(ctx.index ? { location: { field: ctx.index } } : {}),
    });
  }
}

interface WrapContext {
  action: 'list' | 'read';
  index?: string;
  range?: string;
  attempts?: number;
}

/** Paths of fields mapped `binary` (`photo`, `scan.image`). */
function collectBinary(props: Record<string, unknown>, prefix: string, out: string[]): void {
  for (const [k, v] of Object.entries(props)) {
    const m = v as { type?: unknown; properties?: Record<string, unknown> };
    const path = prefix ? `${prefix}.${k}` : k;
    if (m?.type === 'binary') out.push(path);
    if (m?.properties) collectBinary(m.properties, path, out);
  }
}

/** An index pattern for a URL path: each name percent-encoded, `*` and `,` kept. */
function encodePattern(pattern: string): string {
  return pattern
    .split(',')
    .map((p) => p.split('*').map(encodeURIComponent).join('*'))
    .join(',');
}

/** A `*` glob as an anchored RegExp. */
function globToRegExp(glob: string): RegExp {
  // ECMAScript syntax characters except `*`, escaped. Example match: `.` in `logs.2024`. Does not match `*`.
  return new RegExp(
    `^${glob
      .replace(/\*{2,}/g, '*')
      .split('*')
      .map((s) => s.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))
      .join('.*')}$`,
  );
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A source over an Elasticsearch or OpenSearch cluster.
 *
 * @throws {UsageError} `LG_USAGE` when the URL does not parse.
 * @example
 * const source = createElasticsearchSource('es+https://scanner@es.internal:9200/crm-*?passwordEnv=ES_PASSWORD', { full: true })
 */
export function createElasticsearchSource(
  url: string | ElasticsearchSpec,
  options: ElasticsearchSourceOptions = {},
): ElasticsearchSource {
  const spec = typeof url === 'string' ? parseDbUrl(url) : url;
  if (spec.kind !== 'elasticsearch') {
    throw new TypeError(`createElasticsearchSource needs an es+http:// or es+https:// URL, got ${spec.kind}`);
  }
  return new ElasticsearchSource(spec, options);
}
