// Synthetic people for the risk benchmark and examples/risk/: every value is generated (seeded xorshift),
// resident IDs carry a valid GB 11643 MOD 11-2 check character, regions are real GB/T 2260 county codes with
// their district names, and nobody in it exists. Used by bench/risk.mjs and to (re)make examples/risk/people.csv:
//   node bench/risk-data.mjs 500 > examples/risk/people.csv

/** Real county-level units: code, address prefix, postcode prefix. */
export const REGIONS = [
  ['110105', '北京市朝阳区', '1000'],
  ['110108', '北京市海淀区', '1000'],
  ['110101', '北京市东城区', '1000'],
  ['310101', '上海市黄浦区', '2000'],
  ['310104', '上海市徐汇区', '2000'],
  ['310115', '上海市浦东新区', '2001'],
  ['440106', '广东省广州市天河区', '5106'],
  ['440304', '广东省深圳市福田区', '5180'],
  ['440305', '广东省深圳市南山区', '5180'],
  ['330106', '浙江省杭州市西湖区', '3100'],
  ['510107', '四川省成都市武侯区', '6100'],
  ['420106', '湖北省武汉市武昌区', '4300'],
];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰';
const JOBS = ['教师', '护士', '医生', '工程师', '司机', '厨师', '会计', '律师', '销售', '程序员', '农民', '学生'];
const DIAGNOSES = ['高血压', '糖尿病', '哮喘', '流感', '胃炎', '抑郁症', '骨折', '偏头痛'];
const ETHNIC = ['汉族', '汉族', '汉族', '汉族', '汉族', '汉族', '回族', '满族', '壮族', '蒙古族'];
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** A seeded xorshift32 generator: () → [0, 1). */
export function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

function check(body) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * W[i];
  return CHECK[sum % 11];
}

const pad = (n, w) => String(n).padStart(w, '0');

/** One synthetic person as an object of strings. */
export function person(r) {
  const pick = (a) => a[Math.floor(r() * a.length)];
  const region = pick(REGIONS);
  const y = 1940 + Math.floor(r() * 66);
  const m = 1 + Math.floor(r() * 12);
  const d = 1 + Math.floor(r() * 28);
  const male = r() < 0.5;
  const seq = pad(Math.floor(r() * 100), 2) + String(2 * Math.floor(r() * 5) + (male ? 1 : 0));
  const body = `${region[0]}${y}${pad(m, 2)}${pad(d, 2)}${seq}`;
  const id = body + check(body);
  return {
    name: pick(SURNAMES) + pick(GIVEN) + (r() < 0.6 ? pick(GIVEN) : ''),
    id,
    idMasked: `${id.slice(0, 3)}***********${id.slice(14)}`,
    birth: `${y}-${pad(m, 2)}-${pad(d, 2)}`,
    sex: male ? '男' : '女',
    region: region[1],
    regionCode: region[0],
    postcode: `${region[2]}${pad(Math.floor(r() * 100), 2)}`,
    occupation: pick(JOBS),
    ethnicity: pick(ETHNIC),
    diagnosis: pick(DIAGNOSES),
    salary: String(3000 + Math.floor(r() * 40) * 500),
  };
}

export const HEADER = ['姓名', '身份证号', '出生日期', '性别', '地址', '邮编', '职业', '民族', '诊断'];

/** A CSV line for a person (no value needs quoting). */
export function csvLine(p) {
  return `${p.name},${p.idMasked},${p.birth},${p.sex},${p.region},${p.postcode},${p.occupation},${p.ethnicity},${p.diagnosis}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 500);
  const r = rng(20261129);
  let out = `${HEADER.join(',')}\n`;
  for (let i = 0; i < n; i++) out += csvLine(person(r));
  process.stdout.write(out);
}
