import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeededRng } from '../../../synth/rng.js';
import { generateChineseName, generateEnglishName } from '../../../synth/text.js';
import { createAnalyzer } from '../../analyzer.js';
import { NAME_STOPWORDS } from '../../data/cn-name-stoplist.js';
import { personRecognizer } from './person.js';

const analyzer = createAnalyzer({ recognizers: [personRecognizer] });
const withMasked = createAnalyzer({ recognizers: [personRecognizer], includeMasked: true });
/** Lone surnames (`王先生`, `老王`) score 0.45: reported only with a lowered threshold. */
const lowered = createAnalyzer({ recognizers: [personRecognizer], thresholds: { PERSON: 0.4 } });

/** `[value, start, end]` of every PERSON finding. */
function spans(text: string, masked = false): [string, number, number][] {
  return (masked ? withMasked : analyzer)
    .detect(text)
    .filter((f) => f.type === 'PERSON')
    .map((f) => [text.slice(f.start, f.end), f.start, f.end]);
}

describe('personRecognizer: Chinese names after labels', () => {
  it.each([
    ['姓名：张伟 性别：男', '张伟', 3],
    ['姓名:王小明,电话:13812345678', '王小明', 3],
    ['姓名张伟性别男', '张伟', 2],
    ['联系人：欧阳娜娜 13800000000', '欧阳娜娜', 4],
    ['收件人：李娜，地址：北京市', '李娜', 4],
    ['收货人 刘洋', '刘洋', 4],
    ['寄件人：陈静', '陈静', 4],
    ['发件人：周杰', '周杰', 4],
    ['付款人：王芳', '王芳', 4],
    ['户主：赵建国', '赵建国', 3],
    ['申请人：孙丽', '孙丽', 4],
    ['法定代表人：马云飞', '马云飞', 6],
    ['持卡人：黄磊', '黄磊', 4],
    ['{"姓名":"张伟","年龄":30}', '张伟', 7],
    ['负责人为李强', '李强', 4],
    ['名字叫林静', '林静', 3],
    ['姓名：司马光，男', '司马光', 3],
    ['姓名：陳大文', '陳大文', 3],
    ['联系人：买买提·艾力', '买买提·艾力', 4],
    ['姓名：John Smith', 'John Smith', 3],
  ])('finds the name in %s', (text, value, start) => {
    expect(spans(text)).toContainEqual([value, start, start + value.length]);
  });

  it('personRecognizer accepts a labelled name that is also an everyday word', () => {
    expect(spans('姓名：白雪')).toEqual([['白雪', 3, 5]]);
    expect(spans('姓名：高峰')).toEqual([['高峰', 3, 5]]);
  });

  it('personRecognizer ends a labelled name at the next field label', () => {
    expect(spans('姓名张伟电话13812345678')).toEqual([['张伟', 2, 4]]);
    expect(spans('联系人王小明手机13912345678')).toEqual([['王小明', 3, 6]]);
  });

  it('personRecognizer scores a surname with an honorific after a label below the threshold', () => {
    expect(spans('联系人：王先生 13800000000')).toEqual([]);
    const [f] = lowered.detect('联系人：王先生 13800000000');
    expect([f?.start, f?.end, f?.score]).toEqual([4, 5, 0.45]);
  });

  it('personRecognizer rejects a title that looks like a name after a label', () => {
    expect(spans('联系人：高级工程师')).toEqual([]);
    expect(spans('申请人：上海某某公司')).toEqual([]);
    expect(spans('联系人：暂无')).toEqual([]);
  });
});

