/**
 * Authorization: what a role may do with a request, decided before anything reaches the upstream. Elasticsearch
 * mode understands the REST API's shape (index expressions, endpoints, paging parameters, scroll and point in
 * time); generic mode follows path rules. Everything not explicitly allowed is refused (fail closed).
 *
 * Read endpoints a non-admin role may use (with `methods` and `indices` allowing): `_search`, `_msearch`,
 * `_count`, `_doc` / `_source` (get by id), `_mget`, `_mapping` (GET), `_field_caps`, scroll (with `scroll:
 * true`) and point in time (with `pit: true`). Writing single documents (`_doc`, `_create`, `_update` with
 * PUT/POST/DELETE) needs those methods in the role. Everything else — `_bulk`, `_reindex`, `_snapshot`, `_cat`,
 * `_cluster`, `_nodes`, `_security`, `_update_by_query`, `_delete_by_query`, index creation and deletion,
 * settings, aliases, templates, ingest, tasks — is admin-only.
 */
import type { HttpMethod, PathRule, RoleConfig } from './config.js';
import { GuardError } from './errors.js';
import { FieldMatcher, IndexMatcher, pathPattern } from './glob.js';

/** A role with its matchers compiled. */
export interface CompiledRole {
  readonly name: string;
  readonly config: RoleConfig;
  readonly methods: ReadonlySet<string>;
  readonly indices: IndexMatcher;
  readonly paths: readonly RegExp[];
  readonly allowFields: FieldMatcher | undefined;
  readonly denyFields: FieldMatcher | undefined;
}

/** Compiles a role's matchers. */
export function compileRole(name: string, config: RoleConfig): CompiledRole {
  return {
    name,
    config,
    methods: new Set(config.methods),
    indices: new IndexMatcher(config.indices),
    paths: config.paths.map((p) => pathPattern(p.endsWith('/') ? `${p}**` : p)),
    allowFields: config.fields?.allow ? new FieldMatcher(config.fields.allow) : undefined,
    denyFields: config.fields?.deny ? new FieldMatcher(config.fields.deny) : undefined,
  };
}

/** How records are counted in a response. */
export type RecordCount =
  | { readonly kind: 'source' }
  | { readonly kind: 'root' }
  | { readonly kind: 'path'; readonly prefix: string }
  | { readonly kind: 'none' };

/** What the guard learned about an allowed request. */
export interface RequestPlan {
  /** Endpoint name for metrics and audit (`search`, `doc`, `bulk`, …). */
  readonly endpoint: string;
  readonly records: RecordCount;
  /** Response document is a source itself (`_source/<id>`): field rules apply from the root. */
  readonly sourceRoot: boolean;
  /** Capture a scroll / PIT id from the response and bind it to the principal. */
  readonly capture: 'scroll' | 'pit' | undefined;
  /** A scroll continued by this request (must belong to the principal). */
  readonly scrollId: string | undefined;
  /** A PIT used by this request (must belong to the principal). */
  readonly pitId: string | undefined;
  /** Scroll or PIT ids this request frees (`DELETE /_search/scroll`, `DELETE /_pit`): each must be the principal's. */
  readonly clearIds: readonly string[] | undefined;
  /**
   * Where field rules apply: `source` — inside document sources (Elasticsearch); `body` — the whole response
   * body, by key name anywhere or by `$` path from the root (generic mode).
   */
  readonly fieldScope: 'source' | 'body';
}

const ADMIN_ONLY_TOP = new Set([
  '_bulk',
  '_reindex',
  '_snapshot',
  '_cat',
  '_cluster',
  '_nodes',
  '_security',
  '_xpack',
  '_license',
  '_ingest',
  '_tasks',
  '_template',
  '_index_template',
  '_component_template',
  '_aliases',
  '_alias',
  '_settings',
  '_data_stream',
  '_update_by_query',
  '_delete_by_query',
  '_sql',
  '_plugins',
  '_opendistro',
  '_ml',
  '_transform',
  '_watcher',
  '_ilm',
  '_slm',
  '_ccr',
  '_features',
  '_migration',
  '_shutdown',
  '_autoscaling',
  '_enrich',
  '_rollup',
  '_searchable_snapshots',
  '_async_search',
  '_eql',
  '_fleet',
  '_graph',
  '_monitoring',
  '_text_structure',
  '_render',
  '_scripts',
  '_stats',
  '_segments',
  '_recovery',
  '_refresh',
  '_flush',
  '_forcemerge',
  '_cache',
  '_analyze',
  '_validate',
  '_resolve',
  '_dangling',
]);

