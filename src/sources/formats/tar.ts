/**
 * Tar archives (POSIX ustar, pax and GNU long names), read strictly in one pass: each member is streamed to the
 * nested reader and whatever the reader leaves unread is skipped, so memory is bounded by one chunk whatever the
 * member sizes. Limits: `maxDepth`, `maxEntries`, `maxEntryBytes` (declared size), `maxTotalBytes`.
 *
 * Hand-written (about a hundred lines of header parsing) rather than `tar-stream`: its entries are streamx
 * streams that must be fully drained in order, and abandoning one part-way (a binary member we only sniff)
 * destroys the extraction; a pull reader makes "skip the rest of this member" trivial.
 */
import { type ByteInput, streamInput } from './input.js';
import {
  checkAbort,
  childContext,
  errorTag,
  isAbort,
  LimitExceededError,
  memberEntry,
  PROBLEM,
  problem,
  type ReadBatch,
  type ReadContext,
  type ReadNested,
} from './types.js';

/** Pull-based reader over chunks: exact reads, bounded sub-streams and skips. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  private async more(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    return true;
  }

  /** Exactly `n` bytes, or fewer at end of input. */
  async read(n: number): Promise<Buffer> {
    while (this.buf.length < n && (await this.more()));
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(out.length);
    return out;
  }

  /** The next `n` bytes as chunks; `state.left` says how many the consumer did not take. */
  async *take(n: number, state: { left: number }): AsyncGenerator<Buffer> {
    state.left = n;
    while (state.left > 0) {
      if (this.buf.length === 0 && !(await this.more())) throw new Error('truncated archive');
      const part = this.buf.subarray(0, Math.min(state.left, this.buf.length));
      this.buf = this.buf.subarray(part.length);
      state.left -= part.length;
      yield part;
    }
  }

  /** Skip `n` bytes; false when the input ended first. */
  async skip(n: number): Promise<boolean> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.more())) return false;
      const k = Math.min(left, this.buf.length);
      this.buf = this.buf.subarray(k);
      left -= k;
    }
    return true;
  }

  async close(): Promise<void> {
    if (!this.done) await this.it.return?.();
    this.done = true;
  }
}

/** A NUL-terminated string field. */
function field(h: Buffer, start: number, length: number): string {
  const end = h.indexOf(0, start);
  return h.toString('utf8', start, end < 0 || end > start + length ? start + length : end);
}

/** A numeric field: octal text, or base-256 when the high bit of the first byte is set (GNU, large files). */
function numeric(h: Buffer, start: number, length: number): number {
  if ((h[start]! & 0x80) !== 0) {
    let v = h[start]! & 0x7f;
    for (let i = 1; i < length; i++) v = v * 256 + h[start + i]!;
    return v;
  }
  const s = field(h, start, length).trim();
  return s === '' ? 0 : Number.parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return numeric(h, 148, 8) === sum;
}

