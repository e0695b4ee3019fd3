/**
 * `leakguard audit secrets` over a generated git repository: secrets added and later deleted (found only with
 * --history, attributed to the commit that added them), inline suppressions, allowlists, baselines, no false
 * positives on ordinary code, and --verify against the machine's PostgreSQL and Redis on loopback only.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditSecretsResult } from '../../src/audit/secrets/scan.js';
import type { SecretFinding, Verifiable } from '../../src/audit/secrets/types.js';
import { verifySecrets } from '../../src/audit/secrets/verify.js';
import { runAudit } from '../support/audit-cli.js';
import { type Started, startPostgresWithPassword, startRedisWithPassword } from '../support/audit-services.js';

// Secrets assembled at run time so this file itself holds none in one piece.
const S = {
  pg: ['Tr8', 'vLq2', 'Mx9p'].join(''),
  aws: ['wJalrXUtnFEMI', 'K7MDENG', 'bPxRfiCYzq81Lm3nQ4rT'].join('/'),
  redisConf: ['rq', 'P4ss', 'W0rd7'].join(''),
  elastic: ['Zq8v', 'Lm3K', 'x9Pw'].join(''),
  github: `ghp_${'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY1z2A'}`,
  suppressed: ['Sup', 'pr3ss', 'edPw9'].join(''),
  later: ['N3w', 'S3cr', 'etQ7'].join(''),
};

let repo: string;
let firstCommit: string;
const env = { LEAKGUARD_KEY: 'b'.repeat(64), GIT_AUTHOR_NAME: 't', GIT_COMMITTER_NAME: 't' };

function git(...args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], {
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 't@example.invalid',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 't@example.invalid',
    },
  })
    .toString()
    .trim();
}

function put(rel: string, text: string): void {
  const p = join(repo, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
}

/** Ordinary code that must not be reported: ids, hashes, public keys, lockfile integrity, marked fixtures. */
const ORDINARY: Record<string, string> = {
  'src/ids.ts': `export const ids = ['3f1c2b9e-8d7a-4c6b-9e5f-1a2b3c4d5e6f', '00000000-0000-0000-0000-000000000000'];\nexport const sha256 = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';\nexport const commit = 'b7f35fa0c1d2e3f4a5b6c7d8e9f00112233445566';\nconst md5 = 'd41d8cd98f00b204e9800998ecf8427e';\n`,
  'src/auth.ts': `export function login(password: string, token = getToken()) {\n  const secret = process.env.API_SECRET;\n  const apiKey = config.apiKey;\n  return check(password, secret, apiKey);\n}\n`,
  'config/app.yaml':
    'database:\n  host: db.internal\n  password: $' +
    '{DB_PASSWORD}\n  user: app\nredis:\n  url: redis://cache.internal:6379/0\n',
  'keys/deploy.pub': 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq3pQ7xR1Ck2b7nF8aZ0yW3vT5uS9rP4oN6mL2kJ1hG deploy@ci\n',
  'keys/server.pem':
    '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYWnm1bLQ0H3kCwq2N5n0WZbYy3r7\nq1C6g3Kp9o0Zx8v2B3nM4cQ5tR6yU7iO8pA9sD0fG1hJ2kL3zX4cV5bN6m==\n-----END PUBLIC KEY-----\n',
  'package-lock.json':
    '{"packages":{"node_modules/x":{"integrity":"sha512-Vq9mQ2vL8pR4aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY1z2A3b4C5d6E7f8G9h0=="}}}\n',
  'test/__fixtures__/creds.env': `# leakguard:allow-file — test fixture, fake credentials\nPOSTGRES_PASSWORD=fixture-${S.pg}\n`,
  'README.md': 'Set `POSTGRES_PASSWORD=<password>` and run `curl -u "$ES_USER:$ES_PASS" http://localhost:9200`.\n',
};

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'lg-audit-secrets-'));
  git('init', '-q', '-b', 'main');
  put('.env', `APP_ENV=production\nPOSTGRES_PASSWORD=${S.pg}\n`);
  put('deploy/aws.ini', `[default]\naws_secret_access_key = ${S.aws}\n`);
  put('redis/redis.conf', `bind 127.0.0.1\n# requirepass foobared\nrequirepass ${S.redisConf}\n`);
  put('docs/ops.md', `Check the cluster:\n\n    curl -u elastic:${S.elastic} http://127.0.0.1:9200/_cat/indices\n`);
  put(
    'src/db.ts',
    `export const url = 'postgres://postgres:${S.pg}@127.0.0.1:5432/test';\nexport const cache = 'redis://:${S.redisConf}@127.0.0.1:6379/0';\nexport const remote = 'postgres://app:${S.pg}@db.example.com:5432/crm';\n`,
  );
  put(
    'src/allowed.ts',
    `const demo = 'token: ${S.github}'; // leakguard:allow\n// leakguard:allow-next-line\nconst demo2 = "password=${S.suppressed}";\n`,
  );
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
  firstCommit = git('rev-parse', 'HEAD');
  unlinkSync(join(repo, '.env'));
  unlinkSync(join(repo, 'deploy/aws.ini'));
  for (const [p, t] of Object.entries(ORDINARY)) put(p, t);
  git('add', '-A');
  git('commit', '-q', '-m', 'remove secrets, add code');
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

