import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeededRng } from '../../../synth/rng.js';
import { generateChineseAddress, generateUsAddress } from '../../../synth/text.js';
import { createAnalyzer } from '../../analyzer.js';
import { addressRecognizer } from './address.js';

const analyzer = createAnalyzer({ recognizers: [addressRecognizer] });

function spans(text: string): [string, number, number][] {
  return analyzer
    .detect(text)
    .filter((f) => f.type === 'ADDRESS')
    .map((f) => [text.slice(f.start, f.end), f.start, f.end]);
}

describe('addressRecognizer: Chinese addresses with a cue', () => {
  it.each([
    [
      '收货地址：广东省深圳市南山区科技园路1号阳光花园3栋2单元502室',
      '广东省深圳市南山区科技园路1号阳光花园3栋2单元502室',
      5,
    ],
    ['地址：北京市海淀区中关村大街1号，电话：010-12345678', '北京市海淀区中关村大街1号', 3],
    ['户籍地址：浙江省杭州市西湖区文三路478号', '浙江省杭州市西湖区文三路478号', 5],
    ['住址:四川省成都市武侯区人民南路四段12号', '四川省成都市武侯区人民南路四段12号', 3],
    ['家庭住址：北京市朝阳区建国路88号', '北京市朝阳区建国路88号', 5],
    ['地址：中关村大街1号', '中关村大街1号', 3],
    ['地址：阳光花园2-1-302', '阳光花园2-1-302', 3],
    ['收件人：张三 地址：江苏省苏州市工业园区星湖街328号 邮编215000', '江苏省苏州市工业园区星湖街328号', 10],
    ['籍贯：江苏南京', '江苏南京', 3],
    ['现住址：河北省石家庄市长安区', '河北省石家庄市长安区', 4],
    ['{"address": "上海市黄浦区南京东路100号"}', '上海市黄浦区南京东路100号', 13],
    ['寄往广州市天河区体育西路103号', '广州市天河区体育西路103号', 2],
  ])('finds the address in %s', (text, value, start) => {
    expect(spans(text)).toEqual([[value, start, start + value.length]]);
  });

  it('addressRecognizer scores a province-only value after a label low but above the threshold', () => {
    const [f] = analyzer.detect('籍贯：山东');
    expect(f?.score).toBeGreaterThanOrEqual(0.5);
    expect(f?.score).toBeLessThan(0.7);
  });

  it('addressRecognizer puts only the coarse province in attrs', () => {
    const [f] = analyzer.detect('地址：广东省深圳市南山区科技园路1号');
    expect(f?.attrs).toEqual({ country: 'CN', province: '广东' });
  });
});

describe('addressRecognizer: Chinese addresses without a cue', () => {
  it.each([
    ['他家住海淀区中关村大街1号院2号楼', '海淀区中关村大街1号院2号楼', 3],
    ['河南省周口市郸城县汲冢镇王庄村5组', '河南省周口市郸城县汲冢镇王庄村5组', 0],
    ['广东深圳南山区科技园路1号', '广东深圳南山区科技园路1号', 0],
    ['杭州西湖区文三路478号', '杭州西湖区文三路478号', 0],
    ['杭州市西湖区文三路478号', '杭州市西湖区文三路478号', 0],
    ['上海市浦东新区张江路1号', '上海市浦东新区张江路1号', 0],
    ['延边朝鲜族自治州延吉市人民路5号', '延边朝鲜族自治州延吉市人民路5号', 0],
    ['浙江省温州市鹿城区五马街道解放街123号', '浙江省温州市鹿城区五马街道解放街123号', 0],
    ['广西壮族自治区南宁市青秀区民族大道100号', '广西壮族自治区南宁市青秀区民族大道100号', 0],
    ['我住在北京市朝阳区建国门外大街甲1号国贸大厦A座1201室附近', '北京市朝阳区建国门外大街甲1号国贸大厦A座1201室', 3],
    ['北京市 海淀区 中关村大街 1号', '北京市 海淀区 中关村大街 1号', 0],
    ['快递送到朝阳区望京街道阜通东大街6号3栋2单元301，谢谢', '朝阳区望京街道阜通东大街6号3栋2单元301', 4],
    ['陕西省西安市雁塔区小寨东路1号2#楼', '陕西省西安市雁塔区小寨东路1号2#楼', 0],
    ['住江苏南京市鼓楼区中山北路 765 号碧桂园 6 栋22楼，', '江苏南京市鼓楼区中山北路 765 号碧桂园 6 栋22楼', 1],
    ['住广东省广州市天河区体育西路683号融创壹号26栋4楼。', '广东省广州市天河区体育西路683号融创壹号26栋4楼', 1],
    [
      '称福建省厦门市思明区莲前西路 162 号创新园A座 3 层2307室有人打架',
      '福建省厦门市思明区莲前西路 162 号创新园A座 3 层2307室',
      1,
    ],
    ['修改收货地址为上海市浦东新区碧波路 729 弄 25 号204室', '上海市浦东新区碧波路 729 弄 25 号204室', 7],
    ['北京市海淀区城北街道学院路702号（邮编100080）', '北京市海淀区城北街道学院路702号', 0],
  ])('finds the address in %s', (text, value, start) => {
    expect(spans(text)).toEqual([[value, start, start + value.length]]);
  });

  it('addressRecognizer stops at a field label after the address', () => {
    expect(spans('北京市海淀区中关村大街1号电话13812345678')).toEqual([['北京市海淀区中关村大街1号', 0, 13]]);
    expect(spans('北京市海淀区中关村大街1号联系人张三')).toEqual([['北京市海淀区中关村大街1号', 0, 13]]);
  });
});

