import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLeakguardError } from '../core/errors.js';
import { isDbUrl, parseDbUrl, redactUrl } from './db-url.js';

const env = {};

describe('parseDbUrl', () => {
  it('`parseDbUrl` parses a PostgreSQL URL with options into a credential-free base when a password is given', () => {
    const spec = parseDbUrl(
      'postgres://scanner:s3cr%40t@DB.Internal/shop?schema=public,crm&tables=users,orders&sample=200&sslmode=require',
      { env },
    );
    expect(spec).toEqual({
      kind: 'postgres',
      host: 'db.internal',
      port: 5432,
      user: 'scanner',
      password: 's3cr@t',
      database: 'shop',
      schemas: ['public', 'crm'],
      tables: ['users', 'orders'],
      sampleRows: 200,
      tls: 'require',
      display:
        'postgres://scanner:***@DB.Internal/shop?schema=public,crm&tables=users,orders&sample=200&sslmode=require',
      base: 'postgres://db.internal:5432/shop',
    });
  });

  it('`parseDbUrl` accepts postgresql://, mysql://, mariadb:// with default ports when none is given', () => {
    expect(parseDbUrl('postgresql://u@h/d', { env })).toMatchObject({
      kind: 'postgres',
      port: 5432,
      base: 'postgres://h:5432/d',
    });
    expect(parseDbUrl('mysql://root@127.0.0.1/test', { env })).toMatchObject({
      kind: 'mysql',
      port: 3306,
      database: 'test',
      base: 'mysql://127.0.0.1:3306',
    });
    expect(parseDbUrl('mariadb://root@h:3307/x', { env })).toMatchObject({ kind: 'mysql', mariadb: true, port: 3307 });
    expect(parseDbUrl('postgres://u@[::1]:6543/d', { env })).toMatchObject({
      host: '::1',
      port: 6543,
      base: 'postgres://[::1]:6543/d',
    });
  });

  it('`parseDbUrl` reads a Unix socket from the host or a query option', () => {
    expect(parseDbUrl('postgres://u@%2Frun%2Fpostgresql/d', { env })).toMatchObject({
      socketPath: '/run/postgresql',
      base: 'postgres://unix:%2Frun%2Fpostgresql/d',
    });
    expect(parseDbUrl('mysql://u@localhost/d?socket=/run/mysqld/mysqld.sock', { env })).toMatchObject({
      socketPath: '/run/mysqld/mysqld.sock',
    });
  });

  it('`parseDbUrl` resolves the password from a named environment variable so the URL can travel without it', () => {
    const spec = parseDbUrl('postgres://scanner@db/shop?passwordEnv=SHOP_PG', { env: { SHOP_PG: 'from-env' } });
    expect(spec).toMatchObject({ password: 'from-env', base: 'postgres://db:5432/shop' });
    expect(spec.display).not.toContain('from-env');
    expect(() => parseDbUrl('postgres://scanner@db/shop?passwordEnv=NOPE', { env })).toThrow(
      /environment variable "NOPE" is not set/,
    );
  });

  it('`parseDbUrl` falls back to PGPASSWORD and MYSQL_PWD when the URL has no password', () => {
    expect(parseDbUrl('postgres://u@h/d', { env: { PGPASSWORD: 'p1' } })).toMatchObject({ password: 'p1' });
    expect(parseDbUrl('mysql://u@h/d', { env: { MYSQL_PWD: 'p2' } })).toMatchObject({ password: 'p2' });
  });

  it('`parseDbUrl` parses sqlite: paths relative, absolute and with three slashes', () => {
    expect(parseDbUrl('sqlite:data/app.db', { cwd: '/work' })).toMatchObject({
      kind: 'sqlite',
      path: '/work/data/app.db',
      base: 'sqlite:/work/data/app.db',
    });
    expect(parseDbUrl('sqlite:///abs/app.db?tables=a,b&sample=5', { cwd: '/x' })).toMatchObject({
      path: '/abs/app.db',
      tables: ['a', 'b'],
      sampleRows: 5,
    });
    expect(parseDbUrl('sqlite:/abs/app.db', { cwd: '/x' })).toMatchObject({ path: '/abs/app.db' });
  });

  it('`parseDbUrl` parses Elasticsearch URLs with an index pattern, credentials and slices', () => {
    const spec = parseDbUrl('es+https://elastic:pw@es.internal:9243/crm-*,users?slices=4&sslmode=verify-ca', { env });
    expect(spec).toEqual({
      kind: 'elasticsearch',
      protocol: 'https',
      host: 'es.internal',
      port: 9243,
      indexPattern: 'crm-*,users',
      user: 'elastic',
      password: 'pw',
      slices: 4,
      tls: 'verify-ca',
      display: 'es+https://elastic:***@es.internal:9243/crm-*,users?slices=4&sslmode=verify-ca',
      base: 'es+https://es.internal:9243',
    });
    expect(parseDbUrl('es+http://h', { env })).toMatchObject({ indexPattern: '*', port: 9200, tls: 'disable' });
    expect(parseDbUrl('es+http://h/x', { env: { LEAKGUARD_ES_API_KEY: 'k' } })).toMatchObject({ apiKey: 'k' });
    expect(parseDbUrl('es+http://h/x?apiKeyEnv=K2', { env: { K2: 'k2' } })).toMatchObject({ apiKey: 'k2' });
  });

  it('`parseDbUrl` throws LG_USAGE naming the option when an option is unknown, repeated or out of range', () => {
    const bad = [
      'postgres://u@h/d?tabels=x',
      'postgres://u@h/d?sample=0',
      'postgres://u@h/d?sample=1e3',
      'postgres://u@h/d?sslmode=maybe',
      'postgres://u@h/d?schema=a&schema=b',
      'es+http://h/a/b',
      'redis://h',
      'sqlite:',
      'postgres://',
      'es+http://h?slices=1x',
    ];
    for (const url of bad) {
      let err: unknown;
      try {
        parseDbUrl(url, { env });
      } catch (e) {
        err = e;
      }
      expect(isLeakguardError(err) && err.code, url).toBe('LG_USAGE');
    }
  });

  it('`parseDbUrl` throws only LG_USAGE and never echoes a password when given arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('postgres://', 'mysql://', 'es+http://', 'sqlite:', 'x://', ''),
        fc.string(),
        fc.string({ minLength: 4 }),
        (scheme, rest, pw) => {
          const secret = `Zq${pw.replace(/[^A-Za-z0-9]/g, '')}9x`;
          const url = `${scheme}u:${secret}@${rest}`;
          try {
            parseDbUrl(url, { env, cwd: '/' });
          } catch (e) {
            expect(isLeakguardError(e) && e.code).toBe('LG_USAGE');
            if (scheme !== 'sqlite:' && scheme !== '') expect((e as Error).message).not.toContain(secret);
          }
        },
      ),
    );
  });
});

