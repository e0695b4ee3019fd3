/**
 * Benchmark corpus: a deterministic, realistic mixed Chinese/English text corpus.
 *
 * Lines are chat messages, support tickets, application and access logs, CSV rows, JSON records, Chinese
 * forms and prose, in both languages. Most lines hold no personal information; some hold one or two values,
 * sometimes labelled (`手机：…`, `email:`), sometimes bare; logs and records are full of look-alikes that are
 * NOT personal information (order numbers, 18/19-digit snowflake ids, timestamps, UUIDs, hashes, prices,
 * versions), because that is what makes real text expensive for a detector.
 *
 * Values come from the project's synthetic generators (`dist/synth/{cn,intl,text}.js`: valid checksums,
 * plausible shapes). Types they do not cover yet fall back to the small generators below, so the corpus can be
 * built at any stage; `manifest.sources` records which generator produced each type.
 *
 * Output, in `bench/.corpus/` (gitignored), reused while the same inputs would produce the same bytes:
 *   corpus-<MB>mb-<key>.txt    one record per line (UTF-8)
 *   corpus-<MB>mb-<key>.jsonl  the same lines as `{"id":n,"text":line}` (the `detect --jsonl` protocol)
 *   corpus-<MB>mb-<key>.json   manifest: sizes, line counts, planted values by type, generator sources
 *
 * Usage: node bench/corpus.mjs [--mb N] [--seed N]   (after `npm run build`)
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Where corpora are written. */
export const CORPUS_DIR = path.join(HERE, '.corpus');
const DIST = path.join(HERE, '..', 'dist');
/** Bytes in one MB, as used by every figure of the benchmark. */
export const MB = 1024 * 1024;
/** Bump when the generator below changes in a way that changes its output. */
const FORMAT_VERSION = 5;

// ---------------------------------------------------------------------------------------------------------------
// Synthetic value generators: the project's, with placeholders for types not (yet) covered.

/**
 * Load the project's generator tables from `dist/` (built by `npm run build`). Missing modules are tolerated
 * (they may not exist yet); any other failure is a real error.
 */
async function loadProjectGenerators() {
  const rngUrl = pathToFileURL(path.join(DIST, 'synth', 'rng.js')).href;
  let createSeededRng;
  try {
    ({ createSeededRng } = await import(rngUrl));
  } catch (e) {
    throw new Error(`bench: cannot load ${rngUrl} — run \`npm run build\` first (${e.code ?? e.message})`);
  }
  const table = {};
  const files = [];
  for (const [file, name] of [
    ['cn.js', 'cnGenerators'],
    ['intl.js', 'intlGenerators'],
    ['text.js', 'textGenerators'],
  ]) {
    const full = path.join(DIST, 'synth', file);
    if (!fs.existsSync(full)) continue;
    let mod;
    try {
      mod = await import(pathToFileURL(full).href);
    } catch (e) {
      // A half-built dist/ (a generator whose dependencies are not built yet): use the placeholders, loudly.
      process.stderr.write(`bench: cannot load ${full} (${e.code ?? e.message}); using placeholder generators\n`);
      continue;
    }
    const t = mod[name];
    if (t && typeof t === 'object') {
      for (const [type, gen] of Object.entries(t)) if (typeof gen === 'function') table[type] = gen;
      files.push(full);
    }
  }
  return { createSeededRng, table, files };
}

const MOD11_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const MOD11_CHECK = '10X98765432';

function digits(rng, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += String(rng.int(10));
  return s;
}

function pad(n, w) {
  return String(n).padStart(w, '0');
}

