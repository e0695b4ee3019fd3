/**
 * SECRET — credentials assigned to a credential-named key: `password=…`, `"passwd": "…"`, `pwd: …`,
 * `api_key=…`, `apikey`, `secret=…`, `token: …`, `access_key=…`, `aws_secret_access_key = …`, `密码：…`.
 *
 * Spec: key/value syntaxes of config files, environment files, JSON/YAML, URLs' query strings, logs and prose
 * (`=`, `:`, `:=`, `=>`, `==`, `是`/`为` after Chinese keys). Validator: Shannon entropy (`validators/entropy.ts`):
 * a password must look random for its length (two character classes, or a long single-class value with enough
 * entropy); keys and tokens must be at least 16 characters and look random. The reported span is the value only.
 *
 * Command lines count too: `PGPASSWORD=… psql`, `docker login -u admin -p …` (and podman/helm/oras `login`),
 * `sshpass -p …`, `mysql -p…` / `--password=…`, `redis-cli -a …`, and any `--password …` long option.
 *
 * Triggered by KEYWORD at the key name or command; the value is read at most 256 characters after it (a command
 * line is searched at most 160 characters for its password flag).
 *
 * False-positive traps handled: placeholders and templates (`changeme`, `xxx`, `<password>`, `${VAR}`, `{{x}}`,
 * `****`, `%s`, `[REDACTED]`), code references (`password=self.password`, `token = getToken()`,
 * `process.env.X`, `os.environ[...]`), type annotations (`password: string`), empty values, key names that only
 * contain the keyword (`password_hash`, `token_url`: the operator must follow the keyword).
 */
import { defineContext } from '../../context.js';
import { defineRecognizer, type MatchContext, Trigger } from '../../recognizer.js';
import { charClasses, entropyThreshold, looksRandom, shannonEntropy } from '../../validators/entropy.js';

const ID = 'secret-assignment';

/** How a keyword introduces its value. */
enum Kind {
  /** A human-chosen password: `password=…`. */
  Password,
  /** A machine key or token: long and random. */
  Key,
  /** A command whose password follows a flag (`docker login … -p …`). */
  Command,
}

/** Key names and commands, with how each introduces its value. */
const ENTRIES: readonly (readonly [string, Kind])[] = [
  ['password', Kind.Password],
  ['passwd', Kind.Password],
  ['pwd', Kind.Password],
  ['passphrase', Kind.Password],
  ['db_pass', Kind.Password],
  ['pgpassword', Kind.Password],
  ['密码', Kind.Password],
  ['口令', Kind.Password],
  ['secret', Kind.Key],
  ['client_secret', Kind.Key],
  ['secret_key', Kind.Key],
  ['api_key', Kind.Key],
  ['apikey', Kind.Key],
  ['api_secret', Kind.Key],
  ['access_key', Kind.Key],
  ['access_token', Kind.Key],
  ['auth_token', Kind.Key],
  ['refresh_token', Kind.Key],
  ['token', Kind.Key],
  ['secret_access_key', Kind.Key],
  ['aws_secret_access_key', Kind.Key],
  ['secretaccesskey', Kind.Key],
  ['private_key', Kind.Key],
  ['密钥', Kind.Key],
  ['秘钥', Kind.Key],
  ['令牌', Kind.Key],
  ['login', Kind.Command],
  ['sshpass', Kind.Command],
  ['mysql', Kind.Command],
  ['mysqldump', Kind.Command],
  ['mysqladmin', Kind.Command],
  ['redis-cli', Kind.Command],
];

const KEYWORDS: readonly string[] = ENTRIES.map((e) => e[0]);
const KINDS: readonly Kind[] = ENTRIES.map((e) => e[1]);

/** How far a command line is searched for its password flag. */
const MAX_COMMAND = 160;

const NEGATIVE = defineContext({
  negative: ['example', 'sample', 'placeholder', 'dummy', 'fake', 'redacted', 'masked', '示例', '样例', '例如'],
  before: 40,
  after: 0,
});

/** Values that are not secrets: placeholders, nulls, types, env references (compared lower-cased). */
const PLACEHOLDERS = new Set([
  'changeme',
  'change_me',
  'changeit',
  'password',
  'passwd',
  'secret',
  'token',
  'your_password',
  'yourpassword',
  'your-password',
  'your_api_key',
  'your-api-key',
  'your_token',
  'mypassword',
  'my_password',
  'xxx',
  'null',
  'none',
  'nil',
  'undefined',
  'true',
  'false',
  'string',
  'str',
  'int',
  'number',
  'bool',
  'boolean',
  'required',
  'optional',
  'example',
  'test',
  'dummy',
  'placeholder',
  'redacted',
  'hidden',
  'secret_value',
  'empty',
  'default',
]);

