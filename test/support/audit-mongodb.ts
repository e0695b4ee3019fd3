/**
 * A protocol-faithful fake MongoDB for the audit tests, on 127.0.0.1 and a random port. It speaks the wire
 * protocol's OP_MSG (opcode 2013, flagBits, section kind 0) with MongoDB 6's reply shapes: `hello` (answered
 * without authentication, as a real server does), `listDatabases`, `dbStats`, `listCollections`, `find` (cursor
 * `firstBatch`), and, when `auth` is on, error code 13 `Unauthorized` for everything else — the reply a real
 * `mongod --auth` gives an unauthenticated client. Unknown commands get code 59 `CommandNotFound`. `hang` names
 * commands the server never answers.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { type BsonDoc, decodeBson, encodeBson } from '../../src/audit/probes/bson.js';

export interface FakeMongoOptions {
  auth?: boolean;
  /** Commands never answered (a server that stalls after the verdict, e.g. on `dbStats` or `find`). */
  hang?: readonly string[];
  databases?: Record<string, Record<string, BsonDoc[]>>;
}

export interface FakeMongo {
  port: number;
  /** Commands received (first key of each body document). */
  commands: string[];
  close(): Promise<void>;
}

function reply(requestId: number, responseTo: number, doc: BsonDoc): Buffer {
  const body = encodeBson(doc);
  const head = Buffer.alloc(21);
  head.writeInt32LE(21 + body.length, 0);
  head.writeInt32LE(requestId, 4);
  head.writeInt32LE(responseTo, 8);
  head.writeInt32LE(2013, 12);
  head.writeUInt32LE(0, 16);
  head.writeUInt8(0, 20);
  return Buffer.concat([head, body]);
}

/** Start the fake server. */
export async function startFakeMongo(options: FakeMongoOptions = {}): Promise<FakeMongo> {
  const dbs = options.databases ?? {};
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  let nextId = 1000;
  const handle = (cmd: BsonDoc): BsonDoc => {
    const name = Object.keys(cmd)[0] ?? '';
    commands.push(name);
    const db = String(cmd.$db ?? 'test');
    if (name === 'hello' || name === 'isMaster' || name === 'ismaster') {
      return {
        isWritablePrimary: true,
        topologyVersion: { counter: 0n },
        maxBsonObjectSize: 16777216,
        maxMessageSizeBytes: 48000000,
        maxWriteBatchSize: 100000,
        localTime: new Date(),
        logicalSessionTimeoutMinutes: 30,
        connectionId: 7,
        minWireVersion: 0,
        maxWireVersion: 17,
        readOnly: false,
        ok: 1,
      };
    }
    if (options.auth) {
      return { ok: 0, errmsg: `command ${name} requires authentication`, code: 13, codeName: 'Unauthorized' };
    }
    switch (name) {
      case 'listDatabases':
        return {
          databases: [...Object.keys(dbs), 'admin', 'local'].map((n) => ({ name: n, sizeOnDisk: 8192, empty: false })),
          totalSize: 8192,
          totalSizeMb: 0,
          ok: 1,
        };
      case 'dbStats': {
        const colls = dbs[db] ?? {};
        const objects = Object.values(colls).reduce((s, c) => s + c.length, 0);
        return {
          db,
          collections: Object.keys(colls).length,
          views: 0,
          objects,
          avgObjSize: 100,
          dataSize: objects * 100,
          ok: 1,
        };
      }
      case 'listCollections':
        return {
          cursor: {
            id: 0n,
            ns: `${db}.$cmd.listCollections`,
            firstBatch: Object.keys(dbs[db] ?? {}).map((n) => ({ name: n, type: 'collection' })),
          },
          ok: 1,
        };
      case 'find': {
        const coll = String(cmd.find);
        const limit = Number(cmd.limit ?? 101);
        const docs = (dbs[db]?.[coll] ?? []).slice(0, limit);
        return { cursor: { firstBatch: docs, id: 0n, ns: `${db}.${coll}` }, ok: 1 };
      }
      default:
        return { ok: 0, errmsg: `no such command: '${name}'`, code: 59, codeName: 'CommandNotFound' };
    }
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 16) {
        const len = buf.readInt32LE(0);
        if (len < 16 || len > 48_000_000) {
          socket.destroy();
          return;
        }
        if (buf.length < len) return;
        const msg = buf.subarray(0, len);
        buf = buf.subarray(len);
        const requestId = msg.readInt32LE(4);
        const opCode = msg.readInt32LE(12);
        if (opCode !== 2013 || msg[20] !== 0) {
          socket.destroy(); // a real server closes on an unsupported opcode
          return;
        }
        const { doc } = decodeBson(msg, 21);
        if (options.hang?.includes(Object.keys(doc)[0] ?? '')) {
          commands.push(Object.keys(doc)[0]!);
          return; // stalls: later requests on this connection are never read
        }
        socket.write(reply(nextId++, requestId, handle(doc)));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    commands,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
