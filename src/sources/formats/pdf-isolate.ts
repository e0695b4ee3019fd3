/**
 * pdf.js runs in a worker thread, never in the scanning thread. On damaged input it leaves promises rejected
 * with no handler inside its own machinery (which would end a Node process), can stall, and can use a lot of
 * memory; in a worker all three are contained: the worker swallows pdf.js's stray rejections (the damage is
 * already reported per page), a document that makes no progress for `stallMs` is abandoned by terminating the
 * worker, and the worker's heap is capped. One worker per process is started on the first PDF, reused, restarted
 * after a failure, and unreferenced so it never keeps the process alive.
 *
 * The worker's code is a small script string (it only needs `unpdf`), so it runs the same from `dist/` and
 * from the TypeScript sources under the test runner.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** One message from the worker about a document. */
export type PdfEvent =
  | { kind: 'opened'; pages: number }
  | { kind: 'page'; page: number; text: string }
  | { kind: 'page-error'; page: number; error: string }
  | { kind: 'open-error'; error: string }
  | { kind: 'done' };

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
process.on('unhandledRejection', () => {});
// pdf.js's console warnings about damaged files may quote document text: never printed.
for (const m of ['log', 'info', 'warn', 'error', 'debug']) console[m] = () => {};
let unpdf;
parentPort.on('message', async ({ id, data }) => {
  const post = (event) => parentPort.postMessage({ id, event });
  let doc;
  try {
    unpdf ??= await import(workerData.unpdfUrl);
    doc = await unpdf.getDocumentProxy(data, {
      verbosity: 0, isEvalSupported: false, disableFontFace: true, useSystemFonts: false, stopAtErrors: false,
    });
  } catch (e) {
    post({ kind: 'open-error', error: (e && e.name) || 'Error' });
    post({ kind: 'done' });
    return;
  }
  try {
    post({ kind: 'opened', pages: doc.numPages });
    for (let n = 1; n <= doc.numPages; n++) {
      try {
        const page = await doc.getPage(n);
        const content = await page.getTextContent();
        let text = '';
        for (const item of content.items) {
          if (typeof item.str === 'string') text += item.str;
          if (item.hasEOL) text += '\\n';
        }
        page.cleanup();
        post({ kind: 'page', page: n, text });
      } catch (e) {
        post({ kind: 'page-error', page: n, error: (e && e.name) || 'Error' });
      }
    }
  } finally {
    try { await doc.destroy(); } catch {}
    post({ kind: 'done' });
  }
});
`;

/** Where the ESM build of unpdf lives (resolved from here, so it works from any working directory). */
function unpdfUrl(): string {
  const cjs = createRequire(import.meta.url).resolve('unpdf');
  return pathToFileURL(join(dirname(cjs), 'index.mjs')).href;
}

/** The worker failed or stalled: the document is abandoned with this reason. */
export class PdfWorkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfWorkerError';
  }
}

interface Pending {
  push: (event: PdfEvent) => void;
  fail: (error: Error) => void;
}

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();
/** Documents wait for the one before them: pdf.js gets one document at a time. */
let queue: Promise<void> = Promise.resolve();

function startWorker(): Worker {
  const w = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { unpdfUrl: unpdfUrl() },
    resourceLimits: { maxOldGenerationSizeMb: 1024 },
  });
  w.on('message', ({ id, event }: { id: number; event: PdfEvent }) => pending.get(id)?.push(event));
  const fail = (why: string): void => {
    if (worker === w) worker = undefined;
    for (const p of pending.values()) p.fail(new PdfWorkerError(why));
    pending.clear();
  };
  w.on('error', (e) => fail(`the PDF worker failed (${(e as { code?: string }).code ?? e.name})`));
  w.on('exit', () => fail('the PDF worker exited'));
  // After the listeners: adding a 'message' listener refs the worker's port again.
  w.unref();
  return w;
}

/**
 * Parse a PDF in the worker, yielding its events as they come. Abandons the document (terminating the worker)
 * when no event arrives for `stallMs`.
 *
 * @throws PdfWorkerError when the worker dies or stalls
 * @example
 * for await (const e of parsePdfIsolated(bytes, 60_000)) if (e.kind === 'page') …
 */
export async function* parsePdfIsolated(data: Uint8Array, stallMs: number): AsyncGenerator<PdfEvent> {
  let release!: () => void;
  const previous = queue;
  queue = new Promise<void>((r) => {
    release = r;
  });
  await previous;
  const id = nextId++;
  const events: PdfEvent[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  pending.set(id, {
    push: (e) => {
      events.push(e);
      wake?.();
    },
    fail: (e) => {
      failure = e;
      wake?.();
    },
  });
  try {
    worker ??= startWorker();
    const w = worker;
    const copy = new Uint8Array(data);
    w.postMessage({ id, data: copy }, [copy.buffer]);
    for (;;) {
      while (events.length > 0) {
        const e = events.shift()!;
        if (e.kind === 'done') return;
        yield e;
      }
      if (failure) throw failure;
      let timer: NodeJS.Timeout | undefined;
      const stalled = await new Promise<boolean>((resolve) => {
        wake = () => resolve(false);
        timer = setTimeout(() => resolve(true), stallMs);
      });
      clearTimeout(timer);
      wake = undefined;
      if (stalled && events.length === 0 && !failure) {
        if (worker === w) worker = undefined;
        pending.delete(id);
        await w.terminate();
        throw new PdfWorkerError(`no progress for ${stallMs} ms`);
      }
    }
  } finally {
    pending.delete(id);
    release();
  }
}
