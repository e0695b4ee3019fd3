/**
 * The secret audit: the engine's SECRET recognizers plus the audit rules (`rules.ts`) over a working tree and,
 * with `history`, over every commit's added lines (`git log -p` streamed from a child process, never held
 * whole). Findings are deduplicated by a salted fingerprint, filtered by allowlists, inline suppressions
 * (`leakguard:allow` on the line, `leakguard:allow-next-line` above it, `leakguard:allow-file` in a file's first
 * lines; `gitleaks:allow` is honoured too) and a baseline. Values never leave this module: findings carry
 * masked previews and fingerprints; connection strings are kept in memory only for `--verify`.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import picomatch from 'picomatch';
import { SourceError } from '../../core/errors.js';
import { lineOf, lineStarts } from '../../core/lines.js';
import type { Analyzer } from '../../detect/analyzer.js';
import { maskedPreview } from '../../detect/preview.js';
import { auditRules, isPlaceholder } from './rules.js';
import type { SecretFinding, Verifiable } from './types.js';

/** Allowlist configuration (`--config FILE`, YAML `allow:`). */
export interface SecretAllowlist {
  /** Globs of paths never scanned (relative to the root). */
  paths?: readonly string[];
  /** Regexes (linear-time) of values never reported. */
  values?: readonly RegExp[];
  /** Rule ids never reported. */
  rules?: readonly string[];
}

/** Options of {@link auditSecrets}. */
export interface AuditSecretsOptions {
  /** Analyzer restricted to SECRET (built by the caller so custom config applies). */
  analyzer: Analyzer;
  /** HMAC key for fingerprints (a baseline's salt or the catalog key). */
  fingerprintKey: Uint8Array;
  history?: boolean;
  allow?: SecretAllowlist;
  /** Fingerprints to drop (a baseline). */
  baseline?: ReadonlySet<string>;
  /** Largest file scanned in the working tree (default 8 MiB). */
  maxFileBytes?: number;
  /** Keep connection strings in memory for `--verify`. */
  keepVerifiable?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: { files: number; commits: number; bytes: number }) => void;
}

/** The result of a secret audit. */
export interface AuditSecretsResult {
  findings: SecretFinding[];
  /** Suppressed inline, by allowlist, or by the baseline. */
  suppressed: { inline: number; allowlist: number; baseline: number };
  files: number;
  commits: number;
  bytes: number;
  /** Connection strings by fingerprint (only with `keepVerifiable`). Never print or store. */
  verifiable: Map<string, Verifiable>;
  git: boolean;
}

/** Paths skipped by default: dependencies, lock files, minified and binary artefacts. */
export const DEFAULT_SKIP = [
  '**/node_modules/**',
  '**/vendor/**',
  '**/.git/**',
  '**/.leakguard/**',
  '**/package-lock.json',
  '**/yarn.lock',
  '**/pnpm-lock.yaml',
  '**/go.sum',
  '**/Cargo.lock',
  '**/*.min.js',
  '**/*.map',
  '**/*.{png,jpg,jpeg,gif,webp,ico,pdf,zip,gz,tgz,bz2,xz,7z,jar,class,so,dll,exe,woff,woff2,ttf,otf,mp3,mp4,mov,wasm,parquet,sqlite,db}',
];

const ALLOW_LINE = /(?:leakguard|gitleaks):allow(?!-)/;
const ALLOW_NEXT = /leakguard:allow-next-line/;
const ALLOW_FILE = /leakguard:allow-file/;

interface Hit {
  rule: string;
  start: number;
  end: number;
  score: number;
  url?: string;
  user?: string;
  note?: string;
}

function lineText(text: string, starts: readonly number[], i: number): string {
  const s = starts[i];
  if (s === undefined) return '';
  const e = starts[i + 1] !== undefined ? starts[i + 1]! - 1 : text.length;
  return text.slice(s, e);
}

