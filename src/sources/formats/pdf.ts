/**
 * PDF text layer through `unpdf` (Mozilla pdf.js packaged without native dependencies; `pdfjs-dist` 5.4+ needs
 * Node 20.16+ and pulls a native canvas as an optional dependency). One fragment per page (`loc.page`), split
 * when a page holds more than `maxFragmentChars`. Scanned pages without a text layer yield nothing (no OCR).
 *
 * pdf.js needs the whole document in memory: inputs beyond `maxBufferBytes` are skipped with a note. Script
 * evaluation is disabled (`isEvalSupported: false`, the CVE-2024-4367 class of bugs). pdf.js runs in a worker
 * thread (pdf-isolate.ts): its stray rejections, stalls and memory stay out of the scanning thread.
 */
import { type ByteInput, toBuffer } from './input.js';
import { PdfWorkerError, parsePdfIsolated } from './pdf-isolate.js';
import { at, checkAbort, PROBLEM, problem, type ReadBatch, type ReadContext } from './types.js';

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
  const max = ctx.limits.maxFragmentChars;
  try {
    for await (const event of parsePdfIsolated(data, ctx.limits.pdfStallMs)) {
      checkAbort(ctx.signal);
      switch (event.kind) {
        case 'open-error':
          yield [
            event.error === 'PasswordException'
              ? problem(ctx, PROBLEM.skippedEncrypted, 'Skipped PDF: it is password-protected')
              : problem(ctx, PROBLEM.corrupt, `Cannot read PDF: the document structure is damaged (${event.error})`),
          ];
          break;
        case 'page-error':
          yield [
            problem(ctx, PROBLEM.corrupt, `Cannot read PDF page ${event.page}: damaged content (${event.error})`, {
              page: event.page,
            }),
          ];
          break;
        case 'page': {
          const { text, page } = event;
          if (text.trim().length === 0) break;
          for (let i = 0; i < text.length; i += max) yield [{ text: text.slice(i, i + max), loc: at(ctx, { page }) }];
          break;
        }
        default:
          break;
      }
    }
  } catch (e) {
    if (!(e instanceof PdfWorkerError)) throw e;
    yield [problem(ctx, PROBLEM.corrupt, `Cannot read PDF: ${e.message}`)];
  }
}
