import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intlGenerators } from '../../../synth/intl.js';
import { createSeededRng } from '../../../synth/rng.js';
import { createAnalyzer } from '../../analyzer.js';
import { emailRecognizer } from './email.js';

const analyzer = createAnalyzer({ recognizers: [emailRecognizer], includeMasked: true });

/** [matched text, start, end] of every finding. */
function found(text: string): [string, number, number][] {
  return analyzer.detect(text).map((f) => [text.slice(f.start, f.end), f.start, f.end]);
}

describe('emailRecognizer', () => {
  it('emailRecognizer finds addresses at exact offsets in prose, JSON, HTML and mailto links', () => {
    expect(found('Contact: zhang.san@example.com today')).toEqual([['zhang.san@example.com', 9, 30]]);
    expect(found('{"email":"li.lei+news@163.com","id":1}')).toEqual([['li.lei+news@163.com', 10, 29]]);
    expect(found('<a href="mailto:ops@corp.example.co.uk">mail</a>')).toEqual([['ops@corp.example.co.uk', 16, 38]]);
    expect(found('From: Wang <wang_wei@sina.com>')).toEqual([['wang_wei@sina.com', 12, 29]]);
    expect(found('name,email\nzhao,zhao.min@aliyun.com\n')).toEqual([['zhao.min@aliyun.com', 16, 35]]);
  });

  it('emailRecognizer cuts Chinese text glued to an address', () => {
    expect(found('联系邮箱zhang@qq.com谢谢')).toEqual([['zhang@qq.com', 4, 16]]);
    expect(found('邮箱是张三@qq.com')).toEqual([['张三@qq.com', 3, 12]]);
    expect(found('汉字@qq.com')).toEqual([['汉字@qq.com', 0, 9]]);
    expect(found('请发到１２３４５６７８＠ｑｑ．ｃｏｍ。')).toEqual([['１２３４５６７８＠ｑｑ．ｃｏｍ', 3, 18]]);
  });

  it('emailRecognizer keeps Latin letters with diacritics in the local part', () => {
    expect(found('schreib an müller.jörg@firma.de.')).toEqual([['müller.jörg@firma.de', 11, 31]]);
  });

  it('emailRecognizer flags numeric local parts (QQ numbers)', () => {
    const [f] = analyzer.detect('QQ邮箱 12345678@qq.com');
    expect(f?.attrs).toEqual({ numericLocal: true });
  });

  it('emailRecognizer reports masked addresses as masked', () => {
    const got = analyzer.detect('账号 z***@qq.com 和 ****@163.com');
    expect(got.map((f) => [f.start, f.end, f.masked])).toEqual([
      [3, 14, true],
      [17, 29, true],
    ]);
  });

  it('emailRecognizer ignores decorators, at-rules, npm scopes and versions', () => {
    for (const t of [
      '@Override public void run()',
      '@media (max-width: 600px) {}',
      'npm i @types/node @babel/core@7.24.0',
      'pnpm add react@18.2.0 lodash@latest',
      'follow @leakguard on social',
      'a @ b',
    ]) {
      expect(found(t), t).toEqual([]);
    }
  });

  it('emailRecognizer ignores file names and TLDs that are not country codes', () => {
    for (const t of ['icon@2x.png', 'logo@3x.webp', 'x@y.zz', 'bundle@1.0.js', 'a@b.c'])
      expect(found(t), t).toEqual([]);
  });

  it('emailRecognizer leaves URL userinfo and scp remotes alone', () => {
    expect(found('https://user:pass@host.example.com/x')).toEqual([]);
    expect(found('postgres://app:s3cret@db.example.com:5432/app')).toEqual([]);
    expect(found('git clone git@github.com:org/repo.git')).toEqual([]);
    expect(found('ssh deploy@host.example.com:22')).toEqual([]);
  });

  it('emailRecognizer reports single-label domains only with e-mail context', () => {
    expect(found('user@localhost')).toEqual([]);
    const [f] = analyzer.detect('email: root@localhost');
    expect([f?.start, f?.end, f?.score]).toEqual([7, 21, 0.55]);
  });

  it('emailRecognizer enforces the 64-character local part and 63-character labels', () => {
    expect(found(`${'a'.repeat(65)}@example.com`)).toEqual([]);
    expect(found(`${'a'.repeat(64)}@example.com`)).toHaveLength(1);
    expect(found(`x@${'b'.repeat(64)}.com`)).toEqual([]);
  });

  it('emailRecognizer trims a trailing dot and stops at double dots', () => {
    expect(found('Write to a.b@example.org.')).toEqual([['a.b@example.org', 9, 24]]);
    expect(found('bad .a@example.org')).toEqual([['a@example.org', 5, 18]]);
  });

  it('emailRecognizer scores higher with e-mail context', () => {
    const [plain] = analyzer.detect('x a.b@example.org');
    const [labelled] = analyzer.detect('邮箱：a.b@example.org');
    expect(plain?.score).toBe(0.9);
    expect(labelled?.score).toBe(0.97);
  });

  it('emailRecognizer finds generated addresses embedded in random text', () => {
    const g = intlGenerators.EMAIL_ADDRESS!;
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom('请联系', 'mail ', '（', '"', '\n'), (seed, pre) => {
        const v = g(createSeededRng(seed));
        const got = found(`${pre}${v}，谢谢`);
        return got.length === 1 && got[0]?.[1] === pre.length && got[0]?.[2] === pre.length + v.length;
      }),
    );
  });
});