const DEFAULT_PORT: Record<string, number> = {
  postgres: 5432,
  postgresql: 5432,
  mysql: 3306,
  mariadb: 3306,
  redis: 6379,
  rediss: 6380,
  mongodb: 27017,
  http: 80,
  https: 443,
};

/** Parse a connection URL for verification; null when it has no password or host. */
export function parseVerifiable(url: string, user?: string, password?: string): Verifiable | null {
  const m = /^(?:jdbc:)?([a-z][a-z0-9+]*):\/\//i.exec(url);
  if (!m) return null;
  const scheme = m[1]!.toLowerCase().replace(/\+.*$/, '');
  try {
    const u = new URL(url.replace(/^(?:jdbc:)?[a-z][a-z0-9+]*:/i, 'http:'));
    const pw = password ?? decodeURIComponent(u.password);
    const us = user ?? decodeURIComponent(u.username);
    if (!u.hostname || !pw) return null;
    const port = u.port ? Number(u.port) : (DEFAULT_PORT[scheme] ?? 0);
    if (!port) return null;
    return { scheme, host: u.hostname.replace(/^\[|\]$/g, ''), port, user: us, password: pw, path: u.pathname };
  } catch {
    return null;
  }
}

/** Rules whose value has a kind-naming prefix (`AKIA`, `ghp_`, `eyJh`, `-----`, a URL scheme). */
const PREFIXED = new Set(['secret-token', 'secret-jwt', 'secret-private-key', 'secret-url']);

/**
 * The preview shown for a finding. Tokens and URLs keep the 4-character prefix that names their kind
 * (`maskedPreview`); passwords have no such prefix — four characters of a 12-character password would be a
 * third of it — so they show only their length.
 */
export function previewOf(rule: string, value: string): string {
  if (PREFIXED.has(rule)) return maskedPreview(value, 'SECRET');
  return `******** [${value.length} chars]`;
}

/** A canonical UUID. Example: `3b710889-e2cd-4301-81b4-464d41a7cd92`; not 32 hex digits without hyphens. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const CODE_FILE = /\.(?:[cm]?[jt]sx?|py|go|java|kt|kts|rb|php|cs|rs|swift|scala|c|cc|cpp|h|hpp|m|lua|dart|groovy)$/i;

/**
 * A value the engine read after `password =` / `token:` that is code, not a secret: a call or member access
 * (`encrypt(password, …)`, `url.password`, `this.token`), a UUID, or, in source files, a bare identifier without digits
 * (`mysql_native_password`, `cachingSha2Password`). Config files, .env files and docs keep such values.
 */
export function isCodeReference(rule: string, value: string, next: number, file: string): boolean {
  if (rule !== 'secret-assignment') return false;
  // A UUID after `token:` is an id (request, trace, resource) far more often than a credential.
  if (UUID.test(value)) return true;
  if (next === 40 || next === 46 || next === 91) return true; // ( . [
  if (/[()]/.test(value)) return true;
  if (!CODE_FILE.test(file)) return false;
  if (/^[A-Za-z_$][\w$]{0,127}(?:\.[A-Za-z_$][\w$]{0,127}){1,8}$/.test(value)) return true;
  return /^[A-Za-z_$]{1,128}$/.test(value) && (/[_$]/.test(value) || /[a-z][A-Z]/.test(value));
}

/** Passwords that only ever appear in examples (`http://user:password@proxy:3128`). */
const EXAMPLE_PASSWORDS = new Set([
  'password',
  'pass',
  'passwd',
  'pwd',
  'secret',
  'mypassword',
  'yourpassword',
  'pass123',
  'user',
]);

/** A connection URL whose password is an example word. */
export function isExampleUrl(rule: string, value: string): boolean {
  if (rule !== 'secret-url') return false;
  const m = /^[^:]{1,40}:\/\/[^:@/\s]{0,128}:([^@/\s]{1,128})@/.exec(value);
  if (!m) return false;
  try {
    return EXAMPLE_PASSWORDS.has(decodeURIComponent(m[1]!).toLowerCase());
  } catch {
    return false;
  }
}

