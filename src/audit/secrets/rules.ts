/**
 * Audit rules beyond the engine's SECRET recognizers: data-store credentials in the places they are usually left —
 * `redis.conf` (`requirepass`, `masterauth`), `kibana.yml` (`elasticsearch.password`, service-account tokens),
 * container environment files (`POSTGRES_PASSWORD`, `MYSQL_ROOT_PASSWORD`, `MONGO_INITDB_ROOT_PASSWORD`,
 * `ELASTIC_PASSWORD`, `ES_PASS`, …), `curl -u user:password` and `mongosh -p` lines in docs and blog posts, the
 * Python Elasticsearch client's `http_auth`, and `Authorization:` headers. A well-known default password
 * (`changeme`, `foobared`) is reported with a note saying so.
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
  /** Why the value matters beyond being a password, e.g. that it is a product's well-known default. */
  note?: string;
}

/**
 * Passwords products ship as defaults or examples, with where they come from. An attacker tries these first, so a
 * config that sets one is reported as such (not dropped as a placeholder). `changeme` is Elasticsearch's built-in
 * password before 6.8 and still common in compose files; `foobared` is the `requirepass` example in redis.conf.
 */
const DEFAULT_PASSWORDS: Readonly<Record<string, string>> = {
  changeme: 'the default password of Elasticsearch/Kibana built-in users before 6.8 (elastic/changeme)',
  foobared: 'the requirepass example in redis.conf',
  admin: 'the OpenSearch demo configuration default (admin/admin)',
  postgres: 'the password of the postgres superuser in many examples (postgres/postgres)',
  root: 'the MySQL root password in many examples (root/root)',
  elastic: 'a product name used as its password',
  kibana: 'a product name used as its password',
  redis: 'a product name used as its password',
  mongo: 'a product name used as its password',
};