function luhnComplete(payload) {
  let sum = 0;
  for (let i = payload.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = payload.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return payload + String((10 - (sum % 10)) % 10);
}

const REGIONS = ['110101', '110105', '110108', '310104', '310115', '440106', '440305', '330106', '320102', '510107'];
const MOBILE_PREFIXES = ['135', '136', '138', '139', '150', '152', '158', '186', '177', '188', '199', '133', '189'];
const CARD_BINS = ['622202', '621700', '622848', '621661', '622588', '623668'];
const MAIL_DOMAINS = ['qq.com', '163.com', '126.com', 'gmail.com', 'outlook.com', 'sina.com', 'example.com'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈';
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明'];
const GIVEN2 = ['超', '霞', '平', '刚', '浩然', '子涵', '梓萱', '一诺', '宇轩', '欣怡', '思远', '雨桐', '建国', '志强'];
const PINYIN = ['wang', 'li', 'zhang', 'liu', 'chen', 'yang', 'huang', 'zhao', 'wu', 'zhou', 'xu', 'sun', 'lin'];
const CITIES = [
  ['北京市', '朝阳区', '建国路'],
  ['北京市', '海淀区', '中关村大街'],
  ['上海市', '浦东新区', '世纪大道'],
  ['上海市', '徐汇区', '漕溪北路'],
  ['广东省深圳市', '南山区', '科技南十二路'],
  ['广东省广州市', '天河区', '天河路'],
  ['浙江省杭州市', '西湖区', '文三路'],
  ['江苏省南京市', '鼓楼区', '中山北路'],
  ['四川省成都市', '武侯区', '人民南路四段'],
];

function residentId(rng) {
  const year = 1955 + rng.int(55);
  const month = 1 + rng.int(12);
  const day = 1 + rng.int(28);
  const body = rng.pick(REGIONS) + String(year) + pad(month, 2) + pad(day, 2) + pad(rng.int(1000), 3);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (body.charCodeAt(i) - 48) * MOD11_WEIGHTS[i];
  return body + MOD11_CHECK[sum % 11];
}

/** Placeholders, used only for types the project's generators do not cover. */
const PLACEHOLDERS = {
  CN_RESIDENT_ID: residentId,
  CN_MOBILE: (rng) => rng.pick(MOBILE_PREFIXES) + digits(rng, 8),
  CN_LANDLINE: (rng) => rng.pick(['010-6', '010-8', '021-5', '021-6', '0755-8', '020-3', '0571-8']) + digits(rng, 7),
  CN_BANK_CARD: (rng) => luhnComplete(rng.pick(CARD_BINS) + digits(rng, rng.int(2) === 0 ? 9 : 12)),
  CREDIT_CARD: (rng) =>
    rng.int(2) === 0 ? luhnComplete(`4${digits(rng, 14)}`) : luhnComplete(`5${1 + rng.int(5)}${digits(rng, 13)}`),
  EMAIL_ADDRESS: (rng) =>
    `${rng.pick(PINYIN)}${rng.pick(['.', '_', ''])}${rng.pick(PINYIN)}${rng.int(100)}@${rng.pick(MAIL_DOMAINS)}`,
  IP_ADDRESS: (rng) =>
    `${rng.pick(['36', '58', '101', '112', '114', '183', '203', '223'])}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`,
  PERSON: (rng) => SURNAMES[rng.int(SURNAMES.length)] + rng.pick(rng.int(2) === 0 ? GIVEN : GIVEN2),
  ADDRESS: (rng) => {
    const [p, d, r] = rng.pick(CITIES);
    return `${p}${d}${r}${1 + rng.int(300)}号${1 + rng.int(30)}栋${1 + rng.int(30)}0${1 + rng.int(9)}室`;
  },
  US_SSN: (rng) => `${pad(100 + rng.int(565), 3)}-${pad(1 + rng.int(98), 2)}-${pad(1 + rng.int(9998), 4)}`,
  PHONE_NUMBER: (rng) => `+1 ${200 + rng.int(700)}-${200 + rng.int(700)}-${pad(rng.int(10000), 4)}`,
};

// ---------------------------------------------------------------------------------------------------------------
// Text material. Nothing here is personal information; look-alike numbers are deliberate.

const ZH_TIME = [
  '今天上午',
  '昨天晚上',
  '刚才',
  '上周五',
  '下午三点',
  '月底之前',
  '明天一早',
  '节后',
  '本季度',
  '最近',
];
const ZH_SUBJ = [
  '我们团队',
  '客户',
  '运营同学',
  '产品经理',
  '财务部',
  '技术支持',
  '这个版本',
  '新系统',
  '供应商',
  '老板',
];
const ZH_VERB = ['确认了', '讨论了', '上线了', '修复了', '反馈了', '调整了', '整理了', '推迟了', '评审了', '提交了'];
const ZH_OBJ = [
  '订单同步的问题',
  '季度预算方案',
  '新版首页的改版',
  '退款流程的细节',
  '数据迁移计划',
  '接口超时的原因',
  '会员积分规则',
  '仓库盘点结果',
  '发票开具流程',
  '物流延迟的情况',
  '用户增长的数据',
  '服务器扩容申请',
];
const ZH_TAIL = [
  '，大家辛苦了。',
  '，具体情况见附件。',
  '，请相关同事跟进。',
  '，预计下周完成。',
  '，有问题随时沟通。',
  '。',
  '，整体进展顺利。',
  '，但还有一些细节需要确认。',
];
const ZH_CHAT = [
  '收到，我这边马上处理',
  '好的，稍后发你',
  '会议改到下午四点了',
  '这个需求优先级不高，先放一放',
  '今天系统有点卡，大家注意保存',
  '哈哈哈，辛苦了',
  '文件已经上传到共享盘了',
  '麻烦帮忙看一下这个报错',
  '周末有人值班吗',
  '快递到了，在前台',
  '下午的评审我参加不了',
  '价格是 299 元还是 399 元？',
  '版本 3.2.1 已经发布',
  '订单号 20240315123456789 还没发货',
];
const EN_CHAT = [
  'sounds good, will do',
  'can you take a look at the failing build?',
  'meeting moved to 3pm',
  'lol that was fast',
  'deploying v2.14.3 to staging now',
  'I think the cache TTL is too short',
  'who is on call this weekend?',
  'ping me when the PR is ready',
  'the dashboard shows 99.95% uptime for March',
  'order 1765432109876543210 is stuck in PENDING',
  'thanks! merging after lunch',
];
const EN_PROSE = [
  'The quarterly review showed steady growth in active users across all regions.',
  'Our team migrated the billing service to the new cluster without downtime.',
  'Please make sure every pull request includes tests and an updated changelog.',
  'Latency at the 99th percentile dropped from 480 ms to 120 ms after the fix.',
  'The vendor agreed to extend the contract for another twelve months.',
  'We will revisit the retention policy once the legal review is complete.',
  'Shipping delays in the northern warehouse were caused by a scanner outage.',
  'The new onboarding flow reduced support tickets by roughly a third.',
  'Remember to rotate credentials stored in the staging environment.',
  'Version 4.2 introduces a streaming API and drops support for Node 16.',
];
const SERVICES = ['order-service', 'pay-gateway', 'user-center', 'search-api', 'inventory', 'notify-worker'];
const PATHS = ['/api/v1/orders', '/api/v1/users/profile', '/api/v2/search', '/healthz', '/api/v1/cart/items', '/login'];
const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];
const LOG_MSG_ZH = ['支付回调超时', '库存扣减成功', '缓存未命中', '重试第2次', '消息投递成功', '用户会话过期'];
const UA = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 MicroMessenger/8.0.47',
  'okhttp/4.12.0',
];
const SKUS = ['SKU-88213', 'SKU-10442', 'SKU-77310', 'SKU-30021', 'SKU-55190'];
const PRODUCTS = ['无线蓝牙耳机', '机械键盘', '保温杯 500ml', '儿童绘本套装', 'USB-C 数据线', '有机大米 5kg'];
const STATUS = ['PAID', 'SHIPPED', 'PENDING', 'REFUNDED', 'CLOSED'];
const NICKS = ['小王', '客服-小李', 'Alice', 'Bob', '阿杰', 'ops-bot', '产品-小陈', 'Kevin'];