class Collector {
  readonly byPrint = new Map<string, SecretFinding>();
  readonly verifiable = new Map<string, Verifiable>();
  readonly suppressed = { inline: 0, allowlist: 0, baseline: 0 };
  /** Fingerprints suppressed inline in the working tree. */
  private readonly treeSuppressed = new Set<string>();
  /** Keyed HMAC of (rule, value) → `file:line` of every secret in the working tree, suppressed or not. */
  private readonly treeValues = new Map<string, string>();
  private readonly allowPath: (p: string) => boolean;

  constructor(private readonly o: AuditSecretsOptions) {
    const globs = [...DEFAULT_SKIP, ...(o.allow?.paths ?? [])];
    this.allowPath = picomatch(globs, { dot: true });
  }

  skipPath(rel: string): boolean {
    return this.allowPath(rel);
  }

  fingerprint(rule: string, file: string, value: string): string {
    return createHmac('sha256', this.o.fingerprintKey).update(`${rule}\0${file}\0${value}`).digest('hex').slice(0, 32);
  }

  private valueKey(rule: string, value: string): string {
    return createHmac('sha256', this.o.fingerprintKey).update(`value\0${rule}\0${value}`).digest('hex').slice(0, 32);
  }

  /** Candidate secrets in `text` (engine SECRET findings plus audit rules), sorted by offset. */
  hits(text: string, file: string): Hit[] {
    if (text.length === 0) return [];
    const hits: Hit[] = [];
    for (const f of this.o.analyzer.detect(text)) {
      if (f.type === 'SECRET') hits.push({ rule: f.recognizer, start: f.start, end: f.end, score: f.score });
    }
    for (const h of auditRules(text, file)) hits.push(h);
    hits.sort((a, b) => a.start - b.start || b.score - a.score);
    return hits;
  }

  /** A placeholder, code, an example URL or allowlisted: not a secret whatever the suppressions say. */
  private dismissed(h: Hit, value: string, text: string, file: string): boolean {
    return (
      isPlaceholder(value) ||
      isCodeReference(h.rule, value, text.charCodeAt(h.end), file) ||
      isExampleUrl(h.rule, value) ||
      (this.o.allow?.rules?.includes(h.rule) ?? false) ||
      (this.o.allow?.values?.some((r) => r.test(value)) ?? false)
    );
  }

  /**
   * Whether any of `hits` could be reported (not overlapped, not dismissed): only then is a history file version
   * read to check its inline suppressions. Most hits in history are code references; reading their blobs would
   * cost more than the diff itself (bench/audit.mjs: +50 % CPU before this check).
   */
  anyReportable(text: string, file: string, hits: readonly Hit[]): boolean {
    let lastEnd = -1;
    for (const h of hits) {
      if (h.start < lastEnd) continue;
      lastEnd = h.end;
      if (!this.dismissed(h, text.slice(h.start, h.end), text, file)) return true;
    }
    return false;
  }

  /** Scan a working-tree file. */
  scan(text: string, file: string): void {
    const hits = this.hits(text, file);
    if (hits.length > 0) this.record(text, file, hits, { lineNo: (i) => i + 1 });
  }