/** Request body keys that read data outside `_source` or run code: refused for field-restricted roles. */
const FIELD_BYPASS = [
  'fields',
  'docvalue_fields',
  'stored_fields',
  'script_fields',
  'runtime_mappings',
  'highlight',
  'aggs',
  'aggregations',
  'suggest',
  'inner_hits',
  'collapse',
];

const QUERY_SCROLL_PARAMS = ['scroll'];

function denied(reason: string): GuardError {
  return new GuardError('LG_GUARD_NOT_ALLOWED', reason);
}

function intParam(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?[0-9]{1,12}$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < 0)
    throw new GuardError('LG_GUARD_BAD_REQUEST', `"${name}" must be a non-negative integer`);
  return n;
}

function parseJsonBody(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new GuardError('LG_GUARD_BAD_REQUEST', 'request body is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new GuardError('LG_GUARD_BAD_REQUEST', 'request body must be a JSON object');
  }
  return v as Record<string, unknown>;
}

/** Every key and string in a JSON value (for checks that a query names no denied field). */
function mentions(v: unknown, out: Set<string>, depth = 0): void {
  if (depth > 64 || out.size > 10_000) return;
  if (typeof v === 'string') out.add(v);
  else if (Array.isArray(v)) for (const x of v) mentions(x, out, depth + 1);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      mentions(x, out, depth + 1);
    }
  }
}

/** Checks size/from/scroll/pit and field rules of one search body. */
function checkSearch(
  role: CompiledRole,
  body: Record<string, unknown> | undefined,
  query: URLSearchParams,
  what: string,
): { scroll: boolean; pitId: string | undefined } {
  const c = role.config;
  const size = intParam(query.get('size') ?? body?.size, 'size') ?? 10;
  const from = intParam(query.get('from') ?? body?.from, 'from') ?? 0;
  if (!c.admin) {
    if (size > c.maxPageSize)
      throw new GuardError('LG_GUARD_LIMIT', `${what}: size ${size} exceeds this role's maximum ${c.maxPageSize}`);
    if (from + size > c.maxFrom)
      throw new GuardError(
        'LG_GUARD_LIMIT',
        `${what}: from + size ${from + size} exceeds this role's maximum ${c.maxFrom}`,
      );
  }
  const scroll = QUERY_SCROLL_PARAMS.some((p) => query.has(p)) || body?.scroll !== undefined;
  if (scroll && !c.admin && !c.scroll) throw denied('scroll is not allowed for this role');
  const pit = body?.pit as { id?: unknown } | undefined;
  if (pit !== undefined && !c.admin && !c.pit) throw denied('point in time is not allowed for this role');
  if (pit !== undefined && typeof pit?.id !== 'string')
    throw new GuardError('LG_GUARD_BAD_REQUEST', 'pit.id must be a string');
  if (!c.admin && (role.allowFields || role.denyFields) && body) {
    for (const k of FIELD_BYPASS) {
      if (body[k] !== undefined) throw denied(`"${k}" is not allowed for a role with field restrictions`);
    }
    if (body._source !== undefined && typeof body._source !== 'boolean' && role.denyFields === undefined) {
      // Source filtering only narrows; allowed.
    }
    if (role.denyFields) {
      const seen = new Set<string>();
      mentions(body, seen);
      for (const s of seen) {
        if (role.denyFields.matches(s)) throw denied('the query references a denied field');
      }
    }
  }
  return { scroll, pitId: typeof pit?.id === 'string' ? pit.id : undefined };
}

/**
 * Query-string parameters that carry a request body (`source`) or read outside `_source`: refused for
 * non-admin roles (`source`) and for roles with field rules (the rest); a parameter value naming a denied
 * field (`q=id_card:1101*`, `sort=id_card:asc`) is refused too.
 */
const BODY_PARAMS = ['source'];
const FIELD_PARAMS = ['stored_fields', 'docvalue_fields', 'fields', 'script_fields', 'df'];