function ts(rng) {
  return `2024-${pad(1 + rng.int(12), 2)}-${pad(1 + rng.int(28), 2)} ${pad(rng.int(24), 2)}:${pad(rng.int(60), 2)}:${pad(rng.int(60), 2)}`;
}

function hex(rng, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[rng.int(16)];
  return s;
}

function uuid(rng) {
  return `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-a${hex(rng, 3)}-${hex(rng, 12)}`;
}

function orderNo(rng) {
  // 18-digit order numbers and 19-digit snowflake ids: same length as resident IDs and bank cards.
  return rng.int(2) === 0
    ? `2024${pad(1 + rng.int(12), 2)}${pad(1 + rng.int(28), 2)}${digits(rng, 10)}`
    : `17${digits(rng, 17)}`;
}

function price(rng) {
  return `${1 + rng.int(2000)}.${pad(rng.int(100), 2)}`;
}

function zhSentence(rng) {
  return rng.pick(ZH_TIME) + rng.pick(ZH_SUBJ) + rng.pick(ZH_VERB) + rng.pick(ZH_OBJ) + rng.pick(ZH_TAIL);
}

// ---------------------------------------------------------------------------------------------------------------
// The line generator.

/**
 * Create a line generator over `gen` (type → () => value). Each call to `line()` returns one record and counts
 * the values it planted in `planted`.
 */