  /**
   * Record `hits` in `text` of `file`. `lineNo(i)` maps the text's line index to the file's line number. Without
   * `suppressedAt`, `text` is the whole file and inline suppressions are read from it; a history scan passes
   * `suppressedAt` (line numbers suppressed in the file as it stands at that commit), because its text holds only
   * the added lines.
   */
  record(
    text: string,
    file: string,
    hits: readonly Hit[],
    where: { commit?: string; lineNo: (i: number) => number; suppressedAt?: (line: number) => boolean },
  ): void {
    const starts = lineStarts(text);
    const inTree = where.commit === undefined;
    let lastEnd = -1;
    for (const h of hits) {
      if (h.start < lastEnd) continue; // overlapping: the earlier (or higher-scoring at the same start) wins
      lastEnd = h.end;
      const value = text.slice(h.start, h.end);
      const li = lineOf(starts, h.start);
      const lineNo = where.lineNo(li);
      const fp = this.fingerprint(h.rule, file, value);
      const inline = where.suppressedAt
        ? where.suppressedAt(lineNo)
        : ALLOW_LINE.test(lineText(text, starts, li)) || (li > 0 && ALLOW_NEXT.test(lineText(text, starts, li - 1)));
      if (inTree) {
        // Remembered even when suppressed: history must not report a secret still in the tree as deleted.
        const key = this.valueKey(h.rule, value);
        if (!this.treeValues.has(key)) this.treeValues.set(key, `${file}:${lineNo}`);
        if (inline) this.treeSuppressed.add(fp);
      }
      // Suppressed at this commit, or suppressed in the working tree at the same path (the same secret, marked
      // allowed since it was added).
      if (inline || (!inTree && this.treeSuppressed.has(fp))) {
        this.suppressed.inline++;
        continue;
      }
      if (this.dismissed(h, value, text, file)) {
        this.suppressed.allowlist++;
        continue;
      }
      if (this.o.baseline?.has(fp)) {
        this.suppressed.baseline++;
        continue;
      }
      const existing = this.byPrint.get(fp);
      let target: string | undefined;
      let ver: Verifiable | null = null;
      if (h.rule === 'secret-url') ver = parseVerifiable(value);
      else if (h.url && h.user) ver = parseVerifiable(h.url, h.user, value);
      if (ver) target = `${ver.scheme}://${ver.host.includes(':') ? `[${ver.host}]` : ver.host}:${ver.port}`;
      if (ver && this.o.keepVerifiable) this.verifiable.set(fp, ver);
      if (existing) {
        if (inTree) {
          existing.inWorkingTree = true;
          existing.line = lineNo;
        } else if (where.commit) existing.commit = where.commit; // git log runs newest first: the last seen added it
        continue;
      }
      const elsewhere = inTree ? undefined : this.treeValues.get(this.valueKey(h.rule, value));
      this.byPrint.set(fp, {
        rule: h.rule,
        type: 'SECRET',
        file,
        line: lineNo,
        preview: previewOf(h.rule, value),
        fingerprint: fp,
        score: h.score,
        inWorkingTree: inTree,
        ...(where.commit ? { commit: where.commit } : {}),
        ...(elsewhere ? { stillInTree: elsewhere } : {}),
        ...(h.note ? { note: h.note } : {}),
        ...(target ? { target } : {}),
      });
    }
  }
}

function run(cmd: string, args: readonly string[], cwd: string): Promise<{ code: number; stdout: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(chunks) }));
  });
}

async function isGitRepo(root: string): Promise<boolean> {
  try {
    const r = await run('git', ['-C', root, 'rev-parse', '--is-inside-work-tree'], root);
    return r.code === 0 && r.stdout.toString().trim() === 'true';
  } catch {
    return false;
  }
}

async function walk(root: string, dir: string, out: string[], skip: (rel: string) => boolean): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const full = join(dir, e.name);
    const rel = relative(root, full).split(sep).join('/');
    if (e.isDirectory()) {
      if (e.name === '.git' || e.name === 'node_modules' || e.name === '.leakguard' || skip(`${rel}/x`)) continue;
      await walk(root, full, out, skip);
    } else if (e.isFile() && !skip(rel)) out.push(rel);
  }
}

function isBinary(buf: Buffer): boolean {
  const n = Math.min(buf.length, 8000);
  for (let i = 0; i < n; i++) if (buf[i] === 0) return true;
  return false;
}

