/**
 * HTML to plain text for scanning (e-mail bodies): tags removed, block tags become line breaks so tokens stay
 * apart, `<script>`/`<style>`/comments dropped, character references decoded (`entities`, the WHATWG table), and
 * the values of `href` (mailto:/tel: links), `alt` and `title` kept, since personal data hides there too.
 * Linear time: one pass, no backtracking regex over the document.
 */
import { decodeHTML } from 'entities';

/** Tags after which text continues on a new line. */
const BLOCK = new Set([
  'br',
  'p',
  'div',
  'tr',
  'li',
  'ul',
  'ol',
  'table',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'hr',
  'section',
  'article',
  'header',
  'footer',
  'td',
  'th',
]);

/**
 * Attributes worth keeping, inside one tag's text: `href="mailto:a@example.com"`, `alt='photo of …'`, `title=x`.
 * Each alternative starts with a different quote or a non-space run, so there is no ambiguity to backtrack over;
 * values are bounded by the enclosing tag (at most 64 KiB). Does not match `data-href=` (needs a word boundary).
 */
const KEPT_ATTR = /(?:^|\s)(href|alt|title)\s{0,8}=\s{0,8}(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;

/** Longest tag examined for attributes; longer tags are dropped whole. */
const MAX_TAG = 64 * 1024;

/** Index of `</name` (any case) at or after `from`, or -1. */
function findClose(html: string, name: string, from: number): number {
  for (let at = html.indexOf('</', from); at >= 0; at = html.indexOf('</', at + 2)) {
    if (html.slice(at + 2, at + 2 + name.length).toLowerCase() === name) return at;
  }
  return -1;
}

/**
 * Strip HTML to text.
 *
 * @example
 * htmlToText('<p>Call <a href="tel:+8613800138000">me</a></p>'); // '\nCall me tel:+8613800138000 \n'
 */
export function htmlToText(html: string): string {
  const parts: string[] = [];
  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) parts.push(decodeHTML(html.slice(i, textEnd)));
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    const gt = html.indexOf('>', lt + 1);
    if (gt < 0) break;
    const body = html.slice(lt + 1, gt);
    let k = body.startsWith('/') ? 1 : 0;
    let name = '';
    while (k < body.length) {
      const c = body.charCodeAt(k) | 0x20;
      if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39))) break;
      name += String.fromCharCode(c);
      k++;
    }
    i = gt + 1;
    if (!body.startsWith('/') && (name === 'script' || name === 'style')) {
      const close = findClose(html, name, i);
      i = close < 0 ? n : close;
      continue;
    }
    if (BLOCK.has(name)) parts.push('\n');
    if (body.length <= MAX_TAG && !body.startsWith('/')) {
      for (const m of body.matchAll(KEPT_ATTR)) {
        const value = decodeHTML(m[2] ?? m[3] ?? m[4] ?? '');
        const attr = m[1]!.toLowerCase();
        if (attr === 'href') {
          const lower = value.toLowerCase();
          if (lower.startsWith('mailto:') || lower.startsWith('tel:')) parts.push(` ${value} `);
        } else if (value.trim()) parts.push(` ${value} `);
      }
    } else if (name === 'td' || name === 'th' || name === 'span') parts.push(' ');
  }
  return parts.join('');
}