function checkQueryParams(role: CompiledRole, query: URLSearchParams): void {
  if (role.config.admin) return;
  for (const p of BODY_PARAMS) if (query.has(p)) throw denied(`the "${p}" parameter is not allowed (send a body)`);
  if (!role.allowFields && !role.denyFields) return;
  for (const p of FIELD_PARAMS) {
    if (query.has(p)) throw denied(`"${p}" is not allowed for a role with field restrictions`);
  }
  if (role.denyFields) {
    for (const [, v] of query) {
      for (const word of v.split(/[^A-Za-z0-9_.*@-]+/)) {
        if (word && role.denyFields.matches(word)) throw denied('the query references a denied field');
      }
    }
  }
}

function noSubpath(role: CompiledRole, rest: readonly string[], ep: string): void {
  if (rest.length > 0) adminOnly(role, `${ep}/${rest[0]}`);
}

function requireIndices(role: CompiledRole, expression: string): void {
  if (role.config.admin) return;
  if (!role.indices.covers(expression)) throw denied('index not allowed for this role');
}

function requireMethod(role: CompiledRole, method: string): void {
  // HEAD is GET without a body: allowed wherever GET is.
  const m = method === 'HEAD' && !role.methods.has('HEAD') ? 'GET' : method;
  if (!role.methods.has(m) && !(role.config.admin && method !== 'OPTIONS')) {
    throw denied(`method ${method} not allowed for this role`);
  }
}

function adminOnly(role: CompiledRole, what: string): void {
  if (!role.config.admin) throw denied(`${what} is admin-only`);
}

const PLAN_DEFAULTS = {
  sourceRoot: false,
  capture: undefined,
  scrollId: undefined,
  pitId: undefined,
  clearIds: undefined,
  fieldScope: 'source',
} as const;

/** Ids from a string or an array of strings (`scroll_id` in a clear-scroll body); undefined when malformed. */
function idList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return v.split(',').filter((s) => s !== '');
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

/**
 * Decides an Elasticsearch/OpenSearch request. `path` is decoded segment by segment; `body` is the whole request
 * body (already size-limited).
 *
 * @throws GuardError LG_GUARD_NOT_ALLOWED / LG_GUARD_LIMIT / LG_GUARD_BAD_REQUEST
 * @example
 * const plan = authorizeElasticsearch(role, 'POST', '/people/_search', new URLSearchParams(), Buffer.from('{"size":10}'));
 */