function unquoteGitPath(p: string): string {
  if (!p.startsWith('"')) return p;
  const inner = p.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c === '\\' && i + 1 < inner.length) {
      const n = inner[i + 1]!;
      if (/[0-7]/.test(n)) {
        bytes.push(Number.parseInt(inner.slice(i + 1, i + 4), 8));
        i += 3;
        continue;
      }
      const map: Record<string, number> = { n: 10, t: 9, '"': 34, '\\': 92 };
      bytes.push(map[n] ?? n.charCodeAt(0));
      i++;
      continue;
    }
    for (const b of Buffer.from(c)) bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Largest text of added lines scanned per file per commit (bigger additions are cut). */
const MAX_ADDED = 4 * 1024 * 1024;

/** Inline suppressions of one file version: `allow-file`, and the line numbers an allow comment covers. */
interface Suppressions {
  file: boolean;
  lines: Set<number>;
}

/** Read inline suppressions from a file's full text (1-based line numbers). */
export function suppressionsIn(text: string): Suppressions {
  const lines = new Set<number>();
  const file = ALLOW_FILE.test(text.slice(0, 4000));
  if (!file && /(?:leakguard|gitleaks):allow/.test(text)) {
    let n = 1;
    let at = 0;
    while (at <= text.length) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      const line = text.slice(at, end);
      if (ALLOW_LINE.test(line)) lines.add(n);
      if (ALLOW_NEXT.test(line)) lines.add(n + 1);
      n++;
      at = end + 1;
    }
  }
  return { file, lines };
}

/**
 * One long-lived `git cat-file --batch` process: objects are asked for one at a time (`<oid>` or `<rev>:<path>`)
 * and their first `maxBytes` kept; the rest of a large object is read and dropped. One process for a whole history
 * scan instead of one per file version.
 */
class CatFile {
  private readonly child: import('node:child_process').ChildProcessWithoutNullStreams;
  private buf: Buffer = Buffer.alloc(0);
  private pending: { resolve: (b: Buffer | null) => void } | null = null;
  /** Body being read: bytes still to come (plus the trailing newline), and the kept prefix. */
  private body: { left: number; kept: Buffer[]; keptBytes: number } | null = null;
  private dead = false;

  constructor(
    root: string,
    private readonly maxBytes: number,
  ) {
    this.child = spawn('git', ['-C', root, 'cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (c: Buffer) => {
      this.buf = this.buf.length === 0 ? c : Buffer.concat([this.buf, c]);
      this.pump();
    });
    this.child.stderr.resume();
    const die = () => {
      this.dead = true;
      this.pending?.resolve(null);
      this.pending = null;
    };
    this.child.on('error', die);
    this.child.on('close', die);
    this.child.stdin.on('error', die);
  }

  private pump(): void {
    for (;;) {
      if (!this.pending) return;
      if (!this.body) {
        const nl = this.buf.indexOf(10);
        if (nl < 0) return;
        const header = this.buf.toString('utf8', 0, nl);
        this.buf = this.buf.subarray(nl + 1);
        const m = /^[0-9a-f]+ \w+ (\d+)$/.exec(header);
        if (!m) {
          // `<spec> missing` / `ambiguous`: no object.
          const p = this.pending;
          this.pending = null;
          p.resolve(null);
          continue;
        }
        this.body = { left: Number(m[1]) + 1, kept: [], keptBytes: 0 };
      }
      const b = this.body;
      const take = Math.min(b.left, this.buf.length);
      if (take === 0) return;
      const room = Math.max(0, this.maxBytes - b.keptBytes);
      if (room > 0) {
        const part = this.buf.subarray(0, Math.min(take, room));
        b.kept.push(part);
        b.keptBytes += part.length;
      }
      this.buf = this.buf.subarray(take);
      b.left -= take;
      if (b.left > 0) return;
      this.body = null;
      const p = this.pending;
      this.pending = null;
      const out = Buffer.concat(b.kept);
      // The trailing newline git adds after the object is not content.
      p.resolve(out.length > 0 && b.keptBytes < this.maxBytes ? out.subarray(0, out.length - 1) : out);
    }
  }

