/**
 * Audit rules beyond the engine's SECRET recognizers: data-store credentials in the places they are usually left —
 * `redis.conf` (`requirepass`, `masterauth`), `kibana.yml` (`elasticsearch.password`, service-account tokens),
 * container environment files (`POSTGRES_PASSWORD`, `MYSQL_ROOT_PASSWORD`, `MONGO_INITDB_ROOT_PASSWORD`,
 * `ELASTIC_PASSWORD`, …), `curl -u user:password` lines in docs and blog posts, and `Authorization:` headers.
 * Data-store passwords are reported whatever their strength (a weak one is worse, not better); tokens and
 * generic keys must look random (entropy gate).
 *
 * Every regex is linear (bounded quantifiers, no nested repetition) and runs per line.
 */
import { looksRandom } from '../../detect/validators/entropy.js';

/** One rule hit: the secret's span within the text. */
export interface RuleHit {
  rule: string;
  start: number;
  end: number;
  score: number;
  /** An http(s) URL on the same line (for verifying `curl -u`). */
  url?: string;
  /** A user name that goes with the secret (curl -u, Basic auth). */
  user?: string;
}

/**
 * A placeholder or template rather than a value. Example match: `${REDIS_PASSWORD}`, `<password>`, `changeme`
 * is NOT matched (a real default password). Source: common template syntaxes.
 */
const PLACEHOLDER =
  /^(?:\$\{[^}]{0,64}\}|\$[A-Za-z_][A-Za-z0-9_]{0,63}|<[^>]{0,64}>|\{\{[^}]{0,64}\}\}|%s|\*{1,64}|x{3,64}|X{3,64}|\.{3,64}|\[[^\]]{0,64}\]|your[_-]?password|password_here|example|redacted|null|none|true|false)$/i;

/** Whether a value is a placeholder, template, or an obvious documentation example. */
export function isPlaceholder(value: string): boolean {
  // A variable reference cut at a delimiter (`${PG_PASS` before `}`) is still a reference.
  return (
    PLACEHOLDER.test(value) ||
    /^\$\{?[A-Za-z_][A-Za-z0-9_]{0,63}\}?$/.test(value) ||
    /EXAMPLE/.test(value) ||
    value.length === 0
  );
}

/**
 * `requirepass <pw>` / `masterauth <pw>` in redis.conf. Example: `requirepass s3cr3t`; not `# requirepass foobared`
 * (commented out: Redis ships that line).
 */
const REDIS_CONF = /^[ \t]{0,16}(?:requirepass|masterauth)[ \t]{1,16}"?([^\s"#]{1,256})"?[ \t]*$/gm;

/**
 * Container/compose variables that set a data store's password. Example: `POSTGRES_PASSWORD=hunter2`,
 * `- MYSQL_ROOT_PASSWORD: root`; not `POSTGRES_PASSWORD_FILE=/run/secrets/pg` (a file reference).
 */