/**
 * Template and reference syntaxes. Example match: `${DB_PASSWORD}`; source: shell, Jinja/Mustache, printf, Spring,
 * docs conventions; does not match literal values such as `s3cr3t!`.
 */
const TEMPLATE =
  /^(?:\$\{|\$\(|\{\{|\{%|%\(|%s$|%[A-Z_]+%$|<[^>]{0,64}>$|\[[^\]]{0,64}\]$|\*{3,}|x{3,}$|X{3,}$|\.{3}|·{3,}|#{3,}|process\.env|os\.environ|os\.getenv|env\(|getenv|System\.getenv|ENV\[)/;

/**
 * A file system path (`pwd: /home/user`, `C:\\Users\\me`). Example match: `/home/user`; source: POSIX and Windows
 * path syntax; does not match `/Xk3#pL9q` (a symbol other than `/ . _ -` inside).
 */
const PATH = /^(?:~?\/|\.{1,2}\/|[A-Za-z]:\\)[A-Za-z0-9_./\\-]{0,254}$/;

/** Maximum length of a value. */
const MAX_VALUE = 256;

function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/** Characters that end an unquoted value. */
function endsValue(c: number): boolean {
  return (
    Number.isNaN(c) ||
    c <= 32 ||
    c === 44 ||
    c === 59 ||
    c === 41 ||
    c === 93 ||
    c === 125 ||
    c === 60 ||
    c === 62 ||
    c === 34 ||
    c === 39 ||
    c === 96 ||
    c === 0xff0c ||
    c === 0x3001 ||
    c === 0x3002
  );
}

/** Whether `&` at `i` starts the next query parameter (`&user=`), which ends a value in a URL. */
function nextQueryParam(text: string, i: number): boolean {
  if (text.charCodeAt(i) !== 38) return false;
  let k = i + 1;
  while (k < i + 33 && isWordCode(text.charCodeAt(k))) k++;
  return k > i + 1 && text.charCodeAt(k) === 61;
}

/** Offset just after the assignment operator following the key, or -1. */
function afterOperator(text: string, i: number, cjk: boolean): number {
  // A closing quote of a JSON/YAML key, then spaces.
  const q = text.charCodeAt(i);
  if (q === 34 || q === 39) i++;
  let k = i;
  while (k < i + 4 && isSpace(text.charCodeAt(k))) k++;
  const c = text.charCodeAt(k);
  const c1 = text.charCodeAt(k + 1);
  if (c === 61) return c1 === 61 || c1 === 62 ? k + 2 : k + 1; // = == =>
  if (c === 58) return c1 === 61 ? k + 2 : k + 1; // : :=
  if (cjk && (c === 0x662f || c === 0x4e3a)) return k + 1; // 是 为
  if (!cjk && (c === 105 || c === 73) && (c1 === 115 || c1 === 83) && isSpace(text.charCodeAt(k + 2))) {
    return k > i ? k + 2 : -1; // " is "
  }
  return -1;
}

/**
 * Start of the password after a command's flag on the same line (`login … -p X`, `sshpass -p X`, `mysql -pX`,
 * `mysql --password=X`, `redis-cli -a X`, `… --password X`), or -1.
 */
function afterCommandFlag(text: string, from: number, command: string): number {
  const limit = Math.min(text.length, from + MAX_COMMAND);
  const short = command === 'redis-cli' ? 97 : 112; // -a for redis-cli, -p otherwise
  const glued = command.startsWith('mysql');
  for (let k = from; k < limit; k++) {
    const c = text.charCodeAt(k);
    if (c === 10 || c === 13 || c === 124 || c === 59 || c === 38) return -1; // end of the command
    if (c !== 45 || !isSpace(text.charCodeAt(k - 1))) continue;
    const f = text.charCodeAt(k + 1);
    if (f === short) {
      const after = text.charCodeAt(k + 2);
      if (isSpace(after)) return k + 3;
      if (glued && !isSpace(after) && !Number.isNaN(after)) return k + 2;
    } else if (f === 45 && text.startsWith('password', k + 2)) {
      const after = text.charCodeAt(k + 10);
      if (after === 61 || isSpace(after)) return k + 11;
    }
  }
  return -1;
}

/** Whether a letters-only value reads like a code identifier (`pwd`, `dbPassword`, `db_pass`) rather than random. */
function identifierLike(text: string, start: number, end: number): boolean {
  let transitions = 0;
  let prevUpper = -1;
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === 95 || c === 46) return true;
    const upper = c >= 65 && c <= 90 ? 1 : 0;
    if (prevUpper >= 0 && upper !== prevUpper) transitions++;
    prevUpper = upper;
  }
  // camelCase and PascalCase switch case a few times; random mixed case switches often.
  return transitions < 5;
}

function match(text: string, pos: number, ctx: MatchContext): void {
  const cjk = text.charCodeAt(pos) > 127;
  const kind = KINDS[ctx.keyword] as Kind;
  let i: number;
  if (kind === Kind.Command) {
    if (text.charCodeAt(pos - 1) === 45) return; // `--login`, `x-mysql`: an option or word part, not the command
    i = afterCommandFlag(text, ctx.keywordEnd, KEYWORDS[ctx.keyword] as string);
  } else if (
    text.charCodeAt(pos - 1) === 45 &&
    text.charCodeAt(pos - 2) === 45 &&
    isSpace(text.charCodeAt(ctx.keywordEnd))
  ) {
    // `--password X` long option.
    i = ctx.keywordEnd + 1;
  } else {
    i = afterOperator(text, ctx.keywordEnd, cjk);
  }
  if (i < 0) return;
  const opEnd = i;
  while (i < opEnd + 16 && isSpace(text.charCodeAt(i))) i++;
  const open = text.charCodeAt(i);
  let start: number;
  let end: number;
  const quoted = open === 34 || open === 39 || open === 96;
  if (quoted) {
    start = i + 1;
    end = start;
    const limit = Math.min(text.length, start + MAX_VALUE);
    while (end < limit && text.charCodeAt(end) !== open && text.charCodeAt(end) !== 10) end++;
    if (text.charCodeAt(end) !== open) return;
  } else {
    start = i;
    end = start;
    const limit = Math.min(text.length, start + MAX_VALUE);
    while (end < limit && !endsValue(text.charCodeAt(end)) && !nextQueryParam(text, end)) end++;
    if (end === limit && !endsValue(text.charCodeAt(end))) return;
    // A trailing full stop ends a sentence, not the password.
    while (end > start && text.charCodeAt(end - 1) === 46) end--;
  }
  const n = end - start;
  if (n < 4) return;
  const first = text.charCodeAt(start);
  // Brackets open templates and structures (`[REDACTED]`, `<password>`, `{{x}}`, `(…)`), not passwords.
  if (first === 91 || first === 60 || first === 123 || first === 40) return;
  const value = text.slice(start, end);
  if (TEMPLATE.test(value) || PLACEHOLDERS.has(value.toLowerCase()) || PATH.test(value)) return;
  if (!quoted && !cjk) {
    // Code references: identifiers, member access and calls (`self.password`, `dbPassword`, `getToken()`).
    let letters = true;
    for (let k = start; k < end; k++) {
      const c = text.charCodeAt(k);
      if (!(isWordCode(c) || c === 46) || (c >= 48 && c <= 57)) {
        letters = false;
        break;
      }
    }
    if (letters && (value.includes('.') || (n < 20 && identifierLike(text, start, end)))) return;
    if (text.charCodeAt(end) === 40) return;
  }
  const password = kind !== Kind.Key;
  let score: number;
  if (password) {
    const classes = charClasses(text, start, end);
    let count = 0;
    for (let m = classes; m !== 0; m &= m - 1) count++;
    if (n < 6 && count < 3) return;
    if (count < 2) {
      // Single-class passwords: digits-only PINs of 6+ with entropy (`123456` yes, `888888` no).
      if (!(n >= 6 && shannonEntropy(text, start, end) >= entropyThreshold(n))) return;
      score = 0.7;
    } else {
      if (shannonEntropy(text, start, end) < entropyThreshold(n) * 0.85) return;
      score = looksRandom(text, start, end) ? 0.9 : 0.8;
    }
  } else {
    if (n < 16 || !looksRandom(text, start, end)) return;
    score = 0.9;
  }
  if (ctx.context(pos, end, NEGATIVE) === -1) score -= 0.45;
  ctx.emit({ type: 'SECRET', start, end, score, recognizer: ID, attrs: { kind: password ? 'password' : 'key' } });
}

/**
 * Passwords, API keys and tokens assigned to a credential-named key; the value span is reported.
 *
 * @example
 * createAnalyzer({ recognizers: [secretAssignmentRecognizer] }).detect('DB_PASSWORD=Xk3#pL9q') // [{ start: 12, end: 20, … }]
 */
export const secretAssignmentRecognizer = defineRecognizer({
  id: ID,
  entities: ['SECRET'],
  triggers: Trigger.KEYWORD,
  keywords: KEYWORDS,
  match,
  examples: {
    match: [
      'DB_PASSWORD=Xk3#pL9q',
      '{"password": "hunter2!"}',
      'api_key: 9f86d081884c7d659a2feaa0c55ad015',
      '数据库密码：Tr0ub4dor&3',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzK8sPq2LmT',
    ],
    noMatch: [
      'password=changeme',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal shell placeholder is the input under test
      'password: ${DB_PASSWORD}',
      'password: string;',
      'token = getToken()',
      'PASSWORD=process.env.DB_PASSWORD',
      'password_hash = 5f4dcc3b5aa765d61d8327deb882cf99',
    ],
  },
});