  /** The object's first bytes, or null when it does not exist (or git is gone). Calls must not overlap. */
  read(spec: string): Promise<Buffer | null> {
    if (this.dead || /[\n\r]/.test(spec)) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.pending = { resolve };
      this.child.stdin.write(`${spec}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
    if (!this.dead) this.child.kill();
  }
}

/**
 * Inline suppressions of file versions in history, read from each blob as it stands at its commit (the diff holds
 * only the added lines: an allow comment from an earlier commit, or `allow-file` at the top of the file, is not in
 * it). Blobs are read only for files with a hit, once each, through one `git cat-file --batch` (by blob id, or
 * `commit:path` when the diff names none).
 */
class BlobSuppressions {
  private readonly cache = new Map<string, Suppressions>();
  private cat: CatFile | null = null;
  constructor(
    private readonly root: string,
    private readonly maxBytes: number,
  ) {}

  async get(blob: string | null, commit: string, file: string): Promise<Suppressions> {
    const key = blob ?? `${commit}:${file}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    this.cat ??= new CatFile(this.root, this.maxBytes);
    const bytes = await this.cat.read(key);
    const sup: Suppressions = bytes ? suppressionsIn(bytes.toString('utf8')) : { file: false, lines: new Set() };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, sup);
    return sup;
  }

  close(): void {
    this.cat?.close();
  }
}

async function scanHistory(
  root: string,
  c: Collector,
  o: AuditSecretsOptions,
  stats: { commits: number; bytes: number },
): Promise<void> {
  const child = spawn(
    'git',
    [
      '-C',
      root,
      '-c',
      'core.quotePath=false',
      'log',
      '--all',
      '-p',
      '-U0',
      '--full-index',
      '--no-color',
      '--no-ext-diff',
      '--no-renames',
      '--format=%x01%H',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 2000) stderr += d.toString();
  });
  const onAbort = () => child.kill();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  let commit = '';
  let file: string | null = null;
  let blob: string | null = null;
  let newLine = 0;
  let lines: string[] = [];
  let lineNos: number[] = [];
  let size = 0;
  const blobs = new BlobSuppressions(root, o.maxFileBytes ?? 8 * 1024 * 1024);
  const flush = async () => {
    if (file !== null && lines.length > 0 && !c.skipPath(file)) {
      const text = lines.join('\n');
      const hits = c.hits(text, file);
      const nos = lineNos;
      if (hits.length > 0 && !c.anyReportable(text, file, hits)) {
        c.record(text, file, hits, { commit, lineNo: (i) => nos[i] ?? 0, suppressedAt: () => false });
      } else if (hits.length > 0) {
        const sup = await blobs.get(blob, commit, file);
        if (sup.file) c.suppressed.inline += hits.length;
        else {
          c.record(text, file, hits, {
            commit,
            lineNo: (i) => nos[i] ?? 0,
            suppressedAt: (n) => sup.lines.has(n),
          });
        }
      }
    }
    lines = [];
    lineNos = [];
    size = 0;
  };
  const rl = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of rl) {
    stats.bytes += raw.length + 1;
    if (raw.charCodeAt(0) === 1) {
      await flush();
      commit = raw.slice(1).trim();
      file = null;
      stats.commits++;
      if (stats.commits % 200 === 0) o.onProgress?.({ files: 0, commits: stats.commits, bytes: stats.bytes });
      continue;
    }
    if (raw.startsWith('diff --git ')) {
      await flush();
      file = null;
      blob = null;
      continue;
    }
    if (file === null && raw.startsWith('index ')) {
      // `index <old>..<new>[ mode]` (full ids with --full-index): the file version this diff produces.
      const m = /^index [0-9a-f]{7,64}\.\.([0-9a-f]{7,64})/.exec(raw);
      blob = m && !/^0+$/.test(m[1]!) ? m[1]! : null;
      continue;
    }
    if (raw.startsWith('+++ ')) {
      const p = raw.slice(4);
      file = p === '/dev/null' ? null : unquoteGitPath(p).replace(/^b\//, '');
      continue;
    }
    if (raw.startsWith('--- ') && file === null) continue;
    if (raw.startsWith('@@')) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
      newLine = m ? Number(m[1]) : 0;
      continue;
    }
    if (file === null) continue;
    if (raw.startsWith('+')) {
      if (size < MAX_ADDED) {
        lines.push(raw.slice(1));
        lineNos.push(newLine);
        size += raw.length;
      }
      newLine++;
    } else if (raw.startsWith(' ')) newLine++;
  }
  await flush();
  blobs.close();
  o.signal?.removeEventListener('abort', onAbort);
  const code = await exited;
  if (code !== 0 && !o.signal?.aborted) {
    // An empty repository (no commits) has no history: not an error.
    if (/does not have any commits|bad default revision|unknown revision/i.test(stderr)) return;
    throw new SourceError('LG_SOURCE_FAILED', `Cannot read the git history of "${root}": git log exited with ${code}`);
  }
}