/** The note for a well-known default password, or undefined. */
export function defaultPasswordNote(value: string): string | undefined {
  const why = DEFAULT_PASSWORDS[value.toLowerCase()];
  return why ? `well-known default password: ${why}` : undefined;
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
  /\b(?:POSTGRES_PASSWORD|PGPASSWORD|MYSQL_ROOT_PASSWORD|MYSQL_PASSWORD|MARIADB_ROOT_PASSWORD|MARIADB_PASSWORD|MONGO_INITDB_ROOT_PASSWORD|MONGODB_PASSWORD|MONGO_PASSWORD|REDIS_PASSWORD|ELASTIC_PASSWORD|ELASTICSEARCH_PASSWORD|ELASTICSEARCH_PASS|ES_PASSWORD|ES_PASS|KIBANA_PASSWORD|KIBANA_SYSTEM_PASSWORD|OPENSEARCH_PASSWORD|OPENSEARCH_INITIAL_ADMIN_PASSWORD|MINIO_ROOT_PASSWORD|MINIO_SECRET_KEY)[ \t]{0,4}[=:][ \t]{0,4}["']?([^\s"'`#,;)}]{1,256})/g;

/**
 * The MongoDB tools' password option: `mongosh … -p <pw>`, `mongo -u admin -p <pw>`, `mongodump --password=<pw>`.
 * Example: `mongosh "mongodb://db:27017" -u admin -p Zq8vLm3K`; not `mongosh -u admin -p` (prompts),
 * `-p $MONGO_PW`, `mongosh -p --authenticationDatabase admin` (the next option, not a value) or `mongosh --port 1`.
 * The tool name must start a command (line start, or after whitespace, `$`, `>`, `|`, `;`, `&` or a backtick).
 */
const MONGO_SHELL_PASSWORD =
  /(?:^|[\s$>|;&`])(?:mongosh|mongo|mongodump|mongorestore|mongoexport|mongoimport)(?=[ \t])[^\n]{0,300}?[ \t](?:-p|--password)(?:[ \t]{1,4}|=)["']?([^\s'"]{1,128})/gm;

/**
 * `redis-cli -a <pw>` (also `--pass`; `-p` is redis-cli's port). Example: `redis-cli -h cache -a Zq8vLm3K ping`;
 * not `redis-cli -a "$REDIS_PW"`.
 */
const REDIS_CLI_PASSWORD =
  /(?:^|[\s$>|;&`])redis-cli(?=[ \t])[^\n]{0,300}?[ \t](?:-a|--pass)(?:[ \t]{1,4}|=)["']?([^\s'"]{1,128})/gm;

/**
 * The Python Elasticsearch/OpenSearch clients' credentials: `http_auth=("elastic", "<pw>")`, `basic_auth=(…)`,
 * `http_auth="elastic:<pw>"`. Example: `Elasticsearch(hosts, http_auth=("elastic", "Zq8vLm3K"))`; not
 * `http_auth=(user, password)` (variables) or `http_auth=awsauth`.
 */
const PY_ES_AUTH_TUPLE =
  /\b(?:http_auth|basic_auth)[ \t]{0,4}=[ \t]{0,4}[([][ \t]{0,4}["']([^"'\n]{1,64})["'][ \t]{0,4},[ \t]{0,4}["']([^"'\n]{1,128})["']/g;
const PY_ES_AUTH_STRING = /\bhttp_auth[ \t]{0,4}=[ \t]{0,4}["']([^:"'\s]{1,64}):([^"'\s]{1,128})["']/g;

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

function noteOf(value: string): { note?: string } {
  const note = defaultPasswordNote(value);
  return note ? { note } : {};
}

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
      hits.push({ rule: 'redis-requirepass', start, end: start + v.length, score: 0.9, ...noteOf(v) });
    }
  }
  for (const m of text.matchAll(DATASTORE_ENV)) {
    const v = m[1]!;
    if (isPlaceholder(v) || v.startsWith('/')) continue;
    const start = m.index + m[0].length - v.length;
    hits.push({ rule: 'datastore-password-env', start, end: start + v.length, score: 0.9, ...noteOf(v) });
  }
  for (const re of [MONGO_SHELL_PASSWORD, REDIS_CLI_PASSWORD]) {
    for (const m of text.matchAll(re)) {
      const v = m[1]!;
      if (isPlaceholder(v) || v.startsWith('$') || v.startsWith('-') || v.startsWith('`')) continue;
      const start = m.index + m[0].length - v.length;
      hits.push({ rule: 'datastore-shell-password', start, end: start + v.length, score: 0.85, ...noteOf(v) });
    }
  }
  for (const re of [PY_ES_AUTH_TUPLE, PY_ES_AUTH_STRING]) {
    for (const m of text.matchAll(re)) {
      const user = m[1]!;
      const v = m[2]!;
      if (isPlaceholder(v) || isPlaceholder(user)) continue;
      const start = m.index + m[0].length - v.length - 1;
      hits.push({ rule: 'elasticsearch-client-auth', start, end: start + v.length, score: 0.85, user, ...noteOf(v) });
    }
  }
  for (const m of text.matchAll(KIBANA_YML)) {
    const v = m[2]!;
    if (isPlaceholder(v)) continue;
    if (m[1] === 'serviceAccountToken' && !looksRandom(v)) continue;
    const start = m.index + m[0].length - v.length;
    hits.push({ rule: 'kibana-elasticsearch-credential', start, end: start + v.length, score: 0.9, ...noteOf(v) });
  }
  for (const m of text.matchAll(CURL_USER)) {
    const user = m[1]!;
    const v = m[2]!;
    if (isPlaceholder(v) || isPlaceholder(user) || v.startsWith('$')) continue;
    const start = m.index + m[0].length - v.length;
    const url = URL_ON_LINE.exec(lineAround(text, m.index))?.[0];
    hits.push({
      rule: 'curl-basic-auth',
      start,
      end: start + v.length,
      score: 0.85,
      user,
      ...(url ? { url } : {}),
      ...noteOf(v),
    });
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
