/**
 * The page script of the public lookup (bundled by the server with esbuild): wires the form to the client.
 * Shows breaches and the kinds of fields exposed, "nothing found", or a clear error. Never sends or stores the
 * identifier: it only goes through {@link createLeakcheckClient}.
 */
import { createLeakcheckClient, isIdentifierKind, LeakcheckClientError } from './client.js';

const FIELD_LABELS: Record<string, string> = {
  PHONE: 'phone 手机号',
  CN_RESIDENT_ID: 'resident ID 身份证号',
  EMAIL: 'e-mail 邮箱',
  NAME: 'name 姓名',
  ADDRESS: 'address 地址',
  BANK_CARD: 'bank card 银行卡',
  DATE_OF_BIRTH: 'date of birth 出生日期',
  PASSPORT: 'passport 护照',
  LICENSE_PLATE: 'vehicle 车辆',
  IP_ADDRESS: 'IP address',
  PASSWORD: 'password 密码',
  OTHER_ID: 'other identifiers 其他证件',
};

interface Dom {
  getElementById(id: string): {
    value: string;
    textContent: string | null;
    className: string;
    disabled: boolean;
    replaceChildren(...nodes: unknown[]): void;
    append(...nodes: unknown[]): void;
    addEventListener(type: string, fn: (e: { preventDefault(): void }) => void): void;
  } | null;
  createElement(tag: string): { textContent: string | null; append(...nodes: unknown[]): void };
}

const doc = (globalThis as unknown as { document: Dom }).document;
const client = createLeakcheckClient({ baseUrl: '' });
const form = doc.getElementById('lookup');
const input = doc.getElementById('identifier');
const kind = doc.getElementById('kind');
const result = doc.getElementById('result');
const button = doc.getElementById('submit');

function show(cls: string, title: string, lines: string[] = []): void {
  if (!result) return;
  result.className = cls;
  const h = doc.createElement('strong');
  h.textContent = title;
  const list = doc.createElement('ul');
  for (const l of lines) {
    const li = doc.createElement('li');
    li.textContent = l;
    list.append(li);
  }
  result.replaceChildren(h, ...(lines.length ? [list] : []));
}

form?.addEventListener('submit', (e) => {
  e.preventDefault();
  const raw = input?.value ?? '';
  const k = kind?.value ?? '';
  if (button) button.disabled = true;
  show('', '');
  client
    .check(raw, isIdentifierKind(k) ? k : undefined)
    .then((r) => {
      if (!r.found) {
        show('clean', 'Nothing found 未发现泄露');
        return;
      }
      show(
        'found',
        `Found in ${r.breaches.length} breach${r.breaches.length === 1 ? '' : 'es'} 发现泄露`,
        r.breaches.map(
          (b) => `${b.name}${b.date ? ` (${b.date})` : ''}: ${b.fields.map((f) => FIELD_LABELS[f] ?? f).join(', ')}`,
        ),
      );
    })
    .catch((err: unknown) => {
      if (err instanceof LeakcheckClientError && err.code === 'LG_LEAK_CLIENT_INPUT')
        show('error', `Please check the input: ${err.message}`);
      else if (err instanceof LeakcheckClientError)
        show(
          'error',
          err.code === 'LG_LEAK_RATE_LIMITED' ? 'Too many lookups, try again later 查询过于频繁' : err.message,
        );
      else show('error', 'The lookup failed');
    })
    .finally(() => {
      if (button) button.disabled = false;
    });
});
