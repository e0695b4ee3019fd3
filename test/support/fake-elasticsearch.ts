/**
 * A small, protocol-faithful fake of the Elasticsearch REST API for tests, on 127.0.0.1 and a random port.
 *
 * No Elasticsearch or OpenSearch server can be installed in leakguard's test environment, so the Elasticsearch
 * source (and later the Guard and Audit features) are tested against this module. It implements the parts of the
 * API those features use, with Elasticsearch 8's request and response shapes, status codes and JSON error bodies:
 *
 * - `GET /` (cluster info, `X-Elastic-Product` header), `HEAD /`
 * - `GET /_cat/indices[/<pattern>]` (`format=json`, `h=`, `bytes=b`, `expand_wildcards`; text table otherwise)
 * - `PUT /<index>` (mappings, `_source.enabled`), `DELETE /<index>`, `POST /<index>/_refresh`
 * - `GET /<pattern>/_mapping`, `GET /_mapping`
 * - `POST|GET /<pattern>/_search` and `/_search`: `size`, `from` (with the 10,000 result window), `query`
 *   (`match_all`, `match_none`, `ids`, `term`, `bool.must/filter`, `function_score` with `random_score`
 *   {seed, field}), `sort` (`_doc`, `_shard_doc`, `_score`, field sorts), `search_after`, `slice` {id, max},
 *   `_source` (bool, includes/excludes with `*`), `track_total_hits`, `?scroll=`, `pit` {id, keep_alive}
 * - `POST|GET /_search/scroll`, `DELETE /_search/scroll` (body, `_all`, or id in the path)
 * - `POST /<pattern>/_pit?keep_alive=`, `DELETE /_pit` (can be switched off to mimic servers before 7.10)
 * - `GET|POST /<pattern>/_count`
 * - `POST /_bulk`, `POST /<index>/_bulk` (NDJSON `index`, `create`, `update` with `doc`, `delete`),
 *   `PUT|POST /<index>/_doc/<id>`, `POST /<index>/_doc`, `GET /<index>/_doc/<id>`
 * - index patterns with `*` and comma lists; dot-prefixed (hidden) indices only when named or with
 *   `expand_wildcards=all`; dynamic mappings inferred from indexed documents
 * - errors in Elasticsearch's shape, `{ "error": { "root_cause": […], "type", "reason" }, "status" }`, with its
 *   status codes (400 parsing/illegal argument, 401 with `WWW-Authenticate`, 404 index or search context missing,
 *   405)
 * - optional basic-auth or API-key requirement; every request recorded; fault injection (drop the connection or
 *   answer an error status for the next n matching requests)
 *
 * Request bodies are parsed with `JSON.parse`, so numbers beyond 2^53 sent over HTTP are rounded; seed documents
 * may hold `bigint` values, which responses carry as exact digits (a real `long`).
 *
 * Point-in-time and scroll contexts are snapshots taken when opened, so documents indexed afterwards are not
 * seen, as on a real cluster. Everything lives in one shard per index; `_shard_doc` values are document ordinals.
 *
 * @example
 * const es = await start({ seed: { users: { docs: [{ _id: 'u1', phone: '13800138000' }] } } });
 * await fetch(`${es.url}/users/_search`, { method: 'POST', body: '{"size":1}', headers: { 'content-type': 'application/json' } });
 * await es.close();
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A field mapping (`{ type: 'keyword' }`, `{ properties: {...} }`). */
export type FakeMapping = Record<string, unknown>;

/** Seed data for one index. `_id` in a document is its id (Elasticsearch refuses `_id` inside a source). */
export interface FakeIndexSeed {
  mappings?: { properties?: Record<string, FakeMapping>; _source?: { enabled?: boolean }; dynamic?: unknown };
  docs?: ReadonlyArray<Record<string, unknown>>;
}

/** Options of {@link start}. */
export interface FakeElasticsearchOptions {
  /** Require credentials: basic auth, or an API key sent as `Authorization: ApiKey <apiKey>`. */
  auth?: { username: string; password: string } | { apiKey: string };
  /** Indices to create, with mappings and documents. */
  seed?: Readonly<Record<string, FakeIndexSeed>>;
  /** `version.number` reported by `GET /` (default `8.13.4`). */
  version?: string;
  /** `version.distribution` (OpenSearch reports `opensearch`). */
  distribution?: 'elasticsearch' | 'opensearch';
  /** Whether `_pit` endpoints exist (default true; false mimics clusters before 7.10). */
  pit?: boolean;
}

/** One recorded request (the authorization header is reduced to its scheme). */
export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  auth?: string;
}

/** A fault to inject. */
export interface FakeFault {
  method?: string;
  /** Path to match (a string matches exactly, a RegExp anywhere). */
  path: string | RegExp;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Answer with this status and an Elasticsearch error body… */
  status?: number;
  /** …of this error type (default by status). */
  type?: string;
  /** …or destroy the connection without answering. */
  drop?: boolean;
}