describe('addressRecognizer: hard negatives', () => {
  it.each([
    '我在上海工作，周末去江苏省玩',
    '江苏省南京市',
    '广东省深圳市南山区',
    '北京市海淀区人民法院依法判决',
    '朝阳区政府发布通知',
    '北京市朝阳区的一家餐厅',
    '中山路上新开了一家店',
    '乘坐地铁1号线到人民广场',
    '广州塔很高',
    '山东大学和浙江大学',
    '从北京到上海的高铁',
    '他出生于湖南省长沙市，1990年来到北京',
    '新华社北京3月7日电 国务院总理主持召开常务会议',
    '本市区内共有三个区县，市区人口超过五百万',
    '社区工作人员挨家挨户走访，小区物业通知停水',
    '全国人大代表、广东省政协委员在会上发言',
    '网址：www.example.com',
    'IP地址：192.168.1.1',
    '邮箱地址：a@example.com',
    '上海市第一人民医院',
  ])('finds no address in %s', (text) => {
    expect(spans(text)).toEqual([]);
  });
});

describe('addressRecognizer: US-style addresses', () => {
  it.each([
    ['1600 Amphitheatre Parkway, Mountain View, CA 94043', '1600 Amphitheatre Parkway, Mountain View, CA 94043', 0],
    ['Address: 221B Baker Street', '221B Baker Street', 9],
    ['Ship to: 350 5th Avenue, New York, NY 10118', '350 5th Avenue, New York, NY 10118', 9],
    ['at 123 Main St. Springfield, IL 62704-1234 yesterday', '123 Main St. Springfield, IL 62704-1234', 3],
    ['1 Infinite Loop, Cupertino, CA 95014', '1 Infinite Loop, Cupertino, CA 95014', 0],
    ['742 Evergreen Terrace, Apt 4B, Springfield, OR 97403', '742 Evergreen Terrace, Apt 4B, Springfield, OR 97403', 0],
    ['10 Downing Street, London', '10 Downing Street', 0],
    [
      'My new address is 5639 W Washington Drive, Columbus, OH 43240-5330. Please',
      '5639 W Washington Drive, Columbus, OH 43240-5330',
      18,
    ],
    [
      'update the address to 1008 N River Avenue, Apt. 27, Seattle, WA 98198.',
      '1008 N River Avenue, Apt. 27, Seattle, WA 98198',
      22,
    ],
    [
      '地址：1600 Amphitheatre Parkway, Mountain View, CA 94043',
      '1600 Amphitheatre Parkway, Mountain View, CA 94043',
      3,
    ],
  ])('finds the address in %s', (text, value, start) => {
    expect(spans(text)).toEqual([[value, start, start + value.length]]);
  });

  it('addressRecognizer scores a bare street without city lower than a full address', () => {
    const bare = analyzer.detect('221B Baker Street')[0]!;
    const full = analyzer.detect('1600 Amphitheatre Parkway, Mountain View, CA 94043')[0]!;
    expect(bare.score).toBeLessThan(full.score);
    expect(full.attrs).toEqual({ country: 'US' });
  });

  it.each([
    'We sold 5 units last week',
    'version 2 Drive Update',
    '2024-03-07 12:00:01 GET /api/v1/users 200 OK',
    'Total: $100 Main Street Bank fee',
    'order 123 shipped',
    'I have 3 apples and 4 oranges',
    'HTTP 404 Not Found',
  ])('finds no address in %s', (text) => {
    expect(spans(text)).toEqual([]);
  });
});

describe('addressRecognizer: tables', () => {
  it('addressRecognizer reads the 地址 column of a CSV', () => {
    const csv = '地址,电话\n北京市海淀区中关村大街1号,13812345678\n上海市黄浦区南京东路100号,13912345678';
    expect(spans(csv)).toEqual([
      ['北京市海淀区中关村大街1号', 6, 19],
      ['上海市黄浦区南京东路100号', 32, 46],
    ]);
  });

  it('addressRecognizer reads a quoted address cell that holds the delimiter', () => {
    const csv = 'name,address\nJohn,"350 5th Avenue, New York, NY 10118"';
    expect(spans(csv)).toEqual([['350 5th Avenue, New York, NY 10118', 19, 53]]);
  });
});

describe('addressRecognizer: properties', () => {
  const seeds = fc.integer({ min: 0, max: 0xffffffff });
  const filler = fc.string({ unit: fc.constantFrom('a', '1', ' ', '的', '天', '，', ':'), maxLength: 12 });

  it('addressRecognizer finds generated Chinese addresses at exact offsets, with or without a cue', () => {
    fc.assert(
      fc.property(seeds, filler, fc.constantFrom('地址：', '收货地址:', '', '\n'), (seed, before, cue) => {
        const address = generateChineseAddress(createSeededRng(seed));
        const prefix = `${before}。${cue}`;
        const text = `${prefix}${address}。${before}`;
        expect(spans(text)).toContainEqual([address, prefix.length, prefix.length + address.length]);
      }),
    );
  });

  it('addressRecognizer finds generated US addresses at exact offsets', () => {
    fc.assert(
      fc.property(seeds, fc.constantFrom('', 'Ship to: ', 'address: '), (seed, cue) => {
        const address = generateUsAddress(createSeededRng(seed));
        const text = `${cue}${address}.`;
        expect(spans(text)).toContainEqual([address, cue.length, cue.length + address.length]);
      }),
    );
  });

  it('addressRecognizer never reports a bare province or prefecture name', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('北京', '上海市', '广东省', '深圳', '杭州市', '内蒙古', '延边朝鲜族自治州'),
        filler,
        (name, after) => {
          expect(spans(`${name}${after}`)).toEqual([]);
        },
      ),
    );
  });
});
