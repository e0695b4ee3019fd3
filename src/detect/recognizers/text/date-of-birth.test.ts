import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeededRng } from '../../../synth/rng.js';
import { textGenerators } from '../../../synth/text.js';
import { createAnalyzer } from '../../analyzer.js';
import { dateOfBirthRecognizer } from './date-of-birth.js';

const analyzer = createAnalyzer({ recognizers: [dateOfBirthRecognizer] });

function spans(text: string): [string, number, number][] {
  return analyzer
    .detect(text)
    .filter((f) => f.type === 'DATE_OF_BIRTH')
    .map((f) => [text.slice(f.start, f.end), f.start, f.end]);
}

function pastYears(years: number): string {
  const d = new Date(Date.now() - years * 365.25 * 86_400_000);
  return d.toISOString().slice(0, 10);
}

describe('dateOfBirthRecognizer: formats after a cue', () => {
  it.each([
    ['出生日期：1990年3月7日', '1990年3月7日', 5],
    ['出生日期：1990-03-07', '1990-03-07', 5],
    ['出生日期:1990/3/7', '1990/3/7', 5],
    ['出生日期：1990.03.07', '1990.03.07', 5],
    ['出生日期：19900307', '19900307', 5],
    ['出生于1990年3月7日', '1990年3月7日', 3],
    ['出生时间：1990-03-07 08:30', '1990-03-07', 5],
    ['出生日期（公历）：1990-03-07', '1990-03-07', 9],
    ['生日：1990年03月07号', '1990年03月07号', 3],
    ['DOB: 07/03/1990', '07/03/1990', 5],
    ['D.O.B. 1975-10-10', '1975-10-10', 7],
    ['Date of Birth: March 7, 1990', 'March 7, 1990', 15],
    ['date_of_birth=1988-12-01', '1988-12-01', 14],
    ['born on 7 March 1990', '7 March 1990', 8],
    ['Born: 7th of March, 1990', '7th of March, 1990', 6],
    ['birthday: 07-Mar-1990', '07-Mar-1990', 10],
    ['{"birth_date": "1990-03-07"}', '1990-03-07', 16],
    ['"dateOfBirth":"1999-09-09"', '1999-09-09', 15],
    ['{"dob":"1985-11-23","name":"x"}', '1985-11-23', 8],
    ['csrq: 19851123', '19851123', 6],
  ])('finds the date in %s', (text, value, start) => {
    expect(spans(text)).toEqual([[value, start, start + value.length]]);
  });

  it.each([
    ['1990年3月7日出生于北京', '1990年3月7日', 0],
    ['他于1985-11-23出生在上海', '1985-11-23', 2],
    ['19900307出生', '19900307', 0],
    ['张伟，男，1990年3月7日生日', '1990年3月7日', 5],
    ['嫌疑人冯华睿，男，19640620生，身份证', '19640620', 9],
    ['嫌疑人武新一，男，1964年8月12日生，身份证', '1964年8月12日', 9],
    ['男，1976/12/29生，汉族', '1976/12/29', 2],
  ])('finds the date before the cue in %s', (text, value, start) => {
    expect(spans(text)).toEqual([[value, start, start + value.length]]);
  });

  it('dateOfBirthRecognizer reads year-month after 出生年月 with a lower score', () => {
    const [f] = analyzer.detect('出生年月：1990.03');
    expect([f?.start, f?.end]).toEqual([5, 12]);
    expect(f!.score).toBeLessThan(0.8);
    expect(spans('出生年月：1990年3月')).toEqual([['1990年3月', 5, 12]]);
  });

  it('dateOfBirthRecognizer reads a month-day only after 生日', () => {
    expect(spans('生日：3月7日')).toEqual([['3月7日', 3, 7]]);
    expect(spans('出生：3月7日')).toEqual([]);
  });

  it('dateOfBirthRecognizer scores ambiguous day-month orders below unambiguous ones', () => {
    const iso = analyzer.detect('DOB: 1990-03-07')[0]!.score;
    expect(analyzer.detect('DOB: 07/03/1990')[0]!.score).toBeLessThan(iso);
    expect(analyzer.detect('DOB: 19900307')[0]!.score).toBe(iso);
  });

  it('dateOfBirthRecognizer reads the compact form only next to its cue', () => {
    expect(spans('出生日期（仅供参考，以证件为准）：19900307')).toEqual([]);
  });

  it('dateOfBirthRecognizer marks a holder under 14 as sensitive and gives an age band', () => {
    const child = analyzer.detect(`出生日期：${pastYears(8)}`)[0]!;
    expect(child.sensitive).toBe(true);
    expect(child.attrs).toEqual({ ageBand: '<14' });
    const adult = analyzer.detect(`出生日期：${pastYears(40)}`)[0]!;
    expect(adult.sensitive).toBeUndefined();
    expect(adult.attrs).toEqual({ ageBand: '30-44' });
  });
});

