/**
 * E-mail messages (RFC 5322 / MIME, `.eml`) through `postal-mime` (no dependencies, decodes encoded words,
 * transfer encodings and charsets including GB2312/GBK/GB18030 via `TextDecoder`).
 *
 * Yields: one structured fragment per address in From/Sender/Reply-To/To/Cc/Bcc (`loc.field` = header name), the
 * Subject (`loc.field` = `Subject`), the text body in line-aligned fragments (`loc.field` = `body`; the HTML body,
 * stripped, only when there is no text body, since the two are alternatives of one content), and every
 * attachment recursively through sniffing with `loc.entry` = `mail.eml!/report.pdf`. Attachments count as a
 * nesting level and against the archive budget. The message is parsed in memory (`maxBufferBytes`).
 */
import PostalMime, { type Address } from 'postal-mime';
import { htmlToText } from './html.js';
import { type ByteInput, bufferInput, toBuffer } from './input.js';
import { TextChunker } from './text.js';
import {
  at,
  checkAbort,
  childContext,
  errorTag,
  isAbort,
  memberEntry,
  PROBLEM,
  problem,
  type ReadBatch,
  type ReadContext,
  type ReadNested,
  rethrowFatal,
} from './types.js';

/** Address headers in the order they are reported. */
const ADDRESS_FIELDS = [
  ['from', 'From'],
  ['sender', 'Sender'],
  ['replyTo', 'Reply-To'],
  ['to', 'To'],
  ['cc', 'Cc'],
  ['bcc', 'Bcc'],
] as const;

function addressTexts(value: Address | Address[] | undefined): string[] {
  if (!value) return [];
  const list = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const a of list) {
    if (a.group) {
      for (const m of a.group) out.push(m.name ? `${m.name} <${m.address}>` : m.address);
    } else if (a.address || a.name) out.push(a.name ? `${a.name} <${a.address ?? ''}>` : (a.address ?? ''));
  }
  return out.filter((s) => s.trim().length > 0);
}

/**
 * Read an e-mail message.
 *
 * @example
 * for await (const item of readEml(input, ctx, readNested)) …
 */
export async function* readEml(input: ByteInput, ctx: ReadContext, readNested: ReadNested): AsyncGenerator<ReadBatch> {
  const data = await toBuffer(input, ctx.limits.maxBufferBytes);
  if (!data) {
    yield [
      problem(
        ctx,
        PROBLEM.skippedTooLarge,
        `Skipped e-mail message: it must be held in memory and exceeds ${ctx.limits.maxBufferBytes} bytes`,
      ),
    ];
    return;
  }
  let email: Awaited<ReturnType<typeof PostalMime.parse>>;
  try {
    email = await PostalMime.parse(data, { attachmentEncoding: 'arraybuffer', rfc822Attachments: true });
  } catch (e) {
    rethrowFatal(e, ctx);
    yield [problem(ctx, PROBLEM.corrupt, `Cannot read e-mail message: the MIME structure is damaged (${errorTag(e)})`)];
    return;
  }
  for (const [key, field] of ADDRESS_FIELDS) {
    const value = email[key] as Address | Address[] | undefined;
    for (const text of addressTexts(value)) yield [{ text, loc: at(ctx, { field }), structured: true }];
  }
  if (email.subject?.trim()) yield [{ text: email.subject, loc: at(ctx, { field: 'Subject' }) }];
  const body = email.text?.trim()
    ? { text: email.text, field: 'body' }
    : email.html
      ? { text: htmlToText(email.html), field: 'body.html' }
      : undefined;
  if (body) {
    const chunker = new TextChunker(ctx, 1, body.field);
    yield chunker.push(body.text);
    yield chunker.end();
  }
  const label = input.label ?? input.name;
  const names = new Set<string>();
  for (let i = 0; i < email.attachments.length; i++) {
    checkAbort(ctx.signal);
    const a = email.attachments[i]!;
    let name = a.filename?.trim() || `attachment-${i + 1}`;
    if (names.has(name)) name = `${name} (${i + 1})`;
    names.add(name);
    const loc = memberEntry(ctx, label, name);
    if (ctx.depth + 1 > ctx.limits.maxDepth) {
      yield [
        {
          problem: PROBLEM.archiveRefused,
          message: `Refused attachment "${loc}": nesting deeper than ${ctx.limits.maxDepth} levels`,
          loc: { entry: loc },
        },
      ];
      continue;
    }
    const content =
      typeof a.content === 'string' ? Buffer.from(a.content, 'utf8') : Buffer.from(a.content as ArrayBuffer);
    ctx.budget.entries++;
    if (ctx.budget.entries > ctx.limits.maxEntries || content.length > ctx.limits.maxEntryBytes) {
      yield [
        {
          problem: PROBLEM.archiveRefused,
          message: `Refused attachment "${loc}": beyond the entry-count or size limit`,
          loc: { entry: loc },
        },
      ];
      continue;
    }
    try {
      yield* readNested(bufferInput(name, content), childContext(ctx, loc));
    } catch (e) {
      if (isAbort(e, ctx.signal)) throw e;
      yield [
        {
          problem: PROBLEM.corrupt,
          message: `Cannot read attachment "${loc}" (${errorTag(e)})`,
          loc: { entry: loc },
        },
      ];
    }
  }
}