/** Parse pax records `"%d %s=%s\n"` (POSIX.1-2001) into a map. */
function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp < 0) break;
    const len = Number.parseInt(data.toString('latin1', i, sp), 10);
    if (!(len > 0) || i + len > data.length) break;
    const rec = data.toString('utf8', sp + 1, i + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

/** Metadata records are held in memory; a pax header or long name beyond this is refused. */
const MAX_META_BYTES = 1024 * 1024;

/**
 * Read a tar archive's regular-file members recursively through sniffing.
 *
 * @example
 * for await (const item of readTar(input, ctx, readNested)) …
 */
export async function* readTar(input: ByteInput, ctx: ReadContext, readNested: ReadNested): AsyncGenerator<ReadBatch> {
  const label = input.label ?? input.name;
  if (ctx.depth + 1 > ctx.limits.maxDepth) {
    yield [problem(ctx, PROBLEM.archiveRefused, `Refused archive: nesting deeper than ${ctx.limits.maxDepth} levels`)];
    return;
  }
  const reader = new ByteReader(input.stream()[Symbol.asyncIterator]());
  let longName: string | undefined;
  let pax = new Map<string, string>();
  const globalPax = new Map<string, string>();
  let index = 0;
  try {
    for (;;) {
      checkAbort(ctx.signal);
      const h = await reader.read(512);
      if (h.length === 0) return;
      if (h.length < 512) {
        yield [problem(ctx, PROBLEM.corrupt, `Tar archive ends inside a header after member ${index}`)];
        return;
      }
      if (h.every((b) => b === 0)) return;
      if (!checksumOk(h)) {
        yield [problem(ctx, PROBLEM.corrupt, `Tar archive has a damaged header after member ${index}`)];
        return;
      }
      const type = String.fromCharCode(h[156]!);
      let size = numeric(h, 124, 12);
      const magic = h.toString('latin1', 257, 262);
      let name = field(h, 0, 100);
      if (magic === 'ustar') {
        const prefix = field(h, 345, 155);
        if (prefix) name = `${prefix}/${name}`;
      }
      const padded = Math.ceil(size / 512) * 512;
      if (type === 'x' || type === 'g' || type === 'L') {
        if (size > MAX_META_BYTES) {
          yield [problem(ctx, PROBLEM.archiveRefused, `Refused tar archive: a metadata record of ${size} bytes`)];
          return;
        }
        const data = await reader.read(size);
        await reader.skip(padded - size);
        if (type === 'L') longName = field(data, 0, data.length);
        else if (type === 'x') pax = parsePax(data);
        else for (const [k, v] of parsePax(data)) globalPax.set(k, v);
        continue;
      }
      name = pax.get('path') ?? longName ?? globalPax.get('path') ?? name;
      const paxSize = pax.get('size');
      // A pax `size` record is decimal digits (`4294967296`); anything else (signs, spaces) is ignored.
      if (paxSize !== undefined && /^[0-9]{1,20}$/.test(paxSize)) size = Number(paxSize);
      const dataBytes = Math.ceil(size / 512) * 512;
      longName = undefined;
      pax = new Map();
      index++;
      const isFile = type === '0' || type === '\0' || type === '7';
      if (!isFile || size === 0) {
        if (!(await reader.skip(dataBytes))) return;
        continue;
      }
      ctx.budget.entries++;
      const loc = memberEntry(ctx, label, name);
      if (ctx.budget.entries > ctx.limits.maxEntries) {
        yield [
          problem(
            ctx,
            PROBLEM.archiveRefused,
            `Refused the rest of the tar archive: more than ${ctx.limits.maxEntries} members in this unit`,
          ),
        ];
        return;
      }
      if (size > ctx.limits.maxEntryBytes || ctx.budget.bytes + size > ctx.limits.maxTotalBytes) {
        const why =
          size > ctx.limits.maxEntryBytes
            ? `its ${size} bytes exceed the ${ctx.limits.maxEntryBytes}-byte member limit`
            : `it would take the total beyond ${ctx.limits.maxTotalBytes} bytes`;
        yield [
          {
            problem: PROBLEM.archiveRefused,
            message: `Refused archive member "${loc}": ${why}`,
            loc: { entry: loc },
          },
        ];
        if (!(await reader.skip(dataBytes))) return;
        continue;
      }
      ctx.budget.bytes += size;
      const state = { left: size };
      const child = streamInput(name, reader.take(size, state), size);
      try {
        yield* readNested(child, childContext(ctx, loc));
      } catch (e) {
        if (isAbort(e, ctx.signal)) throw e;
        const refused = e instanceof LimitExceededError;
        yield [
          {
            problem: refused ? PROBLEM.archiveRefused : PROBLEM.corrupt,
            message: refused
              ? `Refused archive member "${loc}": ${e.message}`
              : `Cannot read archive member "${loc}" (${errorTag(e)})`,
            loc: { entry: loc },
          },
        ];
      }
      if (!(await reader.skip(state.left + (dataBytes - size)))) {
        if (state.left > 0) yield [problem(ctx, PROBLEM.corrupt, `Tar archive is truncated inside member "${loc}"`)];
        return;
      }
    }
  } catch (e) {
    if (isAbort(e, ctx.signal) || e instanceof LimitExceededError) throw e;
    yield [problem(ctx, PROBLEM.corrupt, `Cannot read tar archive (${errorTag(e)})`)];
  } finally {
    await reader.close();
  }
}
