import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineContext, scoreContext } from '../../context.js';
import type { MatchContext } from '../../recognizer.js';
import { clauseContext, defineClauseContext, FAR_NEGATIVE, isClauseBreak } from './shared.js';

const SPEC = defineClauseContext(defineContext({ positive: ['手机', 'phone'], negative: ['订单', 'QQ', 'order'] }));

/** A match context whose `context` is the analyzer's (`scoreContext` over `text`). */
function ctxOf(text: string): MatchContext {
  return {
    text,
    runEnd: 0,
    keyword: 0,
    keywordEnd: 0,
    context: (start, end, spec) => scoreContext(text, start, end, spec),
    emit: () => undefined,
  };
}

/** `clauseContext` for the first `13812345678` in `text`. */
function at(text: string): number {
  const start = text.indexOf('13812345678');
  return clauseContext(text, start, start + 11, ctxOf(text), SPEC);
}

describe('clauseContext', () => {
  it('clauseContext returns FAR_NEGATIVE when the nearest negative word is in another clause', () => {
    expect(at('订单DD20250826212787，退回13812345678')).toBe(FAR_NEGATIVE);
    expect(at('15917036001、13812345678，QQ邮箱a@b.com')).toBe(FAR_NEGATIVE);
    expect(at('寄：韦茹娜 13812345678；订单：SF4437762266517')).toBe(FAR_NEGATIVE);
    expect(at('序号,QQ,姓名\n1,张三,13812345678')).toBe(FAR_NEGATIVE);
    expect(at('订单 | 13812345678')).toBe(FAR_NEGATIVE);
    expect(at('order 1234; 13812345678')).toBe(FAR_NEGATIVE);
  });

  it('clauseContext ignores words on the next line after the value (another record), not the line above', () => {
    expect(at('寄：韦茹娜 13812345678\n订单：SF4437762266517')).toBe(0);
    expect(at('序号,QQ,姓名\n1,张三,13812345678')).toBe(FAR_NEGATIVE);
  });

  it('clauseContext returns -1 when a negative word labels the value in its own clause', () => {
    expect(at('订单号：13812345678')).toBe(-1);
    expect(at('{"order_id":"13812345678"}')).toBe(-1);
    expect(at('13812345678是我的QQ号，请加')).toBe(-1);
    expect(at('手机，订单号13812345678')).toBe(-1);
  });

  it('clauseContext returns 1 for a positive word in the clause when a nearer negative word is beyond a break', () => {
    expect(at('手机13812345678，QQ 1234')).toBe(1);
  });

  it('clauseContext agrees with the plain context whenever that is not negative', () => {
    expect(at('13812345678')).toBe(0);
    expect(at('手机：13812345678')).toBe(1);
    expect(at('手机号码，订单，13812345678')).toBe(FAR_NEGATIVE);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('手机', '订单', 'QQ', 'phone', '，', '、', ',', '\n', ' ', ':', '号', 'a', '1'), {
          maxLength: 12,
        }),
        fc.array(fc.constantFrom('手机', '订单', 'QQ', '，', '、', '\n', ' ', '号', 'a'), { maxLength: 8 }),
        (pre, post) => {
          const text = `${pre.join('')}13812345678${post.join('')}`;
          const start = pre.join('').length;
          const ctx = ctxOf(text);
          const full = ctx.context(start, start + 11, SPEC.full);
          const got = clauseContext(text, start, start + 11, ctx, SPEC);
          if (full !== -1) expect(got).toBe(full);
          else expect([-1, 1, FAR_NEGATIVE]).toContain(got);
          // Without a clause break in the text, nothing changes.
          if (!Array.from(text).some((ch) => isClauseBreak(ch.charCodeAt(0)))) expect(got).toBe(full);
        },
      ),
    );
  });

  it('isClauseBreak accepts clause punctuation of both widths and line breaks, and nothing inside values', () => {
    for (const ch of [',', '，', ';', '；', '。', '、', '!', '！', '?', '？', '\t', '|', '\n', '\r']) {
      expect(isClauseBreak(ch.charCodeAt(0)), JSON.stringify(ch)).toBe(true);
    }
    for (const ch of [' ', '-', ':', '：', '=', '"', '(', ')', '·', '.', '/', '0', 'a', '号']) {
      expect(isClauseBreak(ch.charCodeAt(0)), JSON.stringify(ch)).toBe(false);
    }
  });
});
