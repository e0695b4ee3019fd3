import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerCellAt, MAX_ROWS, newColumnCursor, nextColumnCell } from './columns.js';

function cells(text: string, keyword: string): string[] | null {
  const cur = newColumnCursor();
  const at = text.indexOf(keyword);
  if (!headerCellAt(text, at, at + keyword.length, cur)) return null;
  const out: string[] = [];
  while (nextColumnCell(text, cur)) out.push(text.slice(cur.start, cur.end));
  return out;
}

describe('headerCellAt and nextColumnCell', () => {
  it('headerCellAt finds the column of a header cell and nextColumnCell reads it', () => {
    expect(cells('姓名,性别\n张伟,男\n李娜,女', '性别')).toEqual(['男', '女']);
    expect(cells('id\tname\tmail\n1\tJohn\tj@x\n2\tAnn\ta@x', 'name')).toEqual(['John', 'Ann']);
    expect(cells('a;b;客户姓名\r\n1;2;王芳\r\n3;4;赵敏', '姓名')).toEqual(['王芳', '赵敏']);
  });

  it('nextColumnCell trims quotes and spaces and keeps delimiters inside quotes', () => {
    expect(cells('"name","address"\n"Jo","1 Main St, Springfield"\n', 'address')).toEqual(['1 Main St, Springfield']);
    expect(cells('| 姓名 | 电话 |\n|---|---|\n| 张伟 | 138 |', '姓名')).toEqual(['---', '张伟']);
  });

  it('nextColumnCell skips short rows and stops at a blank line or a repeated header', () => {
    expect(cells('a,b,姓名\n1,2,张伟\n1\n3,4,李娜\n\n5,6,王芳', '姓名')).toEqual(['张伟', '李娜']);
    expect(cells('a,姓名\n1,张伟\na,姓名\n2,李娜', '姓名')).toEqual(['张伟']);
  });

  it('headerCellAt rejects keywords that are not a whole delimited cell', () => {
    expect(cells('姓名：张伟\n性别：男', '姓名')).toBeNull();
    expect(cells('请填写姓名,谢谢\nx', '姓名')).not.toBeNull();
    expect(cells('一二三四五六七八九十一二三四五六七八九十一二三四五姓名,电话\n1,2', '姓名')).toBeNull();
    expect(cells('date of birth May 8, 1961\nx', 'birth')).toBeNull();
    expect(cells('姓名\n张伟', '姓名')).toBeNull();
    expect(cells('姓名,电话', '姓名')).toBeNull();
  });

  it('nextColumnCell reads at most MAX_ROWS rows', () => {
    const rows = Array.from({ length: MAX_ROWS + 50 }, (_, i) => `${i},x`).join('\n');
    expect(cells(`姓名,备注\n${rows}`, '姓名')!.length).toBe(MAX_ROWS);
  });

  it('nextColumnCell returns cells that lie on later lines of the text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.stringMatching(/^[a-z0-9 ]{0,6}$/), { minLength: 3, maxLength: 3 }), { maxLength: 20 }),
        (rows) => {
          const text = `k,姓名,v\n${rows.map((r) => r.join(',')).join('\n')}`;
          const got = cells(text, '姓名');
          const want = rows.map((r) => r[1]!.trim()).filter((c) => c.length > 0);
          if (rows.some((r) => r.every((c) => c === ''))) return; // a blank line ends the table
          expect(got).toEqual(want);
        },
      ),
    );
  });
});