describe('personRecognizer: role nouns and record style', () => {
  it.each([
    ['患者王某某，男，45岁', '王某某', 2],
    ['被告人李某某于2020年', '李某某', 3],
    ['原告张某诉被告李某', '张某', 2],
    ['犯罪嫌疑人刘某某驾驶车辆', '刘某某', 5],
    ['上诉人张某不服判决', '张某', 3],
  ])('reports the masked name in %s as masked', (text, value, start) => {
    const found = withMasked.detect(text).filter((f) => f.type === 'PERSON');
    expect(found.map((f) => [text.slice(f.start, f.end), f.start, f.masked])).toContainEqual([value, start, true]);
    expect(spans(text)).toEqual(spans(text).filter(([v]) => v !== value));
  });

  it('personRecognizer reports star-masked names only as masked', () => {
    expect(spans('收货人：张*', true)).toEqual([['张*', 4, 6]]);
    expect(spans('持卡人：王*明', true)).toEqual([['王*明', 4, 7]]);
    expect(spans('收货人：张*')).toEqual([]);
  });

  it.each([
    ['学生李明的成绩', '李明', 2],
    ['张伟，男，1990年3月7日出生', '张伟', 0],
    ['李娜（女，汉族）', '李娜', 0],
    ['走访对象：艾克拜尔·依明，男，25岁', '艾克拜尔·依明', 5],
    ['员工信息｜黄子轩｜女｜EMP-9', '黄子轩', 5],
    ['我是刘盛俊，工号A2129', '刘盛俊', 2],
    ['已经把何远杰拉进群了', '何远杰', 3],
    ['订单的收货人改成孔卫帅，电话', '孔卫帅', 8],
    ['当事人驾驶轿车与窦鑫阳驾驶的电动车发生碰撞', '窦鑫阳', 8],
    ['2019年6月4日17时许接江毅勋（电话13800000000）报警', '江毅勋', 14],
    ['报警人自称柏佳锦，称有人打架', '柏佳锦', 5],
    ['出入境记录：孔毅，护照号E12345678', '孔毅', 6],
    ['用户侯秀刚的银行卡绑定失败', '侯秀刚', 2],
    ['会员韦新，生日1952.03.01', '韦新', 2],
    ['骑手闻浩华（13800000000）反馈', '闻浩华', 2],
    ['请联系我们的销售刘怡艳，电话', '刘怡艳', 8],
    ['您预约的维修师傅邱荷黛会在下午上门', '邱荷黛', 8],
    ['港澳台同胞魏雪使用居住证', '魏雪', 5],
    ['持照人：丁雅', '丁雅', 4],
    ['出租方：杜斌，身份证号', '杜斌', 4],
    ['经营者：向一诺\n电话', '向一诺', 4],
    ['所有人 綦英；联系电话', '綦英', 4],
    ['快递面单\n收：佘琪红 13618561234', '佘琪红', 7],
    ['个体工商户名称：南京市于翠便利店', '于翠', 11],
    ['对方账户：6222021234567890（杨林新）', '杨林新', 22],
    ['<tr><td>王超杰</td><td>138</td></tr>', '王超杰', 8],
    ['麻烦把发票寄到北京市海淀区中关村大街1号，唐依璐收，13800000000', '唐依璐', 21],
    ['帮你买火车票。——110105199003071234，孙晓凤', '孙晓凤', 28],
    ['任晓东的电话是13800000000', '任晓东', 0],
  ])('finds the name in %s', (text, value, start) => {
    expect(spans(text)).toContainEqual([value, start, start + value.length]);
  });
});

describe('personRecognizer: honorifics and titles', () => {
  it.each([
    [
      '张伟先生和李娜女士',
      [
        ['张伟', 0, 2],
        ['李娜', 5, 7],
      ],
    ],
    ['请联系欧阳娜娜老师', [['欧阳娜娜', 3, 7]]],
    ['孙中山先生', [['孙中山', 0, 3]]],
    ['陈林老师', [['陈林', 0, 2]]],
    ['王小明局长说', [['王小明', 0, 3]]],
  ])('finds %s', (text, expected) => {
    expect(spans(text)).toEqual(expected);
  });

  it.each([
    ['王总说明天开会', 0, 1],
    ['我们王老师很好', 2, 3],
    ['王局长说', 0, 1],
    ['李副局长到了', 0, 1],
    ['张同学请回答', 0, 1],
    ['客户王小姐来电', 2, 3],
    ['程序员小张正在修复', 3, 5],
    ['隔壁老王在吗', 2, 4],
  ])('reports the lone surname in %s only below the default threshold', (text, start, end) => {
    expect(spans(text)).toEqual([]);
    const found = lowered.detect(text).map((f) => [f.start, f.end, f.score]);
    expect(found).toEqual([[start, end, 0.45]]);
  });

  it.each([
    '我们的历史老师很严格',
    '高中同学聚会',
    '项目经理在开会',
    '公安局长出席',
    '总结一下今天的工作',
    '总共三个人',
    '车间主任',
    '数学老师布置了作业',
  ])('finds no name in %s', (text) => {
    expect(spans(text)).toEqual([]);
  });
});

describe('personRecognizer: hard negatives in ordinary prose', () => {
  it.each([
    '今天是周末，大家都很高兴',
    '王国的黄金储备马上就要用完了',
    '关于某些问题的总结',
    '对于某些人来说',
    '负责人高兴地说',
    '客户满意度很高',
    '学生成绩公布了',
    '我是高手',
    '小时候我很喜欢吃小笼包，老家在农村',
    '小米和华为的新手机都很受欢迎',
    '老马识途，小马过河',
    '男女平等，他是男的',
    '于是我们决定改变方法，向上级汇报情况',
    '金额总计为人民币五千元整，余额不足',
    '江苏省南京市的经济发展很快，武汉的樱花开了',
    '张家界风景优美，李子成熟了，高速公路上车辆很多',
    '这款手机采用高通骁龙处理器，黄金配色尊贵大方',
    '与会人员对此表示赞同，和平与发展是时代主题',
    '董事会决定由总经理负责此事，宋体字号为五号',
    '患者家属情绪激动，病人需要休息',
  ])('finds no name in %s', (text) => {
    expect(spans(text)).toEqual([]);
  });

  it('personRecognizer finds nothing in text made of stop words', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...NAME_STOPWORDS), { minLength: 1, maxLength: 12 }), (words) => {
        expect(spans(words.join('，'))).toEqual([]);
      }),
    );
  });
});

