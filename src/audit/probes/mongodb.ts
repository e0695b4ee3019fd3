/**
 * MongoDB probe over the wire protocol (OP_MSG, opcode 2013; MongoDB 3.6+): `hello` (also answered without
 * credentials by any MongoDB), then `listDatabases` — answered means open; error code 13 (Unauthorized) means
 * authentication is on. `--sample` lists collections and reads a few documents with `find`. BSON by hand
 * (`bson.ts`): the handful of messages needed do not justify the driver.
 */
import { Session } from '../net.js';
import type { Endpoint, Probe, ProbeContext, ProbeOutcome, SampleText } from '../types.js';
import { type BsonDoc, BsonError, decodeBson, encodeBson } from './bson.js';
import {
  afterVerdict,
  capNames,
  failureOutcome,
  flattenRecord,
  humanCount,
  markIncomplete,
  ProtocolError,
} from './common.js';

const OP_MSG = 2013;
const OP_REPLY = 1;

/** Build an OP_MSG with one body section. */
export function opMsg(requestId: number, doc: BsonDoc): Buffer {
  const body = encodeBson(doc);
  const head = Buffer.alloc(21);
  head.writeInt32LE(21 + body.length, 0);
  head.writeInt32LE(requestId, 4);
  head.writeInt32LE(0, 8);
  head.writeInt32LE(OP_MSG, 12);
  head.writeUInt32LE(0, 16);
  head.writeUInt8(0, 20);
  return Buffer.concat([head, body]);
}

/** Parse an OP_MSG reply's body section. */
export function parseOpMsg(msg: Buffer): BsonDoc {
  const opCode = msg.readInt32LE(12);
  if (opCode === OP_REPLY)
    throw new ProtocolError('the server answered OP_MSG with a legacy OP_REPLY (MongoDB before 3.6?)');
  if (opCode !== OP_MSG) throw new ProtocolError(`unexpected opcode ${opCode}`);
  let p = 20;
  while (p < msg.length) {
    const kind = msg[p];
    if (kind === 0) {
      try {
        return decodeBson(msg, p + 1).doc;
      } catch (e) {
        if (e instanceof BsonError) throw new ProtocolError(`malformed BSON in the reply: ${e.message}`);
        throw e;
      }
    }
    if (kind === 1) {
      if (p + 5 > msg.length) break;
      p += 1 + msg.readInt32LE(p + 1);
      continue;
    }
    break;
  }
  throw new ProtocolError('OP_MSG reply without a body section');
}

/** Wait for one complete wire message (length-prefixed). */
function messageLength(buf: Buffer): number {
  if (buf.length < 4) return -1;
  const len = buf.readInt32LE(0);
  if (len < 16 || len > 48 * 1024 * 1024) throw new ProtocolError('the reply is not a MongoDB wire message');
  return buf.length >= len ? len : -1;
}

class Wire {
  private id = 1;
  constructor(private readonly session: Session) {}
  async command(doc: BsonDoc): Promise<BsonDoc> {
    this.session.send(opMsg(this.id++, doc));
    return parseOpMsg(await this.session.readUntil(messageLength));
  }
}

function ok(doc: BsonDoc): boolean {
  return doc.ok === 1 || doc.ok === true;
}

const SYSTEM_DBS = new Set(['admin', 'local', 'config']);

async function sample(wire: Wire, dbs: string[], limit: number, out: SampleText[]): Promise<void> {
  for (const db of dbs.filter((d) => !SYSTEM_DBS.has(d)).slice(0, 5)) {
    const lc = await wire.command({ listCollections: 1, nameOnly: true, $db: db });
    const batch = ((lc.cursor as BsonDoc | undefined)?.firstBatch ?? []) as BsonDoc[];
    for (const c of batch.slice(0, 10)) {
      const name = String(c.name);
      if (name.startsWith('system.')) continue;
      const found = await wire.command({ find: name, limit, batchSize: limit, singleBatch: true, $db: db });
      const docs = ((found.cursor as BsonDoc | undefined)?.firstBatch ?? []) as BsonDoc[];
      for (const d of docs) out.push({ where: `${db}.${name}`, text: flattenRecord(d).join('\n') });
    }
  }
}

async function countRecords(wire: Wire, dbs: string[]): Promise<number> {
  let total = 0;
  for (const db of dbs.filter((d) => !SYSTEM_DBS.has(d)).slice(0, 20)) {
    const stats = await wire.command({ dbStats: 1, $db: db });
    if (ok(stats) && typeof stats.objects !== 'undefined') total += Number(stats.objects);
  }
  return total;
}

/** The MongoDB probe. */
export const mongodbProbe: Probe = {
  service: 'mongodb',
  defaultPorts: [27017],
  async probe(ep: Endpoint, ctx: ProbeContext): Promise<ProbeOutcome> {
    let session: Session | undefined;
    try {
      await ctx.acquire();
      session = await Session.open({
        host: ep.host,
        port: ep.port,
        tls: ep.tls,
        deadline: ctx.deadline,
        signal: ctx.signal,
      });
      const wire = new Wire(session);
      const hello = await wire.command({ hello: 1, $db: 'admin' });
      if (
        !ok(hello) ||
        (hello.maxWireVersion === undefined && hello.isWritablePrimary === undefined && hello.ismaster === undefined)
      ) {
        return { service: 'mongodb', verdict: 'not-service', reason: "the hello reply is not MongoDB's" };
      }
      const version = typeof hello.maxWireVersion === 'number' ? `wire ${hello.maxWireVersion}` : undefined;
      const list = await wire.command({ listDatabases: 1, nameOnly: false, $db: 'admin' });
      if (!ok(list)) {
        const code = Number(list.code ?? 0);
        if (code === 13 || code === 18 || /auth/i.test(String(list.codeName ?? list.errmsg ?? ''))) {
          return {
            service: 'mongodb',
            verdict: 'auth-required',
            reason: `listDatabases refused without credentials (${String(list.codeName ?? `code ${code}`)})`,
            ...(version ? { details: { version } } : {}),
          };
        }
        return { service: 'mongodb', verdict: 'auth-required', reason: `listDatabases failed (code ${code})` };
      }
      const dbs = ((list.databases ?? []) as BsonDoc[]).map((d) => String(d.name));
      const result: ProbeOutcome = {
        service: 'mongodb',
        verdict: 'open',
        reason: `listDatabases answered without credentials; ${dbs.length} database(s)`,
        details: { containers: capNames(dbs), ...(version ? { version } : {}) },
      };
      ctx.settle?.(result);
      const records = await afterVerdict(result, 'document count (dbStats)', () => countRecords(wire, dbs));
      if (records !== undefined) {
        result.reason += `, ~${humanCount(records)} documents`;
        result.details = { ...result.details, records };
      }
      if (ctx.sample) {
        const samples: SampleText[] = [];
        result.samples = samples;
        if (records === undefined) markIncomplete(result, 'sample', 'not read (the connection ended at dbStats)');
        else await afterVerdict(result, 'sample', () => sample(wire, dbs, Math.min(ctx.sample ?? 0, 1000), samples));
      }
      return result;
    } catch (e) {
      return failureOutcome('mongodb', e, 'MongoDB');
    } finally {
      session?.close();
    }
  },
};