/** A running fake cluster. */
export interface FakeElasticsearch {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: FakeRequest[];
  /** Make the next matching request(s) fail. */
  fail(fault: FakeFault): void;
  /** Forget faults not yet triggered. */
  clearFaults(): void;
  /** Open scroll and point-in-time contexts (to check that clients free them). */
  openContexts(): { scrolls: number; pits: number };
  /** Index documents directly (ids generated when missing). */
  index(name: string, docs: ReadonlyArray<Record<string, unknown>>): void;
  close(): Promise<void>;
}

interface Doc {
  id: string;
  source: Record<string, unknown>;
  seqNo: number;
}

interface Index {
  name: string;
  uuid: string;
  mappings: { properties: Record<string, FakeMapping>; _source?: { enabled?: boolean } };
  docs: Map<string, Doc>;
  deleted: number;
  seqNo: number;
}

interface Hit {
  doc: Doc;
  index: Index;
  ordinal: number;
  score: number;
}

interface Context {
  hits: Hit[];
  position: number;
  size: number;
  source: unknown;
  expires: number;
  keepAliveMs: number;
}

interface Pit {
  indices: Array<{ index: Index; docs: Doc[] }>;
  expires: number;
}

class EsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(reason);
  }
}

const MAX_RESULT_WINDOW = 10_000;