describe('personRecognizer: English names', () => {
  it.each([
    ['Name: John Smith', [['John Smith', 6, 16]]],
    ['Dear Mrs. Jane Doe,', [['Jane Doe', 10, 18]]],
    ['Dear John,', [['John', 5, 9]]],
    ['Mr. Smith will call you back.', [['Smith', 4, 9]]],
    [
      'Ms Johnson and Dr. Lee met at 10 am.',
      [
        ['Johnson', 3, 10],
        ['Lee', 19, 22],
      ],
    ],
    ['Contact: Mary Johnson', [['Mary Johnson', 9, 21]]],
    ['patient John Smith was admitted', [['John Smith', 8, 18]]],
    ['Regards,\nJohn Smith', [['John Smith', 9, 19]]],
    ['From: Jane Doe <jane@example.com>', [['Jane Doe', 6, 14]]],
    ['Hi John, how are you', [['John', 3, 7]]],
    [
      '{"first_name": "Emily", "last_name": "Clark"}',
      [
        ['Emily', 16, 21],
        ['Clark', 38, 43],
      ],
    ],
    ['{"customerName": "Sean O\'Brien"}', [["Sean O'Brien", 18, 30]]],
    ['Name: MARY SMITH', [['MARY SMITH', 6, 16]]],
    ['Victim Mary Ann Lee was treated.', [['Mary Ann Lee', 7, 19]]],
    ['Name: Xochitl Quispe', [['Xochitl Quispe', 6, 20]]],
    ['Name: 李娜', [['李娜', 6, 8]]],
    ['Name on card: Steven H. Carter.', [['Steven H. Carter', 14, 30]]],
    ['the name on the account is Alexis Zhang.', [['Alexis Zhang', 27, 39]]],
    ['KYC: Nora Mendez, SSN 123-45-6789', [['Nora Mendez', 5, 16]]],
    ['W-4 form: Brian Harris, SSN 123', [['Brian Harris', 10, 22]]],
    ['Chargeback on card, cardholder Andrew Smith, amount', [['Andrew Smith', 31, 43]]],
    ['Hong Kong ID card, holder Lucia Thomas', [['Lucia Thomas', 26, 38]]],
    ['{"owner":"Robert Robinson","date":1}', [['Robert Robinson', 10, 25]]],
    ['HK office: Edward Yeung, HKID A1234567', [['Edward Yeung', 11, 23]]],
    ['<meta name="author" content="Sophia Carter">', [['Sophia Carter', 29, 42]]],
    ['From: Hiroshi Nguyen [mailto:h@example.com]', [['Hiroshi Nguyen', 6, 20]]],
    [
      'Contact: 韦玉雨 / James Lopez, mobile',
      [
        ['韦玉雨', 9, 12],
        ['James Lopez', 15, 26],
      ],
    ],
    ['Please add Thomas Schmidt-Davis (t@example.com) to the channel.', [['Thomas Schmidt-Davis', 11, 31]]],
    ['Payout to Mary Taylor failed: IBAN rejected', [['Mary Taylor', 10, 21]]],
    ['Label sent to the address for Liam Fernández, tracking 1Z', [['Liam Fernández', 30, 44]]],
    ["hey it's Mei Robinson, my new number", [['Mei Robinson', 9, 21]]],
    ['Karen Wang said to forward the contract', [['Karen Wang', 0, 10]]],
    ['Please call 侯琼欢 at 182-0000-0000', [['侯琼欢', 12, 15]]],
    ['Thanks,\nIrene Lewis', [['Irene Lewis', 8, 19]]],
    ['Jessica Miller\nSenior Engineer, Acme', [['Jessica Miller', 0, 14]]],
    ["APPLICANT: Elizabeth Hill-O'Brien | DOB", [["Elizabeth Hill-O'Brien", 11, 33]]],
    ['客户 Walter Wong 的邮箱是', [['Walter Wong', 3, 14]]],
    ['信用卡号，持卡人Lisa Jackson', [['Lisa Jackson', 8, 20]]],
    ['外籍人员Ellie Marshall，永久居留身份证', [['Ellie Marshall', 4, 18]]],
  ])('finds %s', (text, expected) => {
    expect(spans(text)).toEqual(expected);
  });

  it.each([
    'Thanks for contacting Customer Support.',
    'Hi team, please review the attached report before Monday.',
    'Hello World is a common first program.',
    'The patient was stable and the doctor ordered more tests.',
    'Contact us at support@example.com',
    '{"name": "Acme Corporation", "type": "company"}',
    '{"name": "Widget Pro", "price": 12}',
    '{"product_name": "Blue Widget", "file_name": "report.pdf"}',
    'Dear Sir or Madam,',
    'Dear Customer,',
    'From: IT Department <it@example.com>',
    'We live at 42 Elm Dr. Springfield now.',
    'user_name: jsmith',
    'name=alice, age=30',
    'Name: ACME LTD',
    'I miss John',
    'beneficiary Wayne Corp, IBAN DE89',
    'Thanks for the update, it works.',
    'Send it to New York by Friday.',
    'We will call you at 5 pm.',
    'The report was written by the team for the board.',
    'Best practices for Jordan Bank customers',
  ])('finds no name in %s', (text) => {
    expect(spans(text)).toEqual([]);
  });
});

