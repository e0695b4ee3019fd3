import { describe, expect, it } from 'vitest';
import { intlGenerators } from '../../../synth/intl.js';
import { createSeededRng } from '../../../synth/rng.js';
import { createAnalyzer } from '../../analyzer.js';
import { secretUrlRecognizer } from './secret-url.js';

const analyzer = createAnalyzer({ recognizers: [secretUrlRecognizer] });

function found(text: string): [string, number, number][] {
  return analyzer.detect(text).map((f) => [text.slice(f.start, f.end), f.start, f.end]);
}

describe('secretUrlRecognizer', () => {
  it('secretUrlRecognizer reports whole connection URLs with passwords', () => {
    expect(found('DATABASE_URL=postgres://app:Xk3pL9qz@db.internal:5432/app')).toEqual([
      ['postgres://app:Xk3pL9qz@db.internal:5432/app', 13, 57],
    ]);
    expect(found('url: "mongodb+srv://svc:Zq8wT2vK@cluster0.example.net/orders?retryWrites=true"')).toEqual([
      ['mongodb+srv://svc:Zq8wT2vK@cluster0.example.net/orders?retryWrites=true', 6, 77],
    ]);
    expect(found('jdbc:mysql://root:R00t!pass@10.0.0.5:3306/shop')).toEqual([
      ['jdbc:mysql://root:R00t!pass@10.0.0.5:3306/shop', 0, 46],
    ]);
    expect(found('sqlalchemy postgresql+psycopg2://u:p4ss@h/db.')).toEqual([
      ['postgresql+psycopg2://u:p4ss@h/db', 11, 44],
    ]);
    expect(found('REDIS_URL=redis://:s3cr3tpw@cache:6379/0')).toEqual([['redis://:s3cr3tpw@cache:6379/0', 10, 40]]);
  });

  it('secretUrlRecognizer counts default credentials in HTTP URLs', () => {
    expect(found('es: http://elastic:changeme@localhost:9200')).toEqual([
      ['http://elastic:changeme@localhost:9200', 4, 42],
    ]);
    expect(analyzer.detect('https://admin:admin@registry.example.com')[0]?.attrs).toEqual({
      kind: 'url-password',
      scheme: 'https',
    });
  });

  it('secretUrlRecognizer stops at brackets, quotes and Chinese text around the URL', () => {
    expect(found('(see amqp://u:p4ss@mq:5672/v)')).toEqual([['amqp://u:p4ss@mq:5672/v', 5, 28]]);
    expect(found('连接串redis://:pw12345@cache:6379，请勿外传')).toEqual([['redis://:pw12345@cache:6379', 3, 30]]);
    expect(found("'postgres://a:b1@h/d'")).toEqual([['postgres://a:b1@h/d', 1, 20]]);
  });

  it('secretUrlRecognizer ignores URLs without a password and templated passwords', () => {
    for (const t of [
      'postgres://db.internal:5432/app',
      'https://user@example.com/path',
      'https://example.com:8443/a@b',
      'postgres://app:@db/app',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal template placeholder is the input under test
      'mysql://root:${MYSQL_PASSWORD}@db/app',
      'mysql://root:<password>@db/app',
      'mysql://root:****@db/app',
      'mysql://root:{{ pass }}@db/app',
      'mysqlx://root:pw@db/app',
      'https://user:pass@',
    ]) {
      expect(found(t), t).toEqual([]);
    }
  });

  it('secretUrlRecognizer finds every generated connection URL whole', () => {
    const g = intlGenerators.SECRET!;
    const rng = createSeededRng(11);
    for (let i = 0; i < 100; i++) {
      const v = g(rng, { like: 'postgres://a:b@c/d', keep: ['kind'] });
      expect(found(`x ${v} y`), v).toEqual([[v, 2, 2 + v.length]]);
    }
  });
});