export function authorizeElasticsearch(
  role: CompiledRole,
  method: string,
  path: string,
  query: URLSearchParams,
  body: Buffer,
): RequestPlan {
  let segs: string[];
  try {
    segs = path
      .split('/')
      .filter((s) => s.length > 0)
      .map((s) => decodeURIComponent(s));
  } catch {
    throw new GuardError('LG_GUARD_BAD_REQUEST', 'malformed path');
  }
  if (segs.some((s) => s === '..' || s === '.' || s.includes('/')))
    throw new GuardError('LG_GUARD_BAD_REQUEST', 'malformed path');
  const none: RecordCount = { kind: 'none' };
  // Freeing one's own scroll or point in time is part of reading with it: it needs scroll/pit (checked below),
  // not DELETE in the role's methods (which would also allow deleting documents).
  const freeing =
    method === 'DELETE' &&
    ((segs[0] === '_search' && segs[1] === 'scroll') || (segs[0] === '_pit' && segs.length === 1));
  if (!freeing) requireMethod(role, method);
  checkQueryParams(role, query);
  // Cluster info (clients' product check).
  if (segs.length === 0) {
    if (method !== 'GET' && method !== 'HEAD') adminOnly(role, `${method} /`);
    return { endpoint: 'info', records: none, ...PLAN_DEFAULTS };
  }
  const first = segs[0] as string;
  const top = first.startsWith('_');
  const indexExpr = top ? undefined : first;
  const ep = top ? first : segs[1];
  const rest = top ? segs.slice(1) : segs.slice(2);

  if (ep === undefined) {
    // /<index>: GET index info (mappings, settings, aliases) for readers; create/delete admin-only.
    if (method !== 'GET' && method !== 'HEAD') adminOnly(role, `${method} on an index`);
    requireIndices(role, indexExpr as string);
    return { endpoint: 'index', records: none, ...PLAN_DEFAULTS };
  }

  switch (ep) {
    case '_search': {
      if (rest[0] === 'scroll') {
        if (!role.config.admin && !role.config.scroll) throw denied('scroll is not allowed for this role');
        if (method === 'DELETE') {
          // Freeing a scroll is as much the owner's business as reading it: one principal must not end another's.
          const b = parseJsonBody(body);
          const fromBody = b?.scroll_id === undefined ? [] : idList(b.scroll_id);
          if (fromBody === undefined)
            throw new GuardError('LG_GUARD_BAD_REQUEST', 'scroll_id must be a string or an array of strings');
          const ids = [
            ...(rest[1] !== undefined ? (idList(rest[1]) ?? []) : []),
            ...(idList(query.get('scroll_id') ?? undefined) ?? []),
            ...fromBody,
          ];
          if (ids.includes('_all')) adminOnly(role, 'clearing every scroll');
          if (ids.length === 0) throw new GuardError('LG_GUARD_BAD_REQUEST', 'scroll_id is required');
          if (ids.length > 1000) throw new GuardError('LG_GUARD_LIMIT', 'more than 1000 scroll ids');
          return { endpoint: 'scroll-clear', records: none, ...PLAN_DEFAULTS, clearIds: ids };
        }
        const b = parseJsonBody(body);
        const id = rest[1] ?? query.get('scroll_id') ?? (typeof b?.scroll_id === 'string' ? b.scroll_id : undefined);
        if (!id) throw new GuardError('LG_GUARD_BAD_REQUEST', 'scroll_id is required');
        return { endpoint: 'scroll', records: { kind: 'source' }, ...PLAN_DEFAULTS, capture: 'scroll', scrollId: id };
      }
      noSubpath(role, rest, '_search');
      if (method !== 'GET' && method !== 'POST') throw denied(`method ${method} not allowed on _search`);
      const b = parseJsonBody(body);
      const { scroll, pitId } = checkSearch(role, b, query, '_search');
      if (pitId === undefined) requireIndices(role, indexExpr ?? '_all');
      else if (indexExpr !== undefined)
        throw new GuardError('LG_GUARD_BAD_REQUEST', 'a search with pit must not name indices');
      return {
        endpoint: 'search',
        records: { kind: 'source' },
        ...PLAN_DEFAULTS,
        capture: scroll ? 'scroll' : pitId ? 'pit' : undefined,
        pitId,
      };
    }
    case '_msearch': {
      noSubpath(role, rest, '_msearch');
      if (method !== 'GET' && method !== 'POST') throw denied(`method ${method} not allowed on _msearch`);
      const lines = body
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim() !== '');
      if (lines.length % 2 !== 0)
        throw new GuardError('LG_GUARD_BAD_REQUEST', '_msearch body must hold header and body pairs');
      if (!role.config.admin && lines.length / 2 > 10)
        throw new GuardError('LG_GUARD_LIMIT', '_msearch: more than 10 searches');
      for (let i = 0; i < lines.length; i += 2) {
        let header: Record<string, unknown>;
        try {
          header = JSON.parse(lines[i] as string) as Record<string, unknown>;
        } catch {
          throw new GuardError('LG_GUARD_BAD_REQUEST', `_msearch line ${i + 1} is not JSON`);
        }
        const idx = header.index ?? indexExpr ?? '_all';
        requireIndices(role, Array.isArray(idx) ? idx.join(',') : String(idx));
        const b = parseJsonBody(Buffer.from(lines[i + 1] as string));
        const { scroll, pitId } = checkSearch(role, b, new URLSearchParams(), `_msearch[${i / 2}]`);
        if (scroll || pitId) throw denied('scroll and point in time are not allowed inside _msearch');
      }
      return { endpoint: 'msearch', records: { kind: 'source' }, ...PLAN_DEFAULTS };
    }
    case '_count': {
      noSubpath(role, rest, '_count');
      if (method !== 'GET' && method !== 'POST') throw denied(`method ${method} not allowed on _count`);
      requireIndices(role, indexExpr ?? '_all');
      const b = parseJsonBody(body);
      if (!role.config.admin && role.denyFields && b)
        checkSearch(role, { query: b.query }, new URLSearchParams(), '_count');
      return { endpoint: 'count', records: none, ...PLAN_DEFAULTS };
    }
    case '_mget': {
      noSubpath(role, rest, '_mget');
      if (method !== 'GET' && method !== 'POST') throw denied(`method ${method} not allowed on _mget`);
      const b = parseJsonBody(body) ?? {};
      const docs = Array.isArray(b.docs) ? (b.docs as Record<string, unknown>[]) : [];
      const ids = Array.isArray(b.ids) ? b.ids : [];
      const n = docs.length + ids.length;
      if (!role.config.admin && n > role.config.maxPageSize) {
        throw new GuardError(
          'LG_GUARD_LIMIT',
          `_mget: ${n} documents exceed this role's maximum ${role.config.maxPageSize}`,
        );
      }
      if (ids.length > 0 || docs.some((d) => d?._index === undefined)) {
        if (indexExpr === undefined)
          throw new GuardError('LG_GUARD_BAD_REQUEST', '_mget without an index needs _index per doc');
        requireIndices(role, indexExpr);
      }
      for (const d of docs) if (d?._index !== undefined) requireIndices(role, String(d._index));
      if (!role.config.admin && (role.allowFields || role.denyFields)) {
        for (const d of docs)
          if (d?.stored_fields !== undefined)
            throw denied('"stored_fields" is not allowed for a role with field restrictions');
      }
      return { endpoint: 'mget', records: { kind: 'source' }, ...PLAN_DEFAULTS };
    }
    case '_doc':
    case '_source':
    case '_create':
    case '_update': {
      if (indexExpr === undefined || indexExpr.includes('*') || indexExpr.includes(',')) {
        throw new GuardError('LG_GUARD_BAD_REQUEST', `${ep} needs one concrete index`);
      }
      requireIndices(role, indexExpr);
      if (rest.length > 1 || (rest.length === 0 && ep !== '_doc')) {
        throw new GuardError('LG_GUARD_BAD_REQUEST', `${ep} takes one document id`);
      }
      const read = method === 'GET' || method === 'HEAD';
      if (read && rest.length !== 1) throw new GuardError('LG_GUARD_BAD_REQUEST', `${ep} takes one document id`);
      if (read && (ep === '_doc' || ep === '_source')) {
        if (
          !role.config.admin &&
          (role.allowFields || role.denyFields) &&
          (query.has('stored_fields') || query.has('fields'))
        ) {
          throw denied('"stored_fields" is not allowed for a role with field restrictions');
        }
        return {
          endpoint: ep === '_doc' ? 'doc' : 'source',
          records: ep === '_doc' ? { kind: 'source' } : { kind: 'root' },
          ...PLAN_DEFAULTS,
          sourceRoot: ep === '_source',
        };
      }
      // Writes of single documents: the role's methods decide (checked above).
      return { endpoint: `${ep.slice(1)}-write`, records: none, ...PLAN_DEFAULTS };
    }
    case '_mapping':
    case '_mappings':
    case '_field_caps': {
      noSubpath(role, rest, ep);
      if (method !== 'GET' && !(ep === '_field_caps' && method === 'POST')) adminOnly(role, `${method} ${ep}`);
      requireIndices(role, indexExpr ?? '_all');
      return { endpoint: ep.slice(1), records: none, ...PLAN_DEFAULTS };
    }
    case '_pit': {
      if (!role.config.admin && !role.config.pit) throw denied('point in time is not allowed for this role');
      if (method === 'DELETE' && indexExpr === undefined) {
        noSubpath(role, rest, ep);
        const id = parseJsonBody(body)?.id;
        if (typeof id !== 'string' || id === '') throw new GuardError('LG_GUARD_BAD_REQUEST', 'id is required');
        return { endpoint: 'pit-close', records: none, ...PLAN_DEFAULTS, clearIds: [id] };
      }
      noSubpath(role, rest, ep);
      if (method !== 'POST' || indexExpr === undefined) throw denied(`${method} ${ep} not allowed`);
      requireIndices(role, indexExpr);
      return { endpoint: 'pit-open', records: none, ...PLAN_DEFAULTS, capture: 'pit' };
    }
    default:
      break;
  }
  if (ADMIN_ONLY_TOP.has(ep) || ep.startsWith('_')) {
    adminOnly(role, ep);
    if (indexExpr !== undefined) requireIndices(role, indexExpr);
    return { endpoint: ep.slice(1) || 'admin', records: none, ...PLAN_DEFAULTS };
  }
  throw denied('endpoint not allowed');
}

