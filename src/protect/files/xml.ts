/**
 * XML as a token stream for rewriting Office parts: `saxes` events (no DTD, no entity expansion) turned into
 * tokens and serialised back. Element names, attribute order, namespace declarations, comments, processing
 * instructions and text are kept; what changes is only what a caller edits. The output is equivalent XML (the
 * same infoset), not byte-identical: entities are re-escaped and `<a></a>` stays `<a></a>`, `<a/>` stays `<a/>`.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';

/** One XML token. */
export type XmlToken =
  | { k: 'open'; name: string; attrs: Record<string, string>; self: boolean }
  | { k: 'close'; name: string }
  | { k: 'text'; text: string }
  | { k: 'cdata'; text: string }
  | { k: 'comment'; text: string }
  | { k: 'pi'; target: string; body: string }
  | { k: 'decl'; version: string; encoding: string | undefined; standalone: string | undefined }
  | { k: 'doctype'; text: string };

/**
 * Characters escaped in text. Example match: `<` in `a<b`. Source: XML 1.0 §2.4 (`<` and `&` must be escaped;
 * `>` is escaped too for `]]>`). Does not match quotes, which text may hold as they are.
 */
const TEXT_SPECIAL = /[&<>]/g;
/**
 * Characters escaped in attribute values. Example match: `"` in `a"b`. Source: XML 1.0 §2.3 and §3.3.3 (tab,
 * newline and carriage return as character references survive attribute-value normalisation). Does not match `'`
 * (values are written in double quotes).
 */
const ATTR_SPECIAL = /[&<>"\t\n\r]/g;
const ESC: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Whether text needs escaping: {@link TEXT_SPECIAL} without the global flag (a `test` keeps no state). */
const TEXT_NEEDS = /[&<>]/;
/** Whether an attribute value needs escaping: {@link ATTR_SPECIAL} without the global flag. */
const ATTR_NEEDS = /[&<>"\t\n\r]/;

/**
 * Text escaped for element content.
 *
 * @example
 * escapeText('a<b & c'); // 'a&lt;b &amp; c'
 */
export function escapeText(s: string): string {
  return TEXT_NEEDS.test(s) ? s.replace(TEXT_SPECIAL, (c) => ESC[c] as string) : s;
}

/**
 * Text escaped for a double-quoted attribute value.
 *
 * @example
 * escapeAttr('say "hi"'); // 'say &quot;hi&quot;'
 */
export function escapeAttr(s: string): string {
  return ATTR_NEEDS.test(s) ? s.replace(ATTR_SPECIAL, (c) => ESC[c] as string) : s;
}

/**
 * The XML text of one token.
 *
 * @example
 * serialize({ k: 'open', name: 'c', attrs: { r: 'A1' }, self: true }); // '<c r="A1"/>'
 */
export function serialize(t: XmlToken): string {
  switch (t.k) {
    case 'open': {
      let s = `<${t.name}`;
      for (const [k, v] of Object.entries(t.attrs)) s += ` ${k}="${escapeAttr(v)}"`;
      return s + (t.self ? '/>' : '>');
    }
    case 'close':
      return `</${t.name}>`;
    case 'text':
      return escapeText(t.text);
    case 'cdata':
      return `<![CDATA[${t.text}]]>`;
    case 'comment':
      return `<!--${t.text}-->`;
    case 'pi':
      return `<?${t.target}${t.body ? ` ${t.body}` : ''}?>`;
    case 'decl':
      return `<?xml version="${t.version}"${t.encoding !== undefined ? ` encoding="${t.encoding}"` : ''}${t.standalone !== undefined ? ` standalone="${t.standalone}"` : ''}?>`;
    case 'doctype':
      return `<!DOCTYPE${t.text}>`;
  }
}

/**
 * Local name of a tag (`x:c` → `c`).
 *
 * @example
 * localName('x:c'); // 'c'
 */
export function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

/**
 * A streaming tokenizer: `write(text)` returns the tokens completed so far.
 *
 * @throws Error (from saxes) when the XML is not well formed; its message can quote content, so callers wrap it
 * @example
 * const t = new XmlTokenizer(); t.write('<a x="1">hi</a>'); // open, text, close
 */
export class XmlTokenizer {
  readonly #parser = new SaxesParser();
  #out: XmlToken[] = [];
  #error: Error | undefined;

  constructor() {
    const p = this.#parser;
    p.on('error', (e) => {
      this.#error ??= e;
    });
    p.on('xmldecl', (d) =>
      this.#out.push({ k: 'decl', version: d.version ?? '1.0', encoding: d.encoding, standalone: d.standalone }),
    );
    p.on('doctype', (text) => this.#out.push({ k: 'doctype', text }));
    p.on('processinginstruction', (pi) => this.#out.push({ k: 'pi', target: pi.target, body: pi.body }));
    p.on('comment', (text) => this.#out.push({ k: 'comment', text }));
    p.on('opentag', (tag) => {
      const t = tag as SaxesTagPlain;
      const attrs: Record<string, string> = {};
      for (const [k, v] of Object.entries(t.attributes)) attrs[k] = typeof v === 'string' ? v : String(v);
      this.#out.push({ k: 'open', name: t.name, attrs, self: t.isSelfClosing });
    });
    p.on('closetag', (tag) => {
      if (!tag.isSelfClosing) this.#out.push({ k: 'close', name: tag.name });
    });
    p.on('text', (text) => this.#out.push({ k: 'text', text }));
    p.on('cdata', (text) => this.#out.push({ k: 'cdata', text }));
  }

  /** Feeds text; returns completed tokens. */
  write(text: string): XmlToken[] {
    this.#parser.write(text);
    return this.#take();
  }

  /** Ends the document; returns the last tokens. */
  end(): XmlToken[] {
    this.#parser.close();
    return this.#take();
  }

  #take(): XmlToken[] {
    if (this.#error) throw this.#error;
    const out = this.#out;
    this.#out = [];
    return out;
  }
}