/** Start a fake cluster. */
export async function start(options: FakeElasticsearchOptions = {}): Promise<FakeElasticsearch> {
  const indices = new Map<string, Index>();
  const scrolls = new Map<string, Context>();
  const pits = new Map<string, Pit>();
  const requests: FakeRequest[] = [];
  const faults: Array<FakeFault & { left: number }> = [];
  const sockets = new Set<Socket>();
  const pitEnabled = options.pit ?? true;

  const createIndex = (name: string, seed: FakeIndexSeed = {}): Index => {
    validateIndexName(name);
    if (indices.has(name)) {
      throw new EsError(400, 'resource_already_exists_exception', `index [${name}/${uuid()}] already exists`, {
        index: name,
      });
    }
    const ix: Index = {
      name,
      uuid: uuid(),
      mappings: {
        properties: structuredClone(seed.mappings?.properties ?? {}),
        ...(seed.mappings?._source ? { _source: seed.mappings._source } : {}),
      },
      docs: new Map(),
      deleted: 0,
      seqNo: 0,
    };
    indices.set(name, ix);
    return ix;
  };

  const put = (
    ix: Index,
    id: string | undefined,
    source: Record<string, unknown>,
  ): { id: string; created: boolean } => {
    if ('_id' in source) {
      throw new EsError(
        400,
        'document_parsing_exception',
        '[1:1] Field [_id] is a metadata field and cannot be added inside a document',
      );
    }
    const docId = id ?? randomBytes(15).toString('base64url');
    const created = !ix.docs.has(docId);
    if (!created) ix.deleted++;
    ix.docs.delete(docId); // an update re-appends, as a Lucene update does (delete + add)
    ix.docs.set(docId, { id: docId, source: structuredClone(source), seqNo: ix.seqNo++ });
    inferMapping(ix.mappings.properties, source);
    return { id: docId, created };
  };

  const seedIndex = (name: string, docs: ReadonlyArray<Record<string, unknown>>) => {
    const ix = indices.get(name) ?? createIndex(name);
    for (const d of docs) {
      const { _id, ...source } = d;
      put(ix, _id === undefined ? undefined : String(_id), source);
    }
  };

  for (const [name, seed] of Object.entries(options.seed ?? {})) {
    createIndex(name, seed);
    seedIndex(name, seed.docs ?? []);
  }

  /** Resolve an index expression to indices (`a,b*`, `*`, `_all`). */
  const resolve = (expr: string | undefined, query: Record<string, string>, allowNoIndices = true): Index[] => {
    const parts = !expr || expr === '_all' ? ['*'] : expr.split(',').filter((p) => p.length > 0);
    const all = query.expand_wildcards === 'all' || query.expand_wildcards === 'hidden';
    const out = new Map<string, Index>();
    for (const p of parts) {
      if (p.startsWith('-')) {
        const re = glob(p.slice(1));
        for (const k of [...out.keys()]) if (re.test(k)) out.delete(k);
        continue;
      }
      if (p.includes('*')) {
        const re = glob(p);
        for (const ix of indices.values()) {
          if (re.test(ix.name) && (all || !ix.name.startsWith('.') || p.startsWith('.'))) out.set(ix.name, ix);
        }
        continue;
      }
      const ix = indices.get(p);
      if (!ix) {
        if (query.ignore_unavailable === 'true') continue;
        throw new EsError(404, 'index_not_found_exception', `no such index [${p}]`, {
          'resource.type': 'index_or_alias',
          'resource.id': p,
          index_uuid: '_na_',
          index: p,
        });
      }
      out.set(p, ix);
    }
    if (out.size === 0 && !allowNoIndices) {
      throw new EsError(404, 'index_not_found_exception', `no such index [${expr}]`, { index: expr });
    }
    return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  };

  const checkAuth = (req: IncomingMessage): void => {
    const a = options.auth;
    if (!a) return;
    const header = req.headers.authorization ?? '';
    const ok =
      'apiKey' in a
        ? header === `ApiKey ${a.apiKey}`
        : header === `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
    if (ok) return;
    const reason = header
      ? `unable to authenticate user for REST request [${req.url ?? '/'}]`
      : `missing authentication credentials for REST request [${req.url ?? '/'}]`;
    throw new EsError(401, 'security_exception', reason, {
      header: { 'WWW-Authenticate': ['Basic realm="security" charset="UTF-8"', 'ApiKey'] },
    });
  };

  const search = (
    targets: Index[] | Pit,
    body: Record<string, unknown>,
    query: Record<string, string>,
  ): Record<string, unknown> => {
    const size = intOf(body.size ?? query.size, 10, 'size');
    const from = intOf(body.from ?? query.from, 0, 'from');
    if (from + size > MAX_RESULT_WINDOW && query.scroll === undefined && body.search_after === undefined) {
      throw new EsError(
        400,
        'illegal_argument_exception',
        `Result window is too large, from + size must be less than or equal to: [${MAX_RESULT_WINDOW}] but was [${from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`,
      );
    }
    if (query.scroll !== undefined && body.from !== undefined && from > 0) {
      throw new EsError(
        400,
        'action_request_validation_exception',
        'Validation Failed: 1: using [from] is not allowed in a scroll context;',
      );
    }
    const sets = Array.isArray(targets)
      ? targets.map((index) => ({ index, docs: [...index.docs.values()] }))
      : targets.indices;
    const matcher = compileQuery(body.query);
    const random = randomScorer(body.query);
    let hits: Hit[] = [];
    let base = 0;
    for (const { index, docs } of sets) {
      docs.forEach((doc, i) => {
        if (matcher(doc)) hits.push({ doc, index, ordinal: base + i, score: random ? random(doc) : 1 });
      });
      // Each index is its own shard: `_shard_doc` = shard << 32 | doc, as Elasticsearch encodes it.
      base += 2 ** 32;
    }
    const slice = body.slice as { id?: unknown; max?: unknown } | undefined;
    if (slice !== undefined) {
      const id = Number(slice.id);
      const max = Number(slice.max);
      if (!Number.isInteger(max) || max <= 1)
        throw new EsError(400, 'illegal_argument_exception', 'max must be greater than 1');
      if (!Number.isInteger(id) || id < 0 || id >= max) {
        throw new EsError(400, 'illegal_argument_exception', 'max must be greater than id');
      }
      hits = hits.filter((h) => fnv1a(h.doc.id) % max === id);
    }
    const sorts = normalizeSort(body.sort, !Array.isArray(targets));
    hits.sort((a, b) => compareHits(a, b, sorts));
    if (body.search_after !== undefined) {
      const after = body.search_after;
      if (!Array.isArray(after) || after.length !== sorts.length) {
        throw new EsError(
          400,
          'illegal_argument_exception',
          `search_after has ${Array.isArray(after) ? after.length : 0} value(s) but sort has ${sorts.length}.`,
        );
      }
      hits = hits.filter((h) => compareToValues(h, sorts, after) > 0);
    }
    const total = hits.length;
    const page = query.scroll !== undefined ? hits.slice(0, size) : hits.slice(from, from + size);
    const out: Record<string, unknown> = {
      took: 1,
      timed_out: false,
      _shards: { total: sets.length, successful: sets.length, skipped: 0, failed: 0 },
      hits: {
        ...(body.track_total_hits === false
          ? {}
          : {
              total:
                body.track_total_hits === true || total <= MAX_RESULT_WINDOW
                  ? { value: total, relation: 'eq' }
                  : { value: MAX_RESULT_WINDOW, relation: 'gte' },
            }),
        max_score: sorts.some((s) => s.field !== '_score') ? null : (page[0]?.score ?? null),
        hits: page.map((h) => renderHit(h, body._source, sorts)),
      },
    };
    if (query.scroll !== undefined) {
      const id = Buffer.from(`scroll:${uuid()}`).toString('base64');
      const keepAliveMs = duration(query.scroll);
      scrolls.set(id, {
        hits,
        position: page.length,
        size,
        source: body._source,
        expires: Date.now() + keepAliveMs,
        keepAliveMs,
      });
      out._scroll_id = id;
    }
    return out;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> => {
    const u = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(u.searchParams);
    const method = (req.method ?? 'GET').toUpperCase();
    const segments = u.pathname
      .split('/')
      .filter((s) => s.length > 0)
      .map(decodeURIComponent);
    let body: unknown;
    const isNdjson = segments.at(-1) === '_bulk';
    if (raw.length > 0 && !isNdjson) {
      try {
        body = JSON.parse(raw);
      } catch {
        throw new EsError(400, 'parsing_exception', 'Unexpected character: was expecting a JSON value');
      }
    }
    const auth = req.headers.authorization?.split(' ')[0];
    requests.push({ method, path: u.pathname, query, body: isNdjson ? raw : body, ...(auth ? { auth } : {}) });
    const fault = faults.find((f) => f.left > 0 && (!f.method || f.method === method) && matches(f.path, u.pathname));
    if (fault) {
      fault.left--;
      if (fault.drop) {
        req.socket.destroy();
        return;
      }
      const status = fault.status ?? 503;
      throw new EsError(
        status,
        fault.type ?? (status === 429 ? 'es_rejected_execution_exception' : 'unavailable_shards_exception'),
        'injected fault',
      );
    }
    checkAuth(req);
    const b = (body ?? {}) as Record<string, unknown>;
    const send = (status: number, payload: unknown) => reply(res, status, payload);
    const [first, second, third] = segments;

    if (segments.length === 0) {
      if (method === 'HEAD') return send(200, undefined);
      if (method !== 'GET') throw methodNotAllowed(method, u.pathname);
      return send(200, {
        name: 'fake-node-1',
        cluster_name: 'leakguard-fake',
        cluster_uuid: 'fake-cluster-uuid',
        version: {
          number: options.version ?? '8.13.4',
          ...(options.distribution ? { distribution: options.distribution } : {}),
          build_flavor: 'default',
          lucene_version: '9.10.0',
          minimum_wire_compatibility_version: '7.17.0',
          minimum_index_compatibility_version: '7.0.0',
        },
        tagline: 'You Know, for Search',
      });
    }
    if (first === '_cat' && second === 'indices') {
      const list = resolve(third, query);
      const open = list.filter(Boolean);
      const cols = (
        query.h ?? 'health,status,index,uuid,pri,rep,docs.count,docs.deleted,store.size,pri.store.size'
      ).split(',');
      const rows = open.map((ix) => {
        const size = JSON.stringify(
          [...ix.docs.values()].map((d) => d.source),
          (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v),
        ).length;
        const all: Record<string, string> = {
          health: 'green',
          status: 'open',
          index: ix.name,
          uuid: ix.uuid,
          pri: '1',
          rep: '0',
          'docs.count': String(ix.docs.size),
          'docs.deleted': String(ix.deleted),
          'store.size': query.bytes === 'b' ? String(size) : `${(size / 1024).toFixed(1)}kb`,
          'pri.store.size': query.bytes === 'b' ? String(size) : `${(size / 1024).toFixed(1)}kb`,
        };
        return Object.fromEntries(cols.map((c) => [c, all[c] ?? '']));
      });
      if (query.format === 'json') return send(200, rows);
      res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8', 'x-elastic-product': 'Elasticsearch' });
      res.end(rows.map((r) => `${Object.values(r).join(' ')}\n`).join(''));
      return;
    }
    if (first === '_search' && second === 'scroll') {
      if (method === 'DELETE') {
        const ids = third === '_all' ? [...scrolls.keys()] : third ? [third] : toList(b.scroll_id);
        let freed = 0;
        for (const id of ids) if (scrolls.delete(id)) freed++;
        return send(freed > 0 || ids.length === 0 ? 200 : 404, { succeeded: true, num_freed: freed });
      }
      if (method !== 'POST' && method !== 'GET') throw methodNotAllowed(method, u.pathname);
      const id = String(b.scroll_id ?? query.scroll_id ?? third ?? '');
      const ctx = scrolls.get(id);
      if (!ctx || ctx.expires < Date.now()) {
        scrolls.delete(id);
        throw new EsError(
          404,
          'search_context_missing_exception',
          `No search context found for id [${id.slice(0, 12)}]`,
        );
      }
      const keep = (b.scroll ?? query.scroll) as string | undefined;
      if (keep !== undefined) ctx.keepAliveMs = duration(keep);
      ctx.expires = Date.now() + ctx.keepAliveMs;
      const page = ctx.hits.slice(ctx.position, ctx.position + ctx.size);
      ctx.position += page.length;
      return send(200, {
        _scroll_id: id,
        took: 1,
        timed_out: false,
        _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
        hits: {
          total: { value: ctx.hits.length, relation: 'eq' },
          max_score: null,
          hits: page.map((h) => renderHit(h, ctx.source, [{ field: '_doc', order: 'asc' }])),
        },
      });
    }
    if (first === '_pit' && segments.length === 1) {
      if (!pitEnabled) throw noHandler(method, req.url ?? '');
      if (method !== 'DELETE') throw methodNotAllowed(method, u.pathname);
      const id = String(b.id ?? '');
      const existed = pits.delete(id);
      if (!existed)
        throw new EsError(
          404,
          'search_context_missing_exception',
          `No search context found for id [${id.slice(0, 12)}]`,
        );
      return send(200, { succeeded: true, num_freed: 1 });
    }
    if (first === '_search' && segments.length === 1) {
      if (method !== 'POST' && method !== 'GET') throw methodNotAllowed(method, u.pathname);
      const pitRef = b.pit as { id?: unknown; keep_alive?: unknown } | undefined;
      if (pitRef !== undefined) {
        if (!pitEnabled) throw new EsError(400, 'parsing_exception', 'Unknown key for a START_OBJECT in [pit].');
        const pit = pits.get(String(pitRef.id ?? ''));
        if (!pit || pit.expires < Date.now()) {
          throw new EsError(404, 'search_context_missing_exception', 'No search context found for id [pit]');
        }
        if (pitRef.keep_alive !== undefined) pit.expires = Date.now() + duration(String(pitRef.keep_alive));
        if (query.scroll !== undefined)
          throw new EsError(
            400,
            'action_request_validation_exception',
            'Validation Failed: 1: using [point in time] is not allowed in a scroll context;',
          );
        return send(200, { ...search(pit, b, query), pit_id: String(pitRef.id) });
      }
      return send(200, search(resolve('*', query), b, query));
    }
    if (first === '_bulk' || second === '_bulk') {
      if (method !== 'POST' && method !== 'PUT') throw methodNotAllowed(method, u.pathname);
      return send(200, bulk(raw, second === '_bulk' ? first : undefined));
    }
    if (first === '_mapping' && segments.length === 1) {
      return send(200, mappingsOf(resolve('*', query)));
    }
    if (first === undefined || first.startsWith('_')) throw noHandler(method, req.url ?? '');
    // /<index>[/<api>…]
    if (segments.length === 1) {
      if (method === 'PUT') {
        createIndex(first, b as FakeIndexSeed);
        return send(200, { acknowledged: true, shards_acknowledged: true, index: first });
      }
      if (method === 'DELETE') {
        for (const ix of resolve(first, query, false)) indices.delete(ix.name);
        return send(200, { acknowledged: true });
      }
      if (method === 'HEAD') return send(indices.has(first) ? 200 : 404, undefined);
      if (method === 'GET') {
        const list = resolve(first, query, false);
        return send(
          200,
          Object.fromEntries(list.map((ix) => [ix.name, { aliases: {}, mappings: ix.mappings, settings: {} }])),
        );
      }
      throw methodNotAllowed(method, u.pathname);
    }
    switch (second) {
      case '_mapping':
        if (method !== 'GET') throw methodNotAllowed(method, u.pathname);
        return send(200, mappingsOf(resolve(first, query, false)));
      case '_refresh':
        return send(200, { _shards: { total: 1, successful: 1, failed: 0 } });
      case '_count': {
        const list = resolve(first, query);
        const m = compileQuery(b.query);
        let count = 0;
        for (const ix of list) for (const d of ix.docs.values()) if (m(d)) count++;
        return send(200, { count, _shards: { total: list.length, successful: list.length, skipped: 0, failed: 0 } });
      }
      case '_search': {
        if (method !== 'POST' && method !== 'GET') throw methodNotAllowed(method, u.pathname);
        if (b.pit !== undefined) {
          throw new EsError(
            400,
            'action_request_validation_exception',
            'Validation Failed: 1: [indices] cannot be used with point in time. Do not specify any index with point in time.;',
          );
        }
        return send(200, search(resolve(first, query), b, query));
      }
      case '_pit': {
        if (!pitEnabled) throw noHandler(method, req.url ?? '');
        if (method !== 'POST') throw methodNotAllowed(method, u.pathname);
        if (query.keep_alive === undefined) {
          throw new EsError(
            400,
            'action_request_validation_exception',
            'Validation Failed: 1: [keep_alive] is not specified;',
          );
        }
        const list = resolve(first, query, false);
        const id = Buffer.from(`pit:${uuid()}`).toString('base64');
        pits.set(id, {
          indices: list.map((index) => ({ index, docs: [...index.docs.values()] })),
          expires: Date.now() + duration(query.keep_alive),
        });
        return send(200, { id, _shards: { total: list.length, successful: list.length, skipped: 0, failed: 0 } });
      }
      case '_doc': {
        const ix = indices.get(first) ?? (method === 'GET' ? undefined : createIndex(first));
        if (!ix) throw new EsError(404, 'index_not_found_exception', `no such index [${first}]`, { index: first });
        if (method === 'GET') {
          const d = third ? ix.docs.get(third) : undefined;
          return send(
            d ? 200 : 404,
            d
              ? {
                  _index: ix.name,
                  _id: d.id,
                  _version: 1,
                  _seq_no: d.seqNo,
                  _primary_term: 1,
                  found: true,
                  _source: d.source,
                }
              : { _index: ix.name, _id: third, found: false },
          );
        }
        if (method === 'DELETE') {
          const existed = third !== undefined && ix.docs.delete(third);
          if (existed) ix.deleted++;
          return send(existed ? 200 : 404, { _index: ix.name, _id: third, result: existed ? 'deleted' : 'not_found' });
        }
        if (method !== 'PUT' && method !== 'POST') throw methodNotAllowed(method, u.pathname);
        const r = put(ix, third, b);
        return send(r.created ? 201 : 200, {
          _index: ix.name,
          _id: r.id,
          _version: 1,
          result: r.created ? 'created' : 'updated',
          _shards: { total: 1, successful: 1, failed: 0 },
        });
      }
      default:
        throw noHandler(method, req.url ?? '');
    }
  };

  const bulk = (raw: string, defaultIndex: string | undefined): Record<string, unknown> => {
    const lines = raw.split('\n').filter((l) => l.trim().length > 0);
    const items: unknown[] = [];
    let errors = false;
    for (let i = 0; i < lines.length; i++) {
      let action: Record<string, Record<string, unknown>>;
      try {
        action = JSON.parse(lines[i]!);
      } catch {
        throw new EsError(400, 'x_content_parse_exception', `[${i + 1}:1] Unexpected character`);
      }
      const op = Object.keys(action)[0] ?? '';
      const meta = action[op] ?? {};
      const indexName = String(meta._index ?? defaultIndex ?? '');
      if (!['index', 'create', 'update', 'delete'].includes(op)) {
        throw new EsError(
          400,
          'illegal_argument_exception',
          `Malformed action/metadata line [${i + 1}], expected one of [create, delete, index, update] but found [${op}]`,
        );
      }
      if (!indexName)
        throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: index is missing;');
      const id = meta._id === undefined ? undefined : String(meta._id);
      if (op === 'delete') {
        const ix = indices.get(indexName);
        const existed = !!ix && id !== undefined && ix.docs.delete(id);
        if (existed && ix) ix.deleted++;
        items.push({
          delete: {
            _index: indexName,
            _id: id,
            status: existed ? 200 : 404,
            result: existed ? 'deleted' : 'not_found',
          },
        });
        continue;
      }
      const sourceLine = lines[++i];
      let source: Record<string, unknown>;
      try {
        source = JSON.parse(sourceLine ?? 'null');
      } catch {
        throw new EsError(400, 'x_content_parse_exception', `[${i + 1}:1] Unexpected character`);
      }
      const ix = indices.get(indexName) ?? createIndex(indexName);
      if (op === 'create' && id !== undefined && ix.docs.has(id)) {
        errors = true;
        items.push({
          create: {
            _index: indexName,
            _id: id,
            status: 409,
            error: {
              type: 'version_conflict_engine_exception',
              reason: `[${id}]: version conflict, document already exists`,
            },
          },
        });
        continue;
      }
      if (op === 'update') {
        const existing = id === undefined ? undefined : ix.docs.get(id);
        if (!existing) {
          errors = true;
          items.push({
            update: {
              _index: indexName,
              _id: id,
              status: 404,
              error: { type: 'document_missing_exception', reason: `[${id}]: document missing` },
            },
          });
          continue;
        }
        const r = put(ix, id, { ...existing.source, ...((source as { doc?: Record<string, unknown> }).doc ?? {}) });
        items.push({ update: { _index: indexName, _id: r.id, status: 200, result: 'updated' } });
        continue;
      }
      try {
        const r = put(ix, id, source ?? {});
        items.push({
          [op]: {
            _index: indexName,
            _id: r.id,
            _version: 1,
            result: r.created ? 'created' : 'updated',
            status: r.created ? 201 : 200,
          },
        });
      } catch (e) {
        if (!(e instanceof EsError)) throw e;
        errors = true;
        items.push({
          [op]: { _index: indexName, _id: id, status: e.status, error: { type: e.type, reason: e.reason } },
        });
      }
    }
    return { took: 1, errors, items };
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((e: unknown) => {
        if (res.headersSent || req.socket.destroyed) return;
        if (e instanceof EsError) {
          const cause = { type: e.type, reason: e.reason, ...e.extra };
          if (e.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="security" charset="UTF-8"');
          reply(res, e.status, { error: { root_cause: [cause], ...cause }, status: e.status });
          return;
        }
        if (e instanceof Error && e.message.startsWith('no handler')) {
          reply(res, 400, { error: e.message, status: 400 });
          return;
        }
        reply(res, 500, { error: { root_cause: [], type: 'exception', reason: String(e) }, status: 500 });
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fail(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    openContexts() {
      const now = Date.now();
      return {
        scrolls: [...scrolls.values()].filter((c) => c.expires >= now).length,
        pits: [...pits.values()].filter((p) => p.expires >= now).length,
      };
    },
    index(name, docs) {
      seedIndex(name, docs);
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ─── helpers ──────────────────────────────────────────────────────────────────

function reply(res: ServerResponse, status: number, payload: unknown): void {
  // Seeded bigints go out as bare digits, as a real cluster returns a 19-digit `long`.
  const body =
    payload === undefined
      ? ''
      : JSON.stringify(payload, (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000big:${v}` : v)).replace(
          // The marker the replacer wrote, quoted. Example match: `"\u0000big:42"`. Does not match other strings.
          /"\\u0000big:(-?[0-9]{1,40})"/g,
          '$1',
        );
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-elastic-product': 'Elasticsearch',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function uuid(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

function matches(p: string | RegExp, path: string): boolean {
  return typeof p === 'string' ? p === path : p.test(path);
}

function noHandler(method: string, uri: string): Error {
  return new Error(`no handler found for uri [${uri}] and method [${method}]`);
}

function methodNotAllowed(method: string, path: string): EsError {
  return new EsError(405, 'method_not_allowed', `Incorrect HTTP method for uri [${path}] and method [${method}]`);
}

/**
 * Index name rules of Elasticsearch (lowercase; no `\ / * ? " < > | space , #`; not starting with `-`, `_`, `+`).
 * Example of a refused name: `Users`.
 */
function validateIndexName(name: string): void {
  // One forbidden character. Example match: `*` in `logs*`. Does not match `-` or `.` inside a name.
  if (
    name !== name.toLowerCase() ||
    /[\\/*?"<>| ,#:]/.test(name) ||
    /^[-_+]/.test(name) ||
    name === '.' ||
    name === '..'
  ) {
    throw new EsError(400, 'invalid_index_name_exception', `Invalid index name [${name}]`, { index: name });
  }
}

/** A `*` glob as an anchored RegExp (every other character literal). */
function glob(p: string): RegExp {
  // ECMAScript syntax characters except `*`. Example match: `.` in `logs.2024`. Does not match letters or `*`.
  return new RegExp(
    `^${p
      .split('*')
      .map((s) => s.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))
      .join('.*')}$`,
  );
}

function toList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

function intOf(v: unknown, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new EsError(400, 'illegal_argument_exception', `[${name}] parameter cannot be negative`);
  return n;
}

/** `1m`, `30s`, `500ms`, `2h` → milliseconds. */
function duration(s: string): number {
  // A number and a time unit (Elasticsearch time units). Example match: `5m`. Does not match `5 m` or `m`.
  const m = /^([0-9]{1,9})(ms|s|m|h|d)$/.exec(s);
  if (!m)
    throw new EsError(
      400,
      'illegal_argument_exception',
      `failed to parse setting [keep_alive] with value [${s}] as a time value`,
    );
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms'];
  return Number(m[1]) * unit;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function inferMapping(props: Record<string, FakeMapping>, source: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(source)) {
    const value = Array.isArray(v) ? v.find((x) => x !== null) : v;
    if (value === null || value === undefined || props[k]) {
      if (props[k] && typeof value === 'object' && value !== null && !Array.isArray(value) && props[k]!.properties) {
        inferMapping(props[k]!.properties as Record<string, FakeMapping>, value as Record<string, unknown>);
      }
      continue;
    }
    if (typeof value === 'string') {
      // ISO 8601 date or date-time, Elasticsearch's default `date_detection` format. Example match: `2024-05-01`.
      props[k] = /^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]{2,15}(Z|[+-][0-9:]{2,5})?)?$/.test(value)
        ? { type: 'date' }
        : { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };
    } else if (typeof value === 'number') props[k] = { type: Number.isInteger(value) ? 'long' : 'float' };
    else if (typeof value === 'boolean') props[k] = { type: 'boolean' };
    else if (typeof value === 'object') {
      const sub: Record<string, FakeMapping> = {};
      inferMapping(sub, value as Record<string, unknown>);
      props[k] = { properties: sub };
    }
  }
}

function mappingsOf(list: Index[]): Record<string, unknown> {
  return Object.fromEntries(list.map((ix) => [ix.name, { mappings: ix.mappings }]));
}

function getPath(source: Record<string, unknown>, path: string): unknown[] {
  let current: unknown[] = [source];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const c of current) {
      const v = c && typeof c === 'object' ? (c as Record<string, unknown>)[part] : undefined;
      if (Array.isArray(v)) next.push(...v);
      else if (v !== undefined) next.push(v);
    }
    current = next;
  }
  return current;
}

type Matcher = (d: Doc) => boolean;

function compileQuery(q: unknown): Matcher {
  if (q === undefined || q === null) return () => true;
  if (typeof q !== 'object' || Array.isArray(q))
    throw new EsError(400, 'parsing_exception', '[query] malformed query, expected [START_OBJECT]');
  const entries = Object.entries(q as Record<string, unknown>);
  if (entries.length !== 1)
    throw new EsError(400, 'parsing_exception', '[query] malformed query, expected a single query');
  const [type, spec] = entries[0]!;
  const s = (spec ?? {}) as Record<string, unknown>;
  switch (type) {
    case 'match_all':
      return () => true;
    case 'match_none':
      return () => false;
    case 'ids': {
      const values = new Set(toList(s.values));
      return (d) => values.has(d.id);
    }
    case 'term':
    case 'match': {
      const [field, raw] = Object.entries(s)[0] ?? [];
      if (!field) throw new EsError(400, 'parsing_exception', `[${type}] query doesn't support multiple fields`);
      const want =
        raw && typeof raw === 'object'
          ? ((raw as { value?: unknown; query?: unknown }).value ?? (raw as { query?: unknown }).query)
          : raw;
      const f = field.endsWith('.keyword') ? field.slice(0, -8) : field;
      return (d) =>
        getPath(d.source, f).some(
          (v) =>
            String(v) === String(want) ||
            (type === 'match' && String(v).toLowerCase().split(/\s+/).includes(String(want).toLowerCase())),
        );
    }
    case 'bool': {
      const must = [...toArray(s.must), ...toArray(s.filter)].map(compileQuery);
      const not = toArray(s.must_not).map(compileQuery);
      const should = toArray(s.should).map(compileQuery);
      return (d) =>
        must.every((m) => m(d)) &&
        !not.some((m) => m(d)) &&
        (should.length === 0 || must.length > 0 || should.some((m) => m(d)));
    }
    case 'function_score':
      return compileQuery(s.query ?? { match_all: {} });
    default:
      throw new EsError(400, 'parsing_exception', `unknown query [${type}]`, { line: 1, col: 1 });
  }
}

function toArray(v: unknown): unknown[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** A scorer for `function_score.random_score` (deterministic with a seed, as in Elasticsearch 7+). */
function randomScorer(q: unknown): ((d: Doc) => number) | undefined {
  const fs = (q as { function_score?: Record<string, unknown> } | undefined)?.function_score;
  const rs = (fs?.random_score ??
    (fs?.functions as Array<Record<string, unknown>> | undefined)?.find((f) => f.random_score)?.random_score) as
    | { seed?: unknown; field?: unknown }
    | undefined;
  if (!rs) return undefined;
  if (rs.seed !== undefined && rs.field === undefined) {
    // Elasticsearch 7+ deprecates a seed without a field; it still works (on _id) with a warning.
  }
  if (rs.field !== undefined && rs.field !== '_seq_no' && rs.field !== '_id') {
    throw new EsError(
      400,
      'illegal_argument_exception',
      `field [${String(rs.field)}] is not supported by the fake random_score`,
    );
  }
  const seed = rs.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(rs.seed);
  return (d) => fnv1a(`${seed}:${rs.field === '_seq_no' ? d.seqNo : d.id}`) / 2 ** 32;
}

interface SortSpec {
  field: string;
  order: 'asc' | 'desc';
}

function normalizeSort(sort: unknown, pit: boolean): SortSpec[] {
  const list = sort === undefined ? [] : Array.isArray(sort) ? sort : [sort];
  const out: SortSpec[] = list.map((s) => {
    if (typeof s === 'string') return { field: s, order: s === '_score' ? 'desc' : 'asc' };
    const [field, v] = Object.entries(s as Record<string, unknown>)[0] ?? ['_score', 'desc'];
    const order =
      typeof v === 'string'
        ? v
        : ((v as { order?: string } | undefined)?.order ?? (field === '_score' ? 'desc' : 'asc'));
    if (order !== 'asc' && order !== 'desc')
      throw new EsError(400, 'parsing_exception', `[sort] unknown order [${order}]`);
    if (field === '_id') {
      throw new EsError(
        400,
        'illegal_argument_exception',
        'Fielddata access on the _id field is disallowed, you can re-enable it by updating the dynamic cluster setting: indices.id_field_data.enabled',
      );
    }
    return { field, order };
  });
  if (out.length === 0) out.push({ field: '_score', order: 'desc' });
  // With a point in time, Elasticsearch appends the `_shard_doc` tiebreaker to every sort.
  if (pit && !out.some((s) => s.field === '_shard_doc')) out.push({ field: '_shard_doc', order: 'asc' });
  return out;
}

function sortValue(h: Hit, field: string): unknown {
  if (field === '_score') return h.score;
  if (field === '_doc' || field === '_shard_doc') return h.ordinal;
  const v = getPath(h.doc.source, field.endsWith('.keyword') ? field.slice(0, -8) : field)[0];
  return v === undefined ? null : v;
}

function cmpValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function compareHits(a: Hit, b: Hit, sorts: SortSpec[]): number {
  for (const s of sorts) {
    const c = cmpValues(sortValue(a, s.field), sortValue(b, s.field));
    if (c !== 0) return s.order === 'asc' ? c : -c;
  }
  return a.ordinal - b.ordinal;
}

function compareToValues(h: Hit, sorts: SortSpec[], after: unknown[]): number {
  for (let i = 0; i < sorts.length; i++) {
    const c = cmpValues(sortValue(h, sorts[i]!.field), after[i]);
    if (c !== 0) return sorts[i]!.order === 'asc' ? c : -c;
  }
  return 0;
}

function renderHit(h: Hit, sourceSpec: unknown, sorts: SortSpec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    _index: h.index.name,
    _id: h.doc.id,
    _score: sorts.some((s) => s.field === '_score') ? h.score : null,
  };
  if (h.index.mappings._source?.enabled !== false && sourceSpec !== false)
    out._source = filterSource(h.doc.source, sourceSpec);
  if (sorts.length > 0 && !(sorts.length === 1 && sorts[0]!.field === '_score'))
    out.sort = sorts.map((s) => sortValue(h, s.field));
  return out;
}

function filterSource(source: Record<string, unknown>, spec: unknown): Record<string, unknown> {
  if (spec === undefined || spec === true) return source;
  const includes =
    typeof spec === 'string' || Array.isArray(spec) ? toList(spec) : toList((spec as { includes?: unknown }).includes);
  const excludes =
    typeof spec === 'object' && spec !== null && !Array.isArray(spec)
      ? toList((spec as { excludes?: unknown }).excludes)
      : [];
  const inc = includes.map(glob);
  const exc = excludes.map(glob);
  const walk = (obj: Record<string, unknown>, prefix: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (exc.some((re) => re.test(path))) continue;
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const sub = walk(v as Record<string, unknown>, path);
        if (Object.keys(sub).length > 0 || inc.length === 0 || inc.some((re) => re.test(path))) out[k] = sub;
        continue;
      }
      if (inc.length > 0 && !inc.some((re) => re.test(path) || path.startsWith(`${re.source.slice(1, -1)}.`))) continue;
      out[k] = v;
    }
    return out;
  };
  return walk(source, '');
}
