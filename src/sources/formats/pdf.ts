/**
 * PDF text layer through `unpdf` (Mozilla pdf.js packaged without native dependencies; `pdfjs-dist` 5.4+ needs
 * Node 20.16+ and pulls a native canvas as an optional dependency). One fragment per page (`loc.page`), split
 * when a page holds more than `maxFragmentChars`. Scanned pages without a text layer yield nothing (no OCR).
 *
 * pdf.js needs the whole document in memory: inputs beyond `maxBufferBytes` are skipped with a note. Script
 * evaluation is disabled (`isEvalSupported: false`, the CVE-2024-4367 class of bugs).
 */
import type { getDocumentProxy } from 'unpdf';
import { type ByteInput, toBuffer } from './input.js';
import { at, checkAbort, errorTag, PROBLEM, problem, type ReadBatch, type ReadContext, rethrowFatal } from './types.js';

interface TextItemLike {
  str?: string;
  hasEOL?: boolean;
}

/**
 * Read a PDF's text layer page by page.
 *
 * @example
 * for await (const item of readPdf(input, ctx)) …
 */
export async function* readPdf(input: ByteInput, ctx: ReadContext): AsyncGenerator<ReadBatch> {
  const data = await toBuffer(input, ctx.limits.maxBufferBytes);
  if (!data) {
    yield [
      problem(
        ctx,
        PROBLEM.skippedTooLarge,
        `Skipped PDF: it must be held in memory and exceeds ${ctx.limits.maxBufferBytes} bytes`,
      ),
    ];
    return;
  }
  let doc: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // Loaded on first use: pdf.js is large and most scans meet few PDFs.
    const unpdf = await import('unpdf');
    // A private copy: pdf.js may transfer (detach) the buffer it is given.
    doc = await unpdf.getDocumentProxy(new Uint8Array(data), {
      verbosity: 0,
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      stopAtErrors: false,
    });
  } catch (e) {
    rethrowFatal(e, ctx);
    if (errorTag(e) === 'PasswordException') {
      yield [problem(ctx, PROBLEM.skippedEncrypted, 'Skipped PDF: it is password-protected')];
    } else {
      yield [problem(ctx, PROBLEM.corrupt, `Cannot read PDF: the document structure is damaged (${errorTag(e)})`)];
    }
    return;
  }
  const max = ctx.limits.maxFragmentChars;
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      checkAbort(ctx.signal);
      let text = '';
      try {
        const page = await doc.getPage(n);
        const content = await page.getTextContent();
        for (const item of content.items as TextItemLike[]) {
          if (typeof item.str === 'string') text += item.str;
          if (item.hasEOL) text += '\n';
        }
        page.cleanup();
      } catch (e) {
        rethrowFatal(e, ctx);
        yield [
          problem(ctx, PROBLEM.corrupt, `Cannot read PDF page ${n}: damaged content (${errorTag(e)})`, { page: n }),
        ];
        continue;
      }
      if (text.trim().length === 0) continue;
      for (let i = 0; i < text.length; i += max) yield [{ text: text.slice(i, i + max), loc: at(ctx, { page: n }) }];
    }
  } finally {
    await doc.destroy();
  }
}