/**
 * Audit a directory or git repository for secrets.
 *
 * @throws SourceError LG_SOURCE_UNREADABLE when the root cannot be read; LG_SOURCE_FAILED when git fails
 * @example
 * const r = await auditSecrets('.', { analyzer, fingerprintKey, history: true });
 */
export async function auditSecrets(path: string, o: AuditSecretsOptions): Promise<AuditSecretsResult> {
  // Absolute: git runs with this directory both as its cwd and as `-C`.
  const root = resolve(path);
  let st: import('node:fs').Stats;
  try {
    st = await stat(root);
  } catch (e) {
    throw new SourceError(
      'LG_SOURCE_UNREADABLE',
      `Cannot read "${root}": ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      { cause: e },
    );
  }
  const c = new Collector(o);
  const stats = { files: 0, commits: 0, bytes: 0 };
  const maxBytes = o.maxFileBytes ?? 8 * 1024 * 1024;
  const git = st.isDirectory() && (await isGitRepo(root));
  let files: string[] = [];
  let base = root;
  if (!st.isDirectory()) {
    base = join(root, '..');
    files = [relative(base, root).split(sep).join('/')];
  } else if (git) {
    const r = await run('git', ['-C', root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], root);
    files = r.stdout
      .toString('utf8')
      .split('\0')
      .filter((f) => f.length > 0 && !c.skipPath(f));
  } else await walk(root, root, files, (rel) => c.skipPath(rel));
  for (const rel of files) {
    if (o.signal?.aborted) break;
    let buf: Buffer;
    try {
      const s = await stat(join(base, rel));
      if (!s.isFile() || s.size > maxBytes) continue;
      buf = await readFile(join(base, rel));
    } catch {
      continue; // deleted since listing, or unreadable: nothing to report from it
    }
    if (isBinary(buf)) continue;
    stats.files++;
    stats.bytes += buf.length;
    const text = buf.toString('utf8');
    if (ALLOW_FILE.test(text.slice(0, 4000))) {
      c.suppressed.inline++;
      continue;
    }
    c.scan(text, rel);
    if (stats.files % 500 === 0) o.onProgress?.({ ...stats });
  }
  if (o.history && git) await scanHistory(root, c, o, stats);
  const findings = [...c.byPrint.values()].sort(
    (a, b) => Number(b.inWorkingTree) - Number(a.inWorkingTree) || a.file.localeCompare(b.file) || a.line - b.line,
  );
  return {
    findings,
    suppressed: c.suppressed,
    files: stats.files,
    commits: stats.commits,
    bytes: stats.bytes,
    verifiable: c.verifiable,
    git,
  };
}
