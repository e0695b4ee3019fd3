/**
 * The public "was my data leaked?" page. Static HTML per service (it states how many bits of the keyed output a
 * range query reveals, from the service's key document); all work happens in the bundled script
 * (`/assets/leakcheck.js`): the identifier never leaves the browser.
 */

/** Options of {@link leakcheckPage}. */
export interface LeakcheckPageOptions {
  /** Hex characters per range prefix, as in the key document (1–16). */
  readonly prefixLength: number;
}

/**
 * The page HTML for a service answering range queries on `prefixLength` hex characters.
 *
 * @throws RangeError when prefixLength is not an integer from 1 to 16
 * @example
 * leakcheckPage({ prefixLength: 4 }) // '… a 16-bit bucket number (one of 65,536 buckets) …'
 */
export function leakcheckPage(options: LeakcheckPageOptions): string {
  const n = options.prefixLength;
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new RangeError('leakcheckPage: prefixLength must be 1 to 16');
  const buckets = (16n ** BigInt(n)).toLocaleString('en-US');
  return PAGE.replace('{{bucket}}', `a ${n * 4}-bit bucket number (one of ${buckets} buckets)`);
}

const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>leakguard — was my data leaked? 我的信息泄露了吗？</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
  h1 { font-size: 1.4rem; }
  form { display: flex; gap: .5rem; flex-wrap: wrap; }
  input, select, button { font: inherit; padding: .4rem .6rem; }
  input { flex: 1 1 14rem; }
  #result { margin-top: 1.25rem; padding: .75rem 1rem; border-radius: 6px; display: none; }
  #result.found { display: block; background: #fff1f0; border: 1px solid #f5a3a3; }
  #result.clean { display: block; background: #effaf1; border: 1px solid #9fd8ab; }
  #result.error { display: block; background: #fff8e6; border: 1px solid #e9c46a; }
  .note { color: #57606a; font-size: .9rem; }
</style>
</head>
<body>
<h1>Was my data leaked? 我的信息泄露了吗？</h1>
<p class="note">Type a mobile number, a resident ID number or an e-mail address. It is normalised and blinded in
this page; the server only sees a random-looking group element and {{bucket}}, and the match
happens here. 号码在本页内盲化处理，服务器看不到您输入的内容。</p>
<form id="lookup" autocomplete="off">
  <select id="kind" aria-label="kind">
    <option value="">auto 自动识别</option>
    <option value="PHONE">phone 手机号</option>
    <option value="CN_RESIDENT_ID">resident ID 身份证号</option>
    <option value="EMAIL">e-mail 邮箱</option>
  </select>
  <input id="identifier" name="identifier" aria-label="identifier" placeholder="138 1234 5678" required>
  <button id="submit" type="submit">Check 查询</button>
</form>
<div id="result" role="status" aria-live="polite"></div>
<p class="note">How it works: RFC 9497 VOPRF (ristretto255-SHA512). The page verifies the server's proof that it used
its published key, so answers cannot be forged per visitor.</p>
<script type="module" src="/assets/leakcheck.js"></script>
</body>
</html>
`;