function createLineMaker(rng, gen) {
  const planted = Object.create(null);
  let plantedTotal = 0;
  const stats = { linesWithPii: 0, linesWithMany: 0 };
  const v = (type) => {
    plantedTotal++;
    planted[type] = (planted[type] ?? 0) + 1;
    // One record per line: a multi-line value (a PEM key block) is written escaped, as in .env and JSON files.
    return gen[type]().replace(/\r?\n/g, '\\n');
  };
  const maskedMobile = () => {
    const m = gen.CN_MOBILE();
    planted.MASKED = (planted.MASKED ?? 0) + 1;
    return `${m.slice(0, 3)}****${m.slice(7)}`;
  };
  /** A Chinese phrase carrying one value, labelled or bare. */
  const zhPii = () => {
    switch (rng.int(12)) {
      case 0:
      case 1:
      case 2:
        return rng.pick(['我的手机是', '电话', '联系方式：', '手机号', '打这个号码 ']) + v('CN_MOBILE');
      case 3:
        return rng.pick(['邮箱', '发到我邮箱 ', 'Email：']) + v('EMAIL_ADDRESS');
      case 4:
        return rng.pick(['身份证号', '身份证：', '证件号码 ']) + v('CN_RESIDENT_ID');
      case 5:
        return rng.pick(['卡号', '银行卡 ', '退款到这张卡：']) + v('CN_BANK_CARD');
      case 6:
        return `收货地址：${v('ADDRESS')}`;
      case 7:
        return `联系人${v('PERSON')}，座机${v('CN_LANDLINE')}`;
      case 8:
        return `已发短信至${maskedMobile()}`;
      case 9:
        return `登录IP ${v('IP_ADDRESS')}`;
      case 10:
        return v('CN_MOBILE');
      default:
        return `请联系${v('PERSON')}老师`;
    }
  };
  const enPii = () => {
    switch (rng.int(7)) {
      case 0:
      case 1:
        return `email me at ${v('EMAIL_ADDRESS')}`;
      case 2:
        return `call ${v('PHONE_NUMBER')}`;
      case 3:
        return `card ending ${gen.CREDIT_CARD().slice(-4)} was charged twice`;
      case 4:
        return `my card number is ${v('CREDIT_CARD')}`;
      case 5:
        return `SSN ${v('US_SSN')} on file`;
      default:
        return `client IP ${v('IP_ADDRESS')}`;
    }
  };
  const has = (p) => rng.int(1000) < p;

  const kinds = [
    // [weight, maker]
    [18, () => `[${ts(rng)}] ${rng.pick(NICKS)}: ${rng.pick(ZH_CHAT)}${has(120) ? `，${zhPii()}` : ''}`],
    [7, () => `[${ts(rng)}] ${rng.pick(NICKS)}: ${rng.pick(EN_CHAT)}${has(80) ? `, ${enPii()}` : ''}`],
    [
      7,
      () =>
        `【工单 #T${pad(rng.int(100000), 6)}】${rng.pick(ZH_SUBJ)}反映：APP 更新到 ${1 + rng.int(9)}.${rng.int(10)}.${rng.int(20)} 后${rng.pick(['无法登录', '支付失败', '页面白屏', '收不到验证码'])}，错误码 E${1000 + rng.int(9000)}。${has(450) ? `${zhPii()}。` : ''}${rng.pick(['已转二线处理。', '待复现。', '已回访。'])}`,
    ],
    [
      4,
      () =>
        `Ticket #${10000 + rng.int(90000)} (priority: P${1 + rng.int(4)}) — customer reports checkout fails with error ${rng.pick(['502', '504', '400', '429'])} after upgrading to v${1 + rng.int(5)}.${rng.int(20)}.${rng.int(10)}.${has(400) ? ` Contact: ${v('EMAIL_ADDRESS')}.` : ''} Assigned to: ${rng.pick(['billing-team', 'mobile-team', 'sre'])}.`,
    ],
    [
      10,
      () =>
        `${ts(rng).replace(' ', 'T')}.${pad(rng.int(1000), 3)}Z ${rng.pick(LEVELS)} [${rng.pick(SERVICES)}] ${rng.pick(['GET', 'POST', 'PUT'])} ${rng.pick(PATHS)}/${orderNo(rng)} ${rng.pick(['200', '200', '200', '201', '404', '500'])} ${rng.int(900)}ms trace_id=${hex(rng, 16)} user_id=${rng.int(10000000)}${has(60) ? ` phone=${v('CN_MOBILE')}` : ''}`,
    ],
    [
      5,
      () =>
        `${ts(rng)},${pad(rng.int(1000), 3)} ${rng.pick(LEVELS)} com.example.${rng.pick(['pay', 'order', 'user'])}.Service - ${rng.pick(LOG_MSG_ZH)} orderNo=P${orderNo(rng)} retry=${rng.int(4)}${has(50) ? ` mobile=${maskedMobile()}` : ''}`,
    ],
    [
      6,
      () =>
        `${has(700) ? `10.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}` : v('IP_ADDRESS')} - - [${pad(1 + rng.int(28), 2)}/Mar/2024:${pad(rng.int(24), 2)}:${pad(rng.int(60), 2)}:${pad(rng.int(60), 2)} +0800] "GET /static/js/app.${hex(rng, 8)}.js HTTP/1.1" 200 ${rng.int(90000)} "-" "${rng.pick(UA)}"`,
    ],
    [
      4,
      () =>
        `level=${rng.pick(['info', 'warn', 'error'])} ts=${ts(rng).replace(' ', 'T')}Z caller=db.go:${rng.int(400)} msg="query ${rng.pick(['ok', 'failed', 'slow'])}" request_id=${uuid(rng)} sql_ms=${rng.int(3000)} rows=${rng.int(500)}`,
    ],
    [
      8,
      () =>
        `${orderNo(rng)},${rng.pick(SKUS)},${rng.pick(PRODUCTS)},${1 + rng.int(5)},${price(rng)},${ts(rng)},${rng.pick(STATUS)},${rng.pick(CITIES)[0]}${has(150) ? `,${v('CN_MOBILE')}` : ',"-"'}`,
    ],
    [
      1,
      () =>
        `${100000 + rng.int(900000)},${v('PERSON')},${rng.pick(['男', '女'])},${v('CN_MOBILE')},${has(500) ? v('EMAIL_ADDRESS') : ''},${rng.pick(CITIES)[0]},${ts(rng).slice(0, 10)}`,
    ],
    [
      7,
      () =>
        `{"event":"${rng.pick(['page_view', 'click', 'add_to_cart', 'purchase', 'search'])}","uid":${rng.int(100000000)},"ts":${1709000000000 + rng.int(100000000)},"page":"/product/${10000 + rng.int(90000)}","device":"${rng.pick(['iPhone15,2', 'Pixel 8', 'HUAWEI P60', 'Xiaomi 14'])}","app_ver":"${rng.int(10)}.${rng.int(10)}.${rng.int(10)}","session":"${uuid(rng)}"${has(100) ? `,"email":"${v('EMAIL_ADDRESS')}"` : ''}${has(60) ? `,"mobile":"${v('CN_MOBILE')}"` : ''}}`,
    ],
    [
      2,
      () =>
        `{"id":${rng.int(1000000)},"customer":{"name":"${v('PERSON')}","tel":"${v('CN_MOBILE')}","address":"${v('ADDRESS')}"},"items":[{"sku":"${rng.pick(SKUS)}","qty":${1 + rng.int(3)},"price":${price(rng)}}],"remark":"${rng.pick(['请尽快发货', '周末送货', '', '不要放快递柜'])}"}`,
    ],
    [
      1,
      () =>
        `姓名：${v('PERSON')}；性别：${rng.pick(['男', '女'])}；${gen.DATE_OF_BIRTH && has(500) ? `出生日期：${v('DATE_OF_BIRTH')}；` : ''}身份证号码：${v('CN_RESIDENT_ID')}；联系电话：${v('CN_MOBILE')}；${has(500) ? `开户行：中国工商银行；账号：${v('CN_BANK_CARD')}；` : ''}住址：${v('ADDRESS')}`,
    ],
    [
      12,
      () => `${zhSentence(rng)}${zhSentence(rng)}${has(500) ? zhSentence(rng) : ''}${has(40) ? `${zhPii()}。` : ''}`,
    ],
    [6, () => `${rng.pick(EN_PROSE)} ${rng.pick(EN_PROSE)}${has(30) ? ` For questions, ${enPii()}.` : ''}`],
    [
      3,
      () =>
        `${rng.pick(['会议纪要', '周报', '备注'])}：${zhSentence(rng)}另外，${rng.pick(EN_PROSE)}${has(100) ? ` 对接人：${v('PERSON')}，${zhPii()}。` : ''}`,
    ],
  ];
  // Rarer identifiers, each in the kind of record it lives in. Used only when the project has a generator for
  // the type (no placeholders for these); weights are in quarters of the weights above.
  const rare = [
    [
      4,
      'CN_USCC',
      () =>
        `发票抬头：${rng.pick(['杭州云帆科技有限公司', '北京启明商贸有限公司', '深圳市海川电子有限公司'])}；税号：${v('CN_USCC')}；金额：¥${price(rng)}；开票日期：${ts(rng).slice(0, 10)}`,
    ],
    [
      4,
      'CN_LICENSE_PLATE',
      () =>
        `[停车场] ${ts(rng)} 车牌 ${v('CN_LICENSE_PLATE')} ${rng.pick(['入场', '出场'])} 车位 B${1 + rng.int(3)}-${rng.int(300)} 费用 ${rng.int(60)} 元`,
    ],
    [
      2,
      'CN_PASSPORT',
      () => `旅客：${v('PERSON')}，护照号码 ${v('CN_PASSPORT')}，航班 MU${5000 + rng.int(999)}，${ts(rng)} 起飞`,
    ],
    [
      2,
      'VIN',
      () => `service_record vin=${v('VIN')} mileage=${rng.int(200000)}km job=${rng.pick(['oil', 'tyres', 'brakes'])}`,
    ],
    [2, 'SECRET', () => `# .env (staging)\tAPI_TOKEN=${v('SECRET')}`],
    [
      2,
      'IBAN_CODE',
      () => `Wire transfer to IBAN ${v('IBAN_CODE')}, amount EUR ${price(rng)}, ref INV-${rng.int(100000)}`,
    ],
    [
      2,
      'MAC_ADDRESS',
      () => `${ts(rng)} wifi assoc sta=${v('MAC_ADDRESS')} rssi=-${30 + rng.int(60)} ch=${1 + rng.int(13)}`,
    ],
    [1, 'CRYPTO', () => `withdrawal ${rng.int(100)}.${rng.int(1000)} to wallet ${v('CRYPTO')} pending review`],
    [1, 'HK_ID', () => `香港身份證號碼：${v('HK_ID')}，預約編號 ${rng.int(1000000)}`],
    [1, 'TW_NATIONAL_ID', () => `身分證字號 ${v('TW_NATIONAL_ID')}，申請日期 ${ts(rng).slice(0, 10)}`],
  ];
  const cumulative = [];
  let total = 0;
  for (const [w, fn] of kinds) {
    total += w * 4;
    cumulative.push([total, fn]);
  }
  for (const [w, type, fn] of rare) {
    if (!gen[type]) continue;
    total += w;
    cumulative.push([total, fn]);
  }
  const pick = () => {
    const r = rng.int(total);
    for (let i = 0; i < cumulative.length; i++) if (r < cumulative[i][0]) return cumulative[i][1]();
    return cumulative[cumulative.length - 1][1]();
  };
  return {
    planted,
    stats,
    line() {
      const before = plantedTotal;
      const line = pick();
      if (plantedTotal > before) stats.linesWithPii++;
      if (plantedTotal > before + 2) stats.linesWithMany++;
      return line;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

function cacheKey(mb, seed, files) {
  const h = createHash('sha256');
  h.update(`v${FORMAT_VERSION}:${mb}:${seed}\n`);
  h.update(fs.readFileSync(fileURLToPath(import.meta.url)));
  for (const f of files.sort()) h.update(fs.readFileSync(f));
  return h.digest('hex').slice(0, 12);
}

/**
 * Build (or reuse) a corpus of at least `mb` MB. Returns the paths and the manifest.
 *
 * @param {{ mb?: number, seed?: number, log?: (s: string) => void }} [options]
 */
export async function ensureCorpus(options = {}) {
  const mb = options.mb ?? 100;
  const seed = options.seed ?? 20240305;
  const log = options.log ?? (() => {});
  if (!(mb > 0)) throw new RangeError('ensureCorpus: mb must be > 0');
  const { createSeededRng, table, files } = await loadProjectGenerators();
  const key = cacheKey(mb, seed, files);
  fs.mkdirSync(CORPUS_DIR, { recursive: true });
  const base = path.join(CORPUS_DIR, `corpus-${mb}mb-${key}`);
  const paths = { txt: `${base}.txt`, jsonl: `${base}.jsonl`, manifest: `${base}.json` };
  if (fs.existsSync(paths.manifest) && fs.existsSync(paths.txt) && fs.existsSync(paths.jsonl)) {
    const manifest = JSON.parse(fs.readFileSync(paths.manifest, 'utf8'));
    if (fs.statSync(paths.txt).size === manifest.bytes) return { ...paths, manifest };
  }
  // Remove stale corpora (other keys) so the folder does not grow without bound.
  for (const f of fs.readdirSync(CORPUS_DIR))
    if (/^corpus-.*\.(txt|jsonl|json)$/.test(f)) fs.rmSync(path.join(CORPUS_DIR, f));
  const started = performance.now();
  const rng = createSeededRng(seed);
  const valueRng = createSeededRng(seed ^ 0x5a5a5a5a);
  const sources = {};
  const gen = {};
  for (const type of new Set([...Object.keys(PLACEHOLDERS), ...Object.keys(table)])) {
    const g = table[type];
    const fallback = PLACEHOLDERS[type];
    sources[type] = g ? 'synth' : 'placeholder';
    gen[type] = g ? () => g(valueRng) : () => fallback(valueRng);
  }
  const maker = createLineMaker(rng, gen);
  const target = mb * MB;
  const txtFd = fs.openSync(`${paths.txt}.tmp`, 'w');
  const jsonlFd = fs.openSync(`${paths.jsonl}.tmp`, 'w');
  let bytes = 0;
  let jsonlBytes = 0;
  let chars = 0;
  let lines = 0;
  let txtBuf = '';
  let jsonlBuf = '';
  const flush = () => {
    fs.writeSync(txtFd, txtBuf);
    fs.writeSync(jsonlFd, jsonlBuf);
    txtBuf = '';
    jsonlBuf = '';
  };
  while (bytes < target) {
    const line = maker.line();
    lines++;
    const rec = `{"id":${lines},"text":${JSON.stringify(line)}}\n`;
    txtBuf += `${line}\n`;
    jsonlBuf += rec;
    bytes += Buffer.byteLength(line) + 1;
    jsonlBytes += Buffer.byteLength(rec);
    chars += line.length + 1;
    if (txtBuf.length > 1 << 21) flush();
  }
  flush();
  fs.closeSync(txtFd);
  fs.closeSync(jsonlFd);
  fs.renameSync(`${paths.txt}.tmp`, paths.txt);
  fs.renameSync(`${paths.jsonl}.tmp`, paths.jsonl);
  const manifest = {
    formatVersion: FORMAT_VERSION,
    seed,
    mb,
    key,
    bytes,
    chars,
    lines,
    jsonlBytes,
    planted: Object.fromEntries(Object.entries(maker.planted).sort()),
    /** Lines holding at least one planted clear value, and more than two. */
    linesWithPii: maker.stats.linesWithPii,
    linesWithMoreThanTwo: maker.stats.linesWithMany,
    sources,
    generatedMs: Math.round(performance.now() - started),
  };
  fs.writeFileSync(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  log(`corpus: wrote ${(bytes / MB).toFixed(1)} MB, ${lines} lines in ${(manifest.generatedMs / 1000).toFixed(1)} s`);
  return { ...paths, manifest };
}

/**
 * A file of at least `targetBytes` made by repeating the corpus text (for the streaming memory test).
 * Reused while it exists with the right size.
 */
export function ensureRepeatedFile(corpus, targetBytes) {
  const out = path.join(CORPUS_DIR, `repeat-${Math.round(targetBytes / MB)}mb-${corpus.manifest.key}.txt`);
  const unit = corpus.manifest.bytes;
  const copies = Math.ceil(targetBytes / unit);
  if (fs.existsSync(out) && fs.statSync(out).size === unit * copies) return { path: out, bytes: unit * copies };
  for (const f of fs.readdirSync(CORPUS_DIR)) if (/^repeat-/.test(f)) fs.rmSync(path.join(CORPUS_DIR, f));
  const tmp = `${out}.tmp`;
  fs.writeFileSync(tmp, '');
  for (let i = 0; i < copies; i++) fs.appendFileSync(tmp, fs.readFileSync(corpus.txt));
  fs.renameSync(tmp, out);
  return { path: out, bytes: unit * copies };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const num = (name, dflt) => {
    const i = args.indexOf(name);
    if (i < 0) return dflt;
    const n = Number(args[i + 1]);
    if (!(n > 0)) throw new Error(`${name} expects a positive number`);
    return n;
  };
  const corpus = await ensureCorpus({ mb: num('--mb', 100), seed: num('--seed', 20240305), log: console.error });
  console.log(JSON.stringify({ txt: corpus.txt, jsonl: corpus.jsonl, ...corpus.manifest }, null, 2));
}
