import { describe, expect, it } from 'vitest';
import { auditRules, isPlaceholder } from './rules.js';
import { isCodeReference, isExampleUrl, parseVerifiable } from './scan.js';

const pw = ['Hq7', 'xLm', '29Tz'].join('');

function rules(text: string, file = 'x.txt'): string[] {
  return auditRules(text, file).map((h) => `${h.rule}:${text.slice(h.start, h.end)}`);
}

describe('auditRules', () => {
  it('finds data-store credentials where they are usually left', () => {
    expect(rules(`requirepass ${pw}\n`, 'redis.conf')).toEqual([`redis-requirepass:${pw}`]);
    expect(rules(`POSTGRES_PASSWORD=${pw}\n`, '.env')).toEqual([`datastore-password-env:${pw}`]);
    expect(rules(`  - MYSQL_ROOT_PASSWORD: root\n`, 'docker-compose.yml')).toEqual(['datastore-password-env:root']);
    expect(rules(`elasticsearch.password: "${pw}"\n`, 'kibana.yml')).toEqual([`kibana-elasticsearch-credential:${pw}`]);
    expect(rules(`curl -u elastic:${pw} http://es:9200/_cat/indices\n`)).toEqual([`curl-basic-auth:${pw}`]);
    const basic = Buffer.from(`elastic:${pw}`).toString('base64');
    expect(rules(`Authorization: Basic ${basic}\n`)).toEqual([`http-authorization-header:${basic}`]);
  });

  it('skips placeholders, commented defaults, file references and templates', () => {
    expect(rules('# requirepass foobared\n', 'redis.conf')).toEqual([]);
    expect(
      rules(
        `POSTGRES_PASSWORD=$${'{'}PG_PASS}\nPOSTGRES_PASSWORD_FILE=/run/secrets/pg\nREDIS_PASSWORD=<password>\n`,
        '.env',
      ),
    ).toEqual([]);
    expect(rules('curl -u "$USER:$PASS" http://x\n')).toEqual([]);
    expect(rules(`Authorization: Basic ${Buffer.from('nocolon').toString('base64')}\n`)).toEqual([]);
    expect(rules('Authorization: Bearer aaaaaaaaaaaaaaaaaaaa\n')).toEqual([]);
    expect(isPlaceholder('AKIAIOSFODNN7EXAMPLE')).toBe(true);
    expect(isPlaceholder('changeme')).toBe(false);
  });
});

describe('code and example filters', () => {
  it('treats calls, member paths and identifiers in source files as code', () => {
    expect(isCodeReference('secret-assignment', 'encrypt', '('.charCodeAt(0), 'a.js')).toBe(true);
    expect(isCodeReference('secret-assignment', 'url.password', 59, 'a.ts')).toBe(true);
    expect(isCodeReference('secret-assignment', 'mysql_native_password', 44, 'a.js')).toBe(true);
    expect(isCodeReference('secret-assignment', 'cachingSha', 44, 'a.py')).toBe(true);
    expect(isCodeReference('secret-assignment', pw, 59, 'a.js')).toBe(false);
    expect(isCodeReference('secret-assignment', 'mysql_native_password', 10, 'settings.env')).toBe(false);
  });

  it('treats example-word passwords in URLs as examples', () => {
    expect(isExampleUrl('secret-url', 'http://user:password@proxy:3128')).toBe(true);
    expect(isExampleUrl('secret-url', `postgres://app:${pw}@db:5432/x`)).toBe(false);
  });

  it('parses connection strings for verification, without keeping anything for URLs lacking a password', () => {
    expect(parseVerifiable(`postgresql+psycopg2://app:${pw}@10.0.0.5/crm`)).toEqual({
      scheme: 'postgresql',
      host: '10.0.0.5',
      port: 5432,
      user: 'app',
      password: pw,
      path: '/crm',
    });
    expect(parseVerifiable(`jdbc:mysql://root:${pw}@db:3307/x`)?.port).toBe(3307);
    expect(parseVerifiable('redis://cache:6379/0')).toBeNull();
  });
});