describe('redactUrl', () => {
  it('`redactUrl` hides the password and secret query values when present', () => {
    expect(redactUrl('mysql://root:hunter2@db:3306/shop?password=x&schema=a&apiKey=k')).toBe(
      'mysql://root:***@db:3306/shop?password=***&schema=a&apiKey=***',
    );
    expect(redactUrl('postgres://user@h/d')).toBe('postgres://user@h/d');
    expect(redactUrl('es+https://e:p@ss@w0rd@h:9200/x')).toBe('es+https://e:***@h:9200/x');
    expect(redactUrl('not a url at all')).toBe('not a url at all');
  });

  it('`redactUrl` never returns the password when given any userinfo', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z]{1,8}$/),
        fc.stringMatching(/^[A-Za-z0-9!$&'()*+,;=._~%-]{6,20}$/),
        (user, pass) => {
          const out = redactUrl(`postgres://${user}:${pass}@host:5432/db`);
          expect(out).toBe(`postgres://${user}:***@host:5432/db`);
        },
      ),
    );
  });
});

describe('isDbUrl', () => {
  it('`isDbUrl` recognises database schemes and rejects paths when given either', () => {
    expect(
      ['postgres://h', 'POSTGRESQL://h', 'mysql://h', 'mariadb://h', 'sqlite:x.db', 'es+http://h', 'es+https://h'].map(
        isDbUrl,
      ),
    ).toEqual([true, true, true, true, true, true, true]);
    expect(['./data', 'C:\\data', 'https://h', 'file:///x'].map(isDbUrl)).toEqual([false, false, false, false]);
  });
});