describe('personRecognizer: tables', () => {
  it('personRecognizer reads the 姓名 column of a CSV with a header line', () => {
    const csv = '姓名,性别,出生日期,手机\n张伟,男,1990-03-07,13812345678\n李娜,女,1988-12-01,13912345678\n';
    expect(spans(csv)).toEqual([
      ['张伟', 14, 16],
      ['李娜', 42, 44],
    ]);
  });

  it('personRecognizer reads a name column that is not the first one', () => {
    const csv = 'id,name,email\n1,John Smith,john@example.com\n2,Wang Fang,wf@example.com';
    expect(spans(csv)).toEqual([
      ['John Smith', 16, 26],
      ['Wang Fang', 46, 55],
    ]);
  });

  it('personRecognizer reads quoted and tab-separated cells', () => {
    expect(spans('"编号"\t"收件人"\n"1"\t"王芳"')).toEqual([['王芳', 16, 18]]);
    expect(spans('序号,"联系人"\n1,"赵敏"\n2,"钱多多"')).toEqual([
      ['赵敏', 12, 14],
      ['钱多多', 19, 22],
    ]);
  });

  it('personRecognizer reads a Markdown table column', () => {
    const md = '| 姓名 | 电话 |\n|---|---|\n| 张伟 | 138 |';
    expect(spans(md)).toEqual([['张伟', 24, 26]]);
  });

  it('personRecognizer stops a column at a blank line', () => {
    expect(spans('姓名,电话\n张伟,1\n\n李娜,2')).toEqual([['张伟', 6, 8]]);
  });

  it('personRecognizer reads an HTML table column under a header cell', () => {
    const html = '<table><tr><th>Name</th><th>SSN</th></tr><tr><td>John Smith</td><td>078</td></tr></table>';
    expect(spans(html)).toEqual([['John Smith', 49, 59]]);
  });

  it('personRecognizer reads transliterated names in a CSV column', () => {
    expect(spans('序号,姓名\n1,迪丽拜尔·司马义\n2,王芳')).toEqual([
      ['迪丽拜尔·司马义', 8, 16],
      ['王芳', 19, 21],
    ]);
  });

  it('personRecognizer skips cells that are not names', () => {
    expect(spans('姓名,电话\n未知,1\n无,2\n-,3\nN/A,4\n12345,5')).toEqual([]);
  });
});

describe('personRecognizer: properties', () => {
  const filler = fc.string({
    unit: fc.constantFrom('a', 'B', '1', ' ', '。', '的', '天', '，', ':', '-'),
    maxLength: 20,
  });
  const labels = fc.constantFrom('姓名：', '联系人：', '收件人：', '姓名:', '申请人：', '"name": "');

  it('personRecognizer finds generated Chinese names after a label at exact offsets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), filler, labels, filler, (seed, before, label, after) => {
        const name = generateChineseName(createSeededRng(seed));
        const prefix = `${before}\n${label}`;
        const text = `${prefix}${name}\n${after}`;
        expect(spans(text)).toContainEqual([name, prefix.length, prefix.length + name.length]);
      }),
    );
  });

  it('personRecognizer finds generated English names after a label at exact offsets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), filler, (seed, before) => {
        const name = generateEnglishName(createSeededRng(seed));
        const prefix = `${before}\nCustomer name: `;
        const text = `${prefix}${name}\n`;
        expect(spans(text)).toContainEqual([name, prefix.length, prefix.length + name.length]);
      }),
    );
  });

  it('personRecognizer finds generated names in a CSV name column', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 8 }), (seeds) => {
        const names = seeds.map((s) => generateChineseName(createSeededRng(s)));
        const csv = `序号,姓名,备注\n${names.map((n, i) => `${i},${n},无`).join('\n')}`;
        expect(spans(csv).map(([v]) => v)).toEqual(names);
      }),
    );
  });
});
