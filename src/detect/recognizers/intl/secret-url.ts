/**
 * SECRET — URLs that carry a password (connection strings and HTTP basic auth in URLs).
 *
 * Spec: RFC 3986 authority `scheme://user:password@host`, for data-store schemes (`postgres`, `postgresql`,
 * `mysql`, `mariadb`, `mongodb`, `mongodb+srv`, `redis`, `rediss`, `amqp`, `amqps`, `mssql`, `sqlserver`,
 * `clickhouse`, `cassandra`, `neo4j`, `ldap`, `ldaps`, `ftp`, `sftp`, `smtp`, `smtps`), SQLAlchemy driver suffixes
 * (`postgresql+psycopg2://`), JDBC prefixes (`jdbc:mysql://`) and `http(s)://user:pass@host` (Elasticsearch,
 * Kibana, registries). Default credentials such as `elastic:changeme` count: they open the store all the same.
 *
 * Reported span: the whole URL (scheme to the end of the URL), so that masking it removes host and database names
 * along with the password; `attrs.scheme` names the scheme.
 *
 * Triggered by KEYWORD at the scheme; bounded work (authority ≤ 256 characters, URL ≤ 1 024).
 *
 * Not reported: URLs without a password (`https://user@host`, `postgres://host/db`), templated passwords
 * (`${DB_PASSWORD}`, `<password>`, `{{pass}}`, `%s`, `****`, `xxx`).
 */
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';

const ID = 'secret-url';

const SCHEMES = [
  'postgres',
  'postgresql',
  'mysql',
  'mariadb',
  'mongodb',
  'redis',
  'rediss',
  'amqp',
  'amqps',
  'mssql',
  'sqlserver',
  'clickhouse',
  'cassandra',
  'neo4j',
  'ldap',
  'ldaps',
  'ftp',
  'sftp',
  'smtp',
  'smtps',
  'http',
  'https',
] as const;

const MAX_AUTHORITY = 256;
const MAX_URL = 1024;

/**
 * A templated or masked password. Example match: `${DB_PASSWORD}`; source: common template syntaxes (shell,
 * Jinja/Mustache, printf, angle-bracket docs); does not match `changeme` or `s3cr3t` (real, if weak, passwords).
 */
const PLACEHOLDER =
  /^(?:\$\{[^}]{0,64}\}|\$[A-Za-z_][A-Za-z0-9_]{0,63}|<[^>]{0,64}>|\{\{[^}]{0,64}\}\}|%s|\*+|x{3,}|X{3,}|\.{3,}|\[[^\]]{0,64}\])$/;

function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Characters that end a URL in running text (non-ASCII too: Chinese text is often glued to a URL). */
function endsUrl(c: number): boolean {
  return Number.isNaN(c) || c <= 32 || c > 126 || c === 34 || c === 39 || c === 60 || c === 62 || c === 96;
}

function match(text: string, pos: number, ctx: MatchContext): void {
  let start = pos;
  const prev = text.charCodeAt(pos - 1);
  if (prev === 58 && text.startsWith('jdbc:', pos - 5) && !isWordCode(text.charCodeAt(pos - 6))) start = pos - 5;
  else if (isWordCode(prev) || prev === 43) return;
  // Optional `+driver` suffix, then "://".
  let i = ctx.keywordEnd;
  if (text.charCodeAt(i) === 43) {
    i++;
    const limit = i + 24;
    while (i < limit && (isWordCode(text.charCodeAt(i)) || text.charCodeAt(i) === 45)) i++;
  }
  if (text.charCodeAt(i) !== 58 || text.charCodeAt(i + 1) !== 47 || text.charCodeAt(i + 2) !== 47) return;
  const userStart = i + 3;
  // Authority: find '@' before any of / ? # or a URL end; remember the first ':' (user:password).
  let at = -1;
  let colon = -1;
  const limit = Math.min(text.length, userStart + MAX_AUTHORITY);
  for (let k = userStart; k < limit; k++) {
    const c = text.charCodeAt(k);
    if (c === 64) at = k;
    else if (c === 47 || c === 63 || c === 35 || endsUrl(c)) break;
    else if (c === 58 && colon < 0 && at < 0) colon = k;
  }
  if (at < 0 || colon < 0 || colon > at) return;
  if (at - colon - 1 < 1) return;
  const password = text.slice(colon + 1, at);
  if (PLACEHOLDER.test(password)) return;
  // A host must follow.
  const h = text.charCodeAt(at + 1);
  if (!isWordCode(h) && h !== 91) return;
  let end = at + 1;
  const urlLimit = Math.min(text.length, start + MAX_URL);
  // A closing bracket with no opening one inside the URL belongs to the surrounding text: `(see postgres://…)`.
  let depth = 0;
  for (; end < urlLimit; end++) {
    const c = text.charCodeAt(end);
    if (endsUrl(c)) break;
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) {
      if (depth === 0) break;
      depth--;
    }
  }
  // Trailing sentence punctuation and a closing bracket are not part of the URL.
  for (;;) {
    const c = text.charCodeAt(end - 1);
    if (c === 46 || c === 44 || c === 59 || c === 41 || c === 93 || c === 125) end--;
    else break;
  }
  const scheme = text.slice(pos, ctx.keywordEnd).toLowerCase();
  const score = scheme === 'http' || scheme === 'https' || scheme === 'ftp' ? 0.9 : 0.95;
  ctx.emit({ type: 'SECRET', start, end, score, recognizer: ID, attrs: { kind: 'url-password', scheme } });
}

/**
 * URLs with a password in their userinfo (database, cache, queue and HTTP URLs); the whole URL is reported.
 *
 * @example
 * createAnalyzer({ recognizers: [secretUrlRecognizer] }).detect('DATABASE_URL=postgres://app:s3cr3t@db:5432/app')
 */
export const secretUrlRecognizer = defineRecognizer({
  id: ID,
  entities: ['SECRET'],
  triggers: Trigger.KEYWORD,
  keywords: SCHEMES,
  match,
  examples: {
    match: [
      'DATABASE_URL=postgres://app:Xk3pL9qz@db.internal:5432/app',
      'es: http://elastic:changeme@localhost:9200',
      'jdbc:mysql://root:R00t!pass@10.0.0.5:3306/shop?useSSL=false',
      'MONGO=mongodb+srv://svc:Zq8wT2vK@cluster0.example.net/orders',
    ],
    noMatch: [
      'postgres://db.internal:5432/app',
      'https://user@example.com/path',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal shell placeholder is the input under test
      'redis://:${REDIS_PASSWORD}@cache:6379',
      'see https://example.com:8443/a@b',
    ],
  },
});