async function audit(
  args: string[],
): Promise<{ exitCode: number; findings: SecretFinding[]; summary: Record<string, unknown>; stdout: string }> {
  const r = await runAudit(
    ['secrets', repo, '--json', '--catalog', join(repo, '..', `${repo.split('/').pop()}-catalog.db`), ...args],
    { env },
  );
  if (r.exitCode === 2) throw new Error(r.stderr);
  const doc = JSON.parse(r.stdout) as { findings: SecretFinding[]; summary: Record<string, unknown> };
  return { exitCode: r.exitCode, findings: doc.findings, summary: doc.summary, stdout: r.stdout };
}

function files(fs: SecretFinding[]): string[] {
  return [...new Set(fs.map((f) => f.file))].sort();
}

describe('leakguard audit secrets', () => {
  it('finds secrets in the working tree and never prints them', async () => {
    const { exitCode, findings, stdout } = await audit([]);
    expect(exitCode).toBe(1);
    expect(files(findings)).toEqual(['docs/ops.md', 'redis/redis.conf', 'src/db.ts']);
    expect(findings.find((f) => f.file === 'redis/redis.conf')).toMatchObject({
      rule: 'redis-requirepass',
      line: 3,
      inWorkingTree: true,
    });
    expect(findings.find((f) => f.file === 'docs/ops.md')).toMatchObject({
      rule: 'curl-basic-auth',
      line: 3,
      target: 'http://127.0.0.1:9200',
    });
    expect(findings.filter((f) => f.file === 'src/db.ts').map((f) => f.target)).toEqual([
      'postgres://127.0.0.1:5432',
      'redis://127.0.0.1:6379',
      'postgres://db.example.com:5432',
    ]);
    for (const s of Object.values(S)) expect(stdout).not.toContain(s);
  });

  it('prints one line per secret, marks deleted ones, and never prints a value', async () => {
    const r = await runAudit(['secrets', repo, '--history', '--catalog', join(repo, '..', 'text-catalog.db')], { env });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        `^\\.env:2  \\S+  \\*+ \\[\\d+ chars\\]  \\[deleted; in history at ${firstCommit.slice(0, 12)}\\]$`,
        'm',
      ),
    );
    expect(r.stdout).toMatch(/secret\(s\) \(2 only in history\); \d+ files, 2 commits/);
    for (const s of Object.values(S)) expect(r.stdout).not.toContain(s);
    const help = await runAudit(['secrets', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/leakguard:allow/);
    const eh = await runAudit(['endpoints', '--help']);
    expect(eh.stdout).toMatch(/ONLY AUDIT ADDRESSES YOU OWN/);
    expect((await runAudit(['bogus'])).exitCode).toBe(2);
  });

  it('reports nothing in ordinary code: UUIDs, hashes, public keys, lockfiles, references, marked fixtures', async () => {
    const { findings } = await audit([]);
    const flagged = findings.filter((f) => f.file in ORDINARY);
    expect(flagged).toEqual([]);
  });

  it('reports nothing in real library code that handles passwords (pg, mysql2, yaml from node_modules)', async () => {
    const corpus = mkdtempSync(join(tmpdir(), 'lg-audit-corpus-'));
    try {
      for (const d of ['pg/lib', 'mysql2/lib', 'yaml/dist'])
        cpSync(join(process.cwd(), 'node_modules', d), join(corpus, d), { recursive: true });
      const r = await runAudit(['secrets', corpus, '--json', '--catalog', join(corpus, 'c.db')], { env });
      const doc = JSON.parse(r.stdout) as { findings: SecretFinding[]; summary: { files: number } };
      expect(doc.summary.files).toBeGreaterThan(100);
      expect(doc.findings.map((f) => `${f.file}:${f.line} ${f.rule}`)).toEqual([]);
      expect(r.exitCode).toBe(0);
    } finally {
      rmSync(corpus, { recursive: true, force: true });
    }
  });

  it('--history finds the deleted secrets, attributed to the commit that added them', async () => {
    const { findings, summary } = await audit(['--history']);
    const deleted = findings.filter((f) => !f.inWorkingTree);
    expect(files(deleted)).toEqual(['.env', 'deploy/aws.ini']);
    for (const f of deleted) expect(f.commit).toBe(firstCommit);
    expect(deleted.find((f) => f.file === '.env')).toMatchObject({ line: 2 });
    expect(summary.commits).toBe(2);
    // Secrets still in the tree are reported once, not again for their commit.
    expect(findings.filter((f) => f.file === 'redis/redis.conf')).toHaveLength(1);
  });

  it('honours inline suppressions and counts them', async () => {
    const { findings, summary } = await audit([]);
    expect(findings.filter((f) => f.file === 'src/allowed.ts')).toEqual([]);
    expect((summary.suppressed as { inline: number }).inline).toBeGreaterThanOrEqual(3);
  });

  it('an allowlist drops paths, values and rules', async () => {
    const allow = join(repo, '..', `${repo.split('/').pop()}-allow.yaml`);
    writeFileSync(allow, "paths: ['docs/**']\nrules: [redis-requirepass]\nvalues: ['db\\.example\\.com']\n");
    const { findings } = await audit(['--allowlist', allow]);
    expect(files(findings)).toEqual(['src/db.ts']);
    expect(findings.map((f) => f.target)).not.toContain('postgres://db.example.com:5432');
    writeFileSync(allow, 'values: ["(a+)+"]\n');
    const bad = await runAudit(['secrets', repo, '--allowlist', allow], { env });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/LG_PATTERN_UNSAFE/);
  });

  it('a baseline silences known findings and reports new ones', async () => {
    const baseline = join(repo, '..', `${repo.split('/').pop()}-baseline.json`);
    const w = await runAudit(['secrets', repo, '--history', '--baseline', baseline, '--update-baseline'], { env });
    expect(w.exitCode).toBe(0);
    const text = (await import('node:fs')).readFileSync(baseline, 'utf8');
    for (const s of Object.values(S)) expect(text).not.toContain(s);
    const quiet = await audit(['--history', '--baseline', baseline]);
    expect(quiet.exitCode).toBe(0);
    expect(quiet.findings).toEqual([]);
    expect((quiet.summary.suppressed as { baseline: number }).baseline).toBeGreaterThanOrEqual(5);
    put('deploy/new.env', `MONGO_INITDB_ROOT_PASSWORD=${S.later}\n`);
    const fresh = await audit(['--history', '--baseline', baseline]);
    expect(fresh.exitCode).toBe(1);
    expect(fresh.findings.map((f) => f.file)).toEqual(['deploy/new.env']);
    unlinkSync(join(repo, 'deploy/new.env'));
  });

  it('--verify checks only named hosts: server-open on trust PostgreSQL and open Redis, skipped elsewhere', async () => {
    const { findings } = await audit(['--verify', '--verify-host', '127.0.0.1']);
    const byTarget = new Map(findings.filter((f) => f.target).map((f) => [f.target, f.verified]));
    // The machine's PostgreSQL trusts loopback and its Redis has no password: both let anyone in, so the
    // credential was not tested — the server is open, which is not the same as a live credential.
    expect(byTarget.get('postgres://127.0.0.1:5432')?.status).toBe('server-open');
    expect(byTarget.get('postgres://127.0.0.1:5432')?.detail).toMatch(/^server open, credential not tested: trust/);
    expect(byTarget.get('redis://127.0.0.1:6379')?.status).toBe('server-open');
    expect(byTarget.get('redis://127.0.0.1:6379')?.detail).toMatch(/^server open, credential not tested: INFO/);
    expect(byTarget.get('postgres://db.example.com:5432')).toEqual({
      status: 'skipped',
      detail: 'host not named with --verify-host',
    });
    const noHosts = await runAudit(['secrets', repo, '--verify'], { env });
    expect(noHosts.exitCode).toBe(2);
    expect(noHosts.stderr).toMatch(/--verify-host/);
  });

  it('the library call accepts a relative path to a repository', async () => {
    const { auditSecrets } = await import('../../src/audit/secrets/scan.js');
    const { createAnalyzer } = await import('../../src/detect/analyzer.js');
    const { builtinRecognizers } = await import('../../src/detect/presets.js');
    const r = await auditSecrets(relative(process.cwd(), repo), {
      analyzer: createAnalyzer({ recognizers: builtinRecognizers, types: ['SECRET'] }),
      fingerprintKey: Buffer.alloc(32, 1),
      history: true,
    });
    expect(r.git).toBe(true);
    expect(r.commits).toBe(2);
    expect(r.findings.filter((f) => !f.inWorkingTree)).toHaveLength(2);
  });

  it('a plain directory (no git) and a missing path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-audit-plain-'));
    try {
      writeFileSync(join(dir, 'settings.env'), `REDIS_PASSWORD=${S.redisConf}\n`);
      writeFileSync(join(dir, 'es.env'), 'ELASTICSEARCH_PASSWORD=changeme\n');
      const r = await runAudit(['secrets', dir, '--json', '--history', '--catalog', join(dir, 'c.db')], { env });
      expect(r.exitCode).toBe(1);
      expect(JSON.parse(r.stdout).summary.git).toBe(false);
      // Elastic's real default password is reported, and said to be one (the engine drops it as a placeholder).
      const es = (JSON.parse(r.stdout).findings as SecretFinding[]).find((f) => f.file === 'es.env');
      expect(es).toMatchObject({ rule: 'datastore-password-env', line: 1 });
      expect(es!.note).toMatch(/well-known default password/);
      const text = await runAudit(['secrets', dir, '--catalog', join(dir, 'c.db')], { env });
      expect(text.stdout).toMatch(/^es\.env:1 .*\(well-known default password: .*\)$/m);
      const missing = await runAudit(['secrets', join(dir, 'nope')], { env });
      expect(missing.exitCode).toBe(2);
      expect(missing.stderr).toMatch(/LG_SOURCE_UNREADABLE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('--verify against servers that check passwords (loopback only)', () => {
  const redisPw = ['Vr1', 'fy-r3dis', '-pw'].join('');
  const pgPw = ['Vr1', 'fy-pg', '-pw'].join('');
  let redis: Started;
  let pg: Started;
  beforeAll(async () => {
    redis = await startRedisWithPassword(redisPw);
    pg = await startPostgresWithPassword(pgPw);
  });
  afterAll(async () => {
    await redis?.close();
    await pg?.close();
  });

  /** Verify connection strings directly (no repository): one finding per verifiable, keyed by its label. */
  async function verify(cases: Record<string, Verifiable>): Promise<Record<string, SecretFinding['verified']>> {
    const result: AuditSecretsResult = {
      findings: [],
      suppressed: { inline: 0, allowlist: 0, baseline: 0 },
      files: 0,
      commits: 0,
      bytes: 0,
      verifiable: new Map(),
      git: false,
    };
    for (const [label, v] of Object.entries(cases)) {
      result.findings.push({
        rule: 'secret-url',
        type: 'SECRET',
        file: label,
        line: 1,
        preview: '***',
        fingerprint: label,
        score: 1,
        inWorkingTree: true,
      });
      result.verifiable.set(label, v);
    }
    await verifySecrets(result, { owned: (h) => h === '127.0.0.1', timeoutMs: 5000 });
    return Object.fromEntries(result.findings.map((f) => [f.file, f.verified]));
  }

  const at = (scheme: string, port: number, user: string, password: string, path = '/'): Verifiable => ({
    scheme,
    host: '127.0.0.1',
    port,
    user,
    password,
    path,
  });

  it('a right password is live and a wrong one refused, on a Redis with requirepass and a scram PostgreSQL', async () => {
    const v = await verify({
      redisRight: at('redis', redis.port, '', redisPw),
      redisWrong: at('redis', redis.port, '', 'WRONG-pw-1'),
      pgRight: at('postgres', pg.port, 'postgres', pgPw, '/postgres'),
      pgWrong: at('postgres', pg.port, 'postgres', 'WRONG-pw-1', '/postgres'),
      pgMissingDb: at('postgres', pg.port, 'postgres', pgPw, '/no_such_db'),
    });
    expect(v.redisRight?.status).toBe('live');
    expect(v.redisRight?.detail).toMatch(/AUTH accepted|db0|keys/);
    expect(v.redisWrong).toMatchObject({ status: 'refused' });
    expect(v.redisWrong?.detail).not.toMatch(/accepted/);
    expect(v.pgRight?.status).toBe('live');
    expect(v.pgRight?.detail).toMatch(/opens .*postgres/);
    expect(v.pgWrong).toEqual({
      status: 'refused',
      detail: 'the credential was refused (password authentication failed)',
    });
    expect(v.pgMissingDb?.status).toBe('live');
    for (const r of Object.values(v)) expect(JSON.stringify(r)).not.toMatch(/Vr1|WRONG/);
  });

  it('a wrong password on a server that never checks one is server-open, not live; a missing role is not a wrong password', async () => {
    const v = await verify({
      redisOpen: at('redis', 6379, '', 'WRONG-pw-1'),
      pgTrust: at('postgres', 5432, 'postgres', 'WRONG-pw-1', '/test'),
      pgNoRole: at('postgres', 5432, 'nosuchrole', 'WRONG-pw-1', '/test'),
    });
    expect(v.redisOpen?.status).toBe('server-open');
    expect(v.redisOpen?.detail).not.toMatch(/AUTH accepted/);
    expect(v.pgTrust?.status).toBe('server-open');
    expect(v.pgTrust?.detail).toMatch(/credential was not tested/);
    expect(v.pgNoRole).toEqual({ status: 'refused', detail: 'the credential was refused (role does not exist)' });
  });

  it('Elasticsearch: live only when security checked the password; server-open when security is off', async () => {
    const { start } = await import('../support/fake-elasticsearch.js');
    const secured = await start({
      auth: { username: 'elastic', password: pgPw },
      seed: { citizens: { docs: [{ a: 1 }] } },
    });
    const open = await start({ seed: { citizens: { docs: [{ a: 1 }] } } });
    try {
      const port = (url: string) => Number(new URL(url).port);
      const v = await verify({
        right: at('http', port(secured.url), 'elastic', pgPw),
        wrong: at('http', port(secured.url), 'elastic', 'WRONG-pw-1'),
        open: at('http', port(open.url), 'elastic', 'WRONG-pw-1'),
      });
      expect(v.right).toMatchObject({ status: 'live', detail: 'opens citizens' });
      expect(v.wrong).toEqual({ status: 'refused', detail: 'the credential was refused (401)' });
      expect(v.open?.status).toBe('server-open');
      expect(v.open?.detail).toMatch(/security off\), so the credential was not tested/);
    } finally {
      await secured.close();
      await open.close();
    }
  });
});

describe('--history reads inline suppressions from the file as it stands at each commit', () => {
  const V = {
    earlierComment: ['Hc1', 'Ear', 'lierK9'].join(''),
    allowFile: ['Hc2', 'Fix', 'tureQ4'].join(''),
    otherHunk: ['Hc3', 'Oth', 'erHunkZ7'].join(''),
    markedLater: ['Hc4', 'Mar', 'kedW2'].join(''),
    moved: ['Hc5', 'Mov', 'edP8'].join(''),
  };
  let dir: string;
  const commits: string[] = [];
  const g = (...args: string[]) =>
    execFileSync('git', ['-C', dir, ...args], {
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Test',
        GIT_AUTHOR_EMAIL: 't@example.invalid',
        GIT_COMMITTER_NAME: 'Test',
        GIT_COMMITTER_EMAIL: 't@example.invalid',
      },
    })
      .toString()
      .trim();
  const w = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  const commit = (msg: string) => {
    g('add', '-A');
    g('commit', '-q', '-m', msg);
    commits.push(g('rev-parse', 'HEAD'));
  };
  const filler = (n: number) => Array.from({ length: n }, (_, i) => `LINE_${i + 1}=x`);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lg-audit-hist-sup-'));
    g('init', '-q', '-b', 'main');
    // 1. An allow-next-line comment above a harmless line; an allow-file fixture; a file of filler lines; a
    //    secret not yet marked; a secret at a path it later moves from.
    w('conf/a.env', `# leakguard:allow-next-line\nREDIS_PASSWORD=\nOTHER=1\n`);
    w('test/fixture.env', '# leakguard:allow-file (fake credentials)\nA=1\n');
    w('conf/c.env', `${filler(10).join('\n')}\n`);
    w('conf/d.env', `MYSQL_PASSWORD=${V.markedLater}\n`);
    w('old/moved.env', `MONGODB_PASSWORD=${V.moved}\n`);
    commit('one');
    // 2. The secret goes on the line the earlier comment covers; the fixture gets a password below its allow-file
    //    line; in c.env an allow-next-line comment covers line 3 while a secret lands on line 8 (another hunk);
    //    d.env's secret is marked allowed; moved.env moves.
    w('conf/a.env', `# leakguard:allow-next-line\nREDIS_PASSWORD=${V.earlierComment}\nOTHER=1\n`);
    w('test/fixture.env', `# leakguard:allow-file (fake credentials)\nA=1\nPOSTGRES_PASSWORD=${V.allowFile}\n`);
    const c = filler(10);
    c[1] = '# leakguard:allow-next-line';
    c[7] = `POSTGRES_PASSWORD=${V.otherHunk}`;
    w('conf/c.env', `${c.join('\n')}\n`);
    w('conf/d.env', `MYSQL_PASSWORD=${V.markedLater} # leakguard:allow\n`);
    unlinkSync(join(dir, 'old/moved.env'));
    w('new/moved.env', `MONGODB_PASSWORD=${V.moved}\n`);
    commit('two');
    // 3. The secret in c.env is deleted again: only history holds it.
    w('conf/c.env', `${filler(10).join('\n')}\n`);
    commit('three');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('suppressions from earlier commits hold; a comment in another hunk does not; a marked or moved secret is not "deleted"', async () => {
    const r = await runAudit(
      ['secrets', dir, '--history', '--json', '--catalog', join(dir, '..', `${dir.split('/').pop()}.db`)],
      {
        env,
      },
    );
    const { findings } = JSON.parse(r.stdout) as { findings: SecretFinding[] };
    const byFile = new Map(findings.map((f) => [f.file, f]));
    // Suppressed by a comment committed before the secret, and by allow-file at the top of the file.
    expect(byFile.has('conf/a.env')).toBe(false);
    expect(byFile.has('test/fixture.env')).toBe(false);
    // The allow-next-line comment at c.env line 2 covers line 3, not the secret on line 8 of another hunk.
    expect(byFile.get('conf/c.env')).toMatchObject({ line: 8, inWorkingTree: false, commit: commits[1] });
    // Marked allowed in the working tree since: the commit that added it unmarked is not reported as deleted.
    expect(byFile.has('conf/d.env')).toBe(false);
    // Moved: reported at its new path in the tree; at its old path, history says where it still is.
    expect(byFile.get('new/moved.env')).toMatchObject({ inWorkingTree: true });
    expect(byFile.get('old/moved.env')).toMatchObject({ inWorkingTree: false, stillInTree: 'new/moved.env:1' });
    const text = await runAudit(
      ['secrets', dir, '--history', '--catalog', join(dir, '..', `${dir.split('/').pop()}.db`)],
      {
        env,
      },
    );
    expect(text.stdout).toMatch(
      /^old\/moved\.env:1 .*\[in history at \w{12}; the value is still in the working tree at new\/moved\.env:1\]$/m,
    );
    expect(text.stdout).not.toMatch(/^old\/moved\.env.*deleted/m);
    expect(text.stdout).toMatch(/^conf\/c\.env:8 .*\[deleted; in history at \w{12}\]$/m);
    for (const v of Object.values(V)) expect(text.stdout + r.stdout).not.toContain(v);
  });
});