/**
 * Generic-mode paging caps, as in Elasticsearch mode: the page size (`sizeParam`) is capped by the role's
 * `maxPageSize`, and how deep a caller may page — `offsetParam` + size, or `pageParam` × size — by its `maxFrom`.
 * Without a size in the request the rule's `defaultSize` counts (absent: `maxPageSize`, the worst case). A
 * repeated paging parameter is refused (frameworks disagree on which copy they read), as is a non-integer.
 */
function checkGenericPaging(role: CompiledRole, rule: PathRule, query: URLSearchParams): void {
  const c = role.config;
  for (const p of [rule.sizeParam, rule.offsetParam, rule.pageParam]) {
    if (p !== undefined && query.getAll(p).length > 1)
      throw new GuardError('LG_GUARD_BAD_REQUEST', `"${p}" is given more than once`);
  }
  const size = rule.sizeParam ? intParam(query.get(rule.sizeParam) ?? undefined, rule.sizeParam) : undefined;
  if (size !== undefined && size > c.maxPageSize) {
    throw new GuardError('LG_GUARD_LIMIT', `${rule.sizeParam} ${size} exceeds this role's maximum ${c.maxPageSize}`);
  }
  const pageSize = size ?? rule.defaultSize ?? c.maxPageSize;
  if (rule.offsetParam) {
    const offset = intParam(query.get(rule.offsetParam) ?? undefined, rule.offsetParam);
    if (offset !== undefined && offset + pageSize > c.maxFrom) {
      throw new GuardError(
        'LG_GUARD_LIMIT',
        `${rule.offsetParam} + page size ${offset + pageSize} exceeds this role's maximum ${c.maxFrom}`,
      );
    }
  }
  if (rule.pageParam) {
    const page = intParam(query.get(rule.pageParam) ?? undefined, rule.pageParam);
    if (page !== undefined && Math.max(page, 1) * pageSize > c.maxFrom) {
      throw new GuardError(
        'LG_GUARD_LIMIT',
        `${rule.pageParam} × page size ${Math.max(page, 1) * pageSize} exceeds this role's maximum ${c.maxFrom}`,
      );
    }
  }
}