describe('dateOfBirthRecognizer: hard negatives', () => {
  it.each([
    '2024-03-07 12:00:01 INFO request served',
    '订单日期：2023-05-01',
    '发票日期 2023/05/01 金额 100.00',
    '出生证明编号：20190307001',
    '身份证号110105199003070018',
    '出生日期：110105199003070018',
    'birthday party on 2024-05-01',
    '出生日期：2999-01-01',
    '出生日期：1990-02-30',
    '出生日期：1990-13-01',
    '出生日期：1850-01-01',
    '出生地：北京，1990年到上海',
    '今天是我的生日',
    'born in 1990',
    'Birthday: 12/25',
    '生日快乐！2024年3月7日',
    'DOB: 90-03-07',
    '出生人口数据：2023年出生人口902万',
  ])('finds no date of birth in %s', (text) => {
    expect(spans(text)).toEqual([]);
  });

  it('dateOfBirthRecognizer reports no date of birth without a cue', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const d = textGenerators.DATE_OF_BIRTH!(createSeededRng(seed));
        expect(spans(`日期：${d}，更新时间 ${d} 12:00`)).toEqual([]);
      }),
    );
  });
});

describe('dateOfBirthRecognizer: tables', () => {
  it('dateOfBirthRecognizer reads the 出生日期 column of a CSV', () => {
    const csv = '姓名,出生日期\n张伟,1990-03-07\n李娜,1988/12/1\n王芳,未知';
    expect(spans(csv)).toEqual([
      ['1990-03-07', 11, 21],
      ['1988/12/1', 25, 34],
    ]);
  });

  it('dateOfBirthRecognizer reads an HTML table column', () => {
    const html = '<table><tr><th>Name</th><th>DOB</th></tr><tr><td>Jo</td><td>11/14/1954</td></tr></table>';
    expect(spans(html)).toEqual([['11/14/1954', 60, 70]]);
  });

  it('dateOfBirthRecognizer ignores 生 inside words after a date', () => {
    expect(spans('2024年3月7日生产的批次')).toEqual([]);
    expect(spans('2024-03-07生效')).toEqual([]);
  });

  it('dateOfBirthRecognizer reads a dob column', () => {
    expect(spans('id\tdob\n1\t07/03/1990\n2\t1975-10-10')).toEqual([
      ['07/03/1990', 9, 19],
      ['1975-10-10', 22, 32],
    ]);
  });
});

describe('dateOfBirthRecognizer: properties', () => {
  const formats = ['1990-03-07', '1990年3月7日', '07/03/1990', 'March 7, 1990', '19900307', '7 Mar 1990', '1990.03.07'];

  it('dateOfBirthRecognizer finds generated birth dates after a cue at exact offsets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.constantFrom(...formats),
        fc.constantFrom('出生日期：', 'DOB: ', '生日:', 'date of birth ', '"birthday": "'),
        (seed, like, cue) => {
          const d = textGenerators.DATE_OF_BIRTH!(createSeededRng(seed), { like });
          const text = `记录\n${cue}${d}\n`;
          const start = 3 + cue.length;
          expect(spans(text)).toEqual([[d, start, start + d.length]]);
        },
      ),
    );
  });

  it('dateOfBirthRecognizer never reports the date inside a resident ID number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 9999 }), (seed, tail) => {
        const d = textGenerators.DATE_OF_BIRTH!(createSeededRng(seed), { like: '19900307' });
        const id = `110105${d}${String(tail).padStart(4, '0')}`;
        expect(spans(`出生日期及身份证号：${id}`)).toEqual([]);
        expect(spans(`出生日期：${id}`)).toEqual([]);
      }),
    );
  });
});