const DATASTORE_ENV =
  /\b(?:POSTGRES_PASSWORD|PGPASSWORD|MYSQL_ROOT_PASSWORD|MYSQL_PASSWORD|MARIADB_ROOT_PASSWORD|MARIADB_PASSWORD|MONGO_INITDB_ROOT_PASSWORD|MONGODB_PASSWORD|REDIS_PASSWORD|ELASTIC_PASSWORD|KIBANA_PASSWORD|OPENSEARCH_INITIAL_ADMIN_PASSWORD|MINIO_ROOT_PASSWORD|MINIO_SECRET_KEY)[ \t]{0,4}[=:][ \t]{0,4}["']?([^\s"'`#,;)}]{1,256})/g;

/**
 * `elasticsearch.password` / `elasticsearch.serviceAccountToken` in kibana.yml. Example:
 * `elasticsearch.password: "kibana-pw-1"`; not `elasticsearch.username: kibana_system`.
 */
const KIBANA_YML = /\belasticsearch\.(password|serviceAccountToken)[ \t]{0,4}:[ \t]{0,4}["']?([^\s"'`#]{1,512})/g;

/**
 * `curl -u user:password` (also `--user`). Example: `curl -u elastic:Zq8v… http://es:9200`; not `curl -u "$USER:$PASS"`.
 */
const CURL_USER = /\bcurl\b[^\n]{0,300}?[ \t](?:-u|--user)[ \t=]{1,4}["']?([^\s:'"]{1,64}):([^\s'"]{1,128})/g;

/**
 * An `Authorization` header with a credential. Example: `Authorization: Basic ZWxhc3RpYzpjaGFuZ2VtZQ==`,
 * `Authorization: ApiKey VnVh…`; not `Authorization: Bearer ${TOKEN}`.
 */
const AUTH_HEADER =
  /\bAuthorization["']?[ \t]{0,4}[:=][ \t]{0,4}["']?(Basic|ApiKey|Bearer)[ \t]{1,4}([A-Za-z0-9+/=._~-]{12,1024})/gi;

const URL_ON_LINE = /\bhttps?:\/\/[^\s'"<>]{1,512}/;

function lineAround(text: string, at: number): string {
  const s = text.lastIndexOf('\n', at) + 1;
  let e = text.indexOf('\n', at);
  if (e < 0) e = text.length;
  return text.slice(s, Math.min(e, s + 2000));
}

/**
 * Run the audit rules over `text` (a file's content or a commit's added lines of one file).
 *
 * @example
 * auditRules('requirepass hunter2\n', 'redis.conf') // [{ rule: 'redis-requirepass', start: 12, end: 19, … }]
 */
export function auditRules(text: string, file: string): RuleHit[] {
  const hits: RuleHit[] = [];
  const base = file.slice(file.lastIndexOf('/') + 1).toLowerCase();
  if (base.includes('redis') || base.endsWith('.conf')) {
    for (const m of text.matchAll(REDIS_CONF)) {
      const v = m[1]!;
      if (isPlaceholder(v)) continue;
      const start = m.index + m[0].indexOf(v, m[0].search(/\s/));
      hits.push({ rule: 'redis-requirepass', start, end: start + v.length, score: 0.9 });
    }
  }
  for (const m of text.matchAll(DATASTORE_ENV)) {
    const v = m[1]!;
    if (isPlaceholder(v) || v.startsWith('/')) continue;
    const start = m.index + m[0].length - v.length;
    hits.push({ rule: 'datastore-password-env', start, end: start + v.length, score: 0.9 });
  }
  for (const m of text.matchAll(KIBANA_YML)) {
    const v = m[2]!;
    if (isPlaceholder(v)) continue;
    if (m[1] === 'serviceAccountToken' && !looksRandom(v)) continue;
    const start = m.index + m[0].length - v.length;
    hits.push({ rule: 'kibana-elasticsearch-credential', start, end: start + v.length, score: 0.9 });
  }
  for (const m of text.matchAll(CURL_USER)) {
    const user = m[1]!;
    const v = m[2]!;
    if (isPlaceholder(v) || isPlaceholder(user) || v.startsWith('$')) continue;
    const start = m.index + m[0].length - v.length;
    const url = URL_ON_LINE.exec(lineAround(text, m.index))?.[0];
    hits.push({ rule: 'curl-basic-auth', start, end: start + v.length, score: 0.85, user, ...(url ? { url } : {}) });
  }
  for (const m of text.matchAll(AUTH_HEADER)) {
    const scheme = m[1]!.toLowerCase();
    const v = m[2]!;
    if (isPlaceholder(v)) continue;
    let user: string | undefined;
    if (scheme === 'basic') {
      const decoded = Buffer.from(v, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0 || colon === decoded.length - 1 || /[^\x20-\x7e]/.test(decoded)) continue;
      if (isPlaceholder(decoded.slice(colon + 1))) continue;
      user = decoded.slice(0, colon);
    } else if (!looksRandom(v)) continue;
    const start = m.index + m[0].length - v.length;
    const url = URL_ON_LINE.exec(lineAround(text, m.index))?.[0];
    hits.push({
      rule: 'http-authorization-header',
      start,
      end: start + v.length,
      score: 0.85,
      ...(user ? { user } : {}),
      ...(url ? { url } : {}),
    });
  }
  return hits;
}