/** A compiled generic-mode path rule. */
export interface CompiledPathRule {
  readonly rule: PathRule;
  readonly re: RegExp;
}

/** Compiles path rules. */
export function compilePathRules(rules: readonly PathRule[]): CompiledPathRule[] {
  return rules.map((rule) => ({ rule, re: pathPattern(rule.path) }));
}

/**
 * Decides a generic-mode request: the first rule whose path and method match decides; the role must be named by
 * it (or, when it names none, have a `paths` entry matching the path).
 *
 * @throws GuardError LG_GUARD_NOT_ALLOWED / LG_GUARD_LIMIT
 */
export function authorizeGeneric(
  role: CompiledRole,
  rules: readonly CompiledPathRule[],
  method: string,
  path: string,
  query: URLSearchParams,
): RequestPlan {
  if (/(^|\/)\.\.?(\/|$)/.test(path) || path.includes('%2f') || path.includes('%2F')) {
    throw new GuardError('LG_GUARD_BAD_REQUEST', 'malformed path');
  }
  requireMethod(role, method);
  for (const { rule, re } of rules) {
    if (!re.test(path) || !(rule.methods as readonly HttpMethod[]).includes(method as HttpMethod)) continue;
    if (rule.adminOnly) adminOnly(role, 'this path');
    const named = rule.roles ? rule.roles.includes(role.name) : role.paths.some((r) => r.test(path));
    if (!named && !role.config.admin) throw denied('path not allowed for this role');
    if (!role.config.admin) checkGenericPaging(role, rule, query);
    const records: RecordCount = rule.records ? { kind: 'path', prefix: rule.records } : { kind: 'none' };
    return { endpoint: 'path', records, ...PLAN_DEFAULTS, fieldScope: 'body' };
  }
  throw denied('no path rule allows this request');
}
