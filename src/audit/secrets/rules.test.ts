import { describe, expect, it } from 'vitest';
import { auditRules, defaultPasswordNote, isPlaceholder } from './rules.js';
import { isCodeReference, isExampleUrl, parseVerifiable, suppressionsIn } from './scan.js';

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

describe('auditRules: data-store credentials in shells, client code and env files', () => {
  it('finds mongosh/mongo -p, redis-cli -a, ES_PASS, ELASTICSEARCH_PASSWORD and the Python client http_auth', () => {
    expect(rules(`mongosh "mongodb://db.internal:27017/admin" -u admin -p ${pw}\n`, 'docs/ops.md')).toEqual([
      `datastore-shell-password:${pw}`,
    ]);
    expect(rules(`$ mongo -u admin -p ${pw} --authenticationDatabase admin\n`, 'README.md')).toEqual([
      `datastore-shell-password:${pw}`,
    ]);
    expect(rules(`mongodump --uri mongodb://db --username app --password=${pw}\n`)).toEqual([
      `datastore-shell-password:${pw}`,
    ]);
    expect(rules(`redis-cli -h cache -p 6380 -a ${pw} ping\n`)).toEqual([`datastore-shell-password:${pw}`]);
    expect(rules(`ES_PASS=${pw}\n`, '.env')).toEqual([`datastore-password-env:${pw}`]);
    expect(rules(`export ES_PASSWORD="${pw}"\n`, 'deploy.sh')).toEqual([`datastore-password-env:${pw}`]);
    expect(rules(`es = Elasticsearch(["http://es:9200"], http_auth=("elastic", "${pw}"))\n`, 'app.py')).toEqual([
      `elasticsearch-client-auth:${pw}`,
    ]);
    expect(rules(`client = Elasticsearch(url, basic_auth=('elastic','${pw}'))\n`, 'app.py')).toEqual([
      `elasticsearch-client-auth:${pw}`,
    ]);
    expect(rules(`es = Elasticsearch(url, http_auth="elastic:${pw}")\n`, 'app.py')).toEqual([
      `elasticsearch-client-auth:${pw}`,
    ]);
  });

  it('reports a well-known default password as such, with the reason, instead of dropping it as a placeholder', () => {
    const [hit] = auditRules('ELASTICSEARCH_PASSWORD=changeme\n', '.env');
    expect(hit).toMatchObject({ rule: 'datastore-password-env' });
    expect(hit!.note).toMatch(/^well-known default password: .*Elasticsearch.*elastic\/changeme/);
    expect(auditRules('requirepass foobared\n', 'redis.conf')[0]!.note).toMatch(/redis\.conf/);
    expect(auditRules(`ES_PASS=${pw}\n`, '.env')[0]!.note).toBeUndefined();
    expect(defaultPasswordNote('ChangeMe')).toBe(defaultPasswordNote('changeme')); // case-insensitive
    expect(defaultPasswordNote('ChangeMe')).toMatch(/^well-known default password: .*elastic\/changeme/);
    expect(defaultPasswordNote(pw)).toBeUndefined();
  });

  it('no false positives: prompts, variables, next options, ports and lookalike names', () => {
    expect(rules('mongosh "mongodb://db:27017" -u admin -p\n')).toEqual([]);
    expect(rules('mongosh -u admin -p --authenticationDatabase admin\n')).toEqual([]);
    expect(rules('mongo -u "$MONGO_USER" -p "$MONGO_PW"\n')).toEqual([]);
    expect(rules('mongosh --port 27017 --host db\n')).toEqual([]);
    expect(rules('redis-cli -h cache -p 6379 ping\n')).toEqual([]);
    expect(rules('redis-cli -a "$REDIS_PASSWORD" ping\n')).toEqual([]);
    expect(rules('grep -p pattern mongo.log\n')).toEqual([]);
    expect(rules('const mongoose = require("mongoose"); run("-p", port);\n', 'a.js')).toEqual([]);
    expect(rules('es = Elasticsearch(url, http_auth=(user, password))\n', 'app.py')).toEqual([]);
    expect(rules('es = Elasticsearch(url, http_auth=awsauth)\n', 'app.py')).toEqual([]);
    expect(rules('NODES_PASS=1\nES_PASS=$' + '{ES_PASS}\nES_PASSWORD=<password>\n', '.env')).toEqual([]);
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

describe('suppressionsIn', () => {
  it('maps allow comments of a whole file version to the line numbers they cover', () => {
    const text = 'a\n// leakguard:allow-next-line\nb\nc // leakguard:allow\nd # gitleaks:allow\ne';
    expect([...suppressionsIn(text).lines].sort()).toEqual([3, 4, 5]);
    expect(suppressionsIn('# leakguard:allow-file\nx').file).toBe(true);
    expect(suppressionsIn(`${'x\n'.repeat(3000)}# leakguard:allow-file\n`).file).toBe(false);
    expect(suppressionsIn('no comments here').lines.size).toBe(0);
  });
});
