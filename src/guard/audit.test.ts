import { describe, expect, it } from 'vitest';
import { migrate } from '../catalog/migrations.js';
import { openSqlite } from '../catalog/sql.js';
import { type AuditEntry, AuditLog, auditHash, exportAudit, verifyAudit } from './audit.js';
import { GUARD_MIGRATIONS } from './migrations.js';

function entry(i: number): AuditEntry {
  return {
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    requestId: `r${i}`,
    principal: 'alice',
    role: 'analyst',
    client: '127.0.0.1',
    method: 'POST',
    path: '/people/_search',
    query: '{"size":10}',
    status: 200,
    decision: 'allow',
    reason: null,
    records: 10,
    bytes: 1000,
    types: { CN_MOBILE: 10 },
    masked: 10,
    purpose: null,
    durationMs: 3,
  };
}

async function logWith(n: number) {
  const db = await openSqlite(':memory:');
  await migrate(db, 'guard', GUARD_MIGRATIONS);
  const log = new AuditLog(db);
  for (let i = 1; i <= n; i++) log.append(entry(i));
  await log.close();
  return db;
}

describe('audit chain', () => {
  it('gives the event loop a turn between the transactions of a large batch, and the chain stays whole', async () => {
    // One 200-row transaction ran on the event loop in one go (better-sqlite3 is synchronous): every request
    // in flight waited for it.
    const db = await openSqlite(':memory:');
    await migrate(db, 'guard', GUARD_MIGRATIONS);
    const log = new AuditLog(db);
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    for (let i = 1; i <= 200; i++) log.append(entry(i));
    await log.flush();
    expect(turned).toBe(true);
    expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 200, headSeq: 200 });
  });

  it('verifies an intact chain and exports it as NDJSON', async () => {
    const db = await logWith(250);
    const v = await verifyAudit(db);
    expect(v).toMatchObject({ ok: true, rows: 250, headSeq: 250 });
    const lines: string[] = [];
    for await (const l of exportAudit(db, { since: entry(200).at })) lines.push(l);
    expect(lines).toHaveLength(51);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ seq: 200, requestId: 'r200' });
  });

  it('detects an edited, a removed, a reordered row and a cut tail', async () => {
    for (const [tamper, seq, word] of [
      ["UPDATE lg_guard_audit SET types = '{}' WHERE seq = 7", 7, 'edited'],
      ['DELETE FROM lg_guard_audit WHERE seq = 5', 6, 'missing'],
      ["UPDATE lg_guard_audit SET at = '2030-01-01T00:00:00.000Z' WHERE seq = 3", 3, 'edited'],
      ['DELETE FROM lg_guard_audit WHERE seq >= 9', 10, 'removed at the end'],
    ] as const) {
      const db = await logWith(10);
      await db.run(tamper);
      const v = await verifyAudit(db);
      expect(v.ok, tamper).toBe(false);
      expect(v.problems[0]?.seq, tamper).toBe(seq);
      expect(v.problems.map((p) => p.problem).join(' '), tamper).toContain(word);
      await db.close();
    }
    // Swapping two rows' contents (reordering) breaks the links.
    const db = await logWith(10);
    const a = await db.get<Record<string, unknown>>('SELECT * FROM lg_guard_audit WHERE seq = 4');
    const b = await db.get<Record<string, unknown>>('SELECT * FROM lg_guard_audit WHERE seq = 5');
    await db.run('UPDATE lg_guard_audit SET request_id = ?, hash = ?, prev_hash = ? WHERE seq = 4', [
      b?.request_id as string,
      b?.hash as string,
      b?.prev_hash as string,
    ]);
    await db.run('UPDATE lg_guard_audit SET request_id = ?, hash = ?, prev_hash = ? WHERE seq = 5', [
      a?.request_id as string,
      a?.hash as string,
      a?.prev_hash as string,
    ]);
    expect((await verifyAudit(db)).ok).toBe(false);
  });

  it('continues one chain across instances sharing a database', async () => {
    const db = await openSqlite(':memory:');
    await migrate(db, 'guard', GUARD_MIGRATIONS);
    const a = new AuditLog(db);
    const b = new AuditLog(db);
    for (let i = 1; i <= 20; i++) (i % 2 ? a : b).append(entry(i));
    await Promise.all([a.close(), b.close()]);
    expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 20 });
  });
});

describe('audit row formats', () => {
  it('auditHash covers masked types in format 2 only; exported rows carry their format', async () => {
    const e = { ...entry(1), maskedTypes: { CN_MOBILE: 10 } };
    expect(auditHash(1, 'p', e, 1)).toBe(auditHash(1, 'p', { ...e, maskedTypes: {} }, 1));
    expect(auditHash(1, 'p', e, 2)).not.toBe(auditHash(1, 'p', { ...e, maskedTypes: {} }, 2));
    expect(auditHash(1, 'p', e, 2)).not.toBe(auditHash(1, 'p', e, 1));
    const db = await openSqlite(':memory:');
    await migrate(db, 'guard', GUARD_MIGRATIONS);
    const log = new AuditLog(db);
    log.append(e);
    await log.close();
    const lines: string[] = [];
    for await (const l of exportAudit(db)) lines.push(l);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ format: 2, maskedTypes: { CN_MOBILE: 10 } });
    expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 1 });
  });
});
