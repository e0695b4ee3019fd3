/**
 * Redis probe: `INFO` without AUTH (open), `-NOAUTH` (auth required; then the well-known default passwords),
 * `-DENIED` (protected mode: refuses remote clients without a password), `CONFIG GET` availability (an open
 * Redis with CONFIG lets an attacker rewrite `dir`/`dbfilename`). Sampling: SCAN a few keys and read their values.
 * RESP2 is parsed by hand ({@link parseResp}); anything else is a garbage banner.
 */
import { NetError, Session } from '../net.js';
import type { Credentials, Endpoint, Probe, ProbeContext, ProbeOutcome, SampleText } from '../types.js';
import { afterVerdict, failureOutcome, humanCount, markIncomplete, ProtocolError } from './common.js';

/** A RESP2 value. Errors are kept as values (`{ error }`). */
export type Resp = string | number | null | { error: string } | Resp[];

/**
 * Parse one RESP2 value at `offset`; null when incomplete.
 *
 * @throws ProtocolError when the bytes are not RESP
 */
export function parseResp(buf: Buffer, offset = 0, depth = 0): { value: Resp; next: number } | null {
  if (offset >= buf.length) return null;
  if (depth > 8) throw new ProtocolError('RESP nesting too deep');
  const type = buf[offset];
  const eol = buf.indexOf('\r\n', offset);
  if (eol < 0) {
    if (buf.length - offset > 64 * 1024) throw new ProtocolError('RESP line too long');
    if (type !== 0x2b && type !== 0x2d && type !== 0x3a && type !== 0x24 && type !== 0x2a)
      throw new ProtocolError('the reply is not RESP');
    return null;
  }
  const line = buf.toString('latin1', offset + 1, eol);
  switch (type) {
    case 0x2b: // +
      return { value: line, next: eol + 2 };
    case 0x2d: // -
      return { value: { error: line }, next: eol + 2 };
    case 0x3a: {
      const n = Number(line);
      if (!/^-?\d+$/.test(line)) throw new ProtocolError('bad RESP integer');
      return { value: n, next: eol + 2 };
    }
    case 0x24: {
      if (!/^-?\d+$/.test(line)) throw new ProtocolError('bad RESP bulk length');
      const len = Number(line);
      if (len < 0) return { value: null, next: eol + 2 };
      if (len > 64 * 1024 * 1024) throw new ProtocolError('RESP bulk string too large');
      if (buf.length < eol + 2 + len + 2) return null;
      return { value: buf.toString('utf8', eol + 2, eol + 2 + len), next: eol + 2 + len + 2 };
    }
    case 0x2a: {
      if (!/^-?\d+$/.test(line)) throw new ProtocolError('bad RESP array length');
      const len = Number(line);
      if (len < 0) return { value: null, next: eol + 2 };
      if (len > 100_000) throw new ProtocolError('RESP array too large');
      const items: Resp[] = [];
      let at = eol + 2;
      for (let i = 0; i < len; i++) {
        const r = parseResp(buf, at, depth + 1);
        if (!r) return null;
        items.push(r.value);
        at = r.next;
      }
      return { value: items, next: at };
    }
    default:
      throw new ProtocolError('the reply is not RESP');
  }
}

/** Encode a command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly string[]): Buffer {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return Buffer.from(out);
}

async function command(session: Session, args: readonly string[]): Promise<Resp> {
  session.send(encodeCommand(args));
  let value: Resp = null;
  await session.readUntil((buf) => {
    const r = parseResp(buf);
    if (!r) return -1;
    value = r.value;
    return r.next;
  });
  return value;
}

function isError(v: Resp): v is { error: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Passwords shipped in Redis examples and images. Tried only when the server asks for AUTH. */
const DEFAULT_PASSWORDS = ['foobared', 'redis', 'password'];

function infoField(info: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:(.*)$`, 'm').exec(info);
  return m?.[1]?.trim();
}

function keyCount(info: string): number {
  let total = 0;
  for (const m of info.matchAll(/^db\d+:keys=(\d+)/gm)) total += Number(m[1]);
  return total;
}

async function sampleKeys(session: Session, limit: number, out: SampleText[]): Promise<void> {
  let cursor = '0';
  const keys: string[] = [];
  for (let round = 0; round < 10 && keys.length < limit; round++) {
    const r = await command(session, ['SCAN', cursor, 'COUNT', String(Math.max(10, limit))]);
    if (!Array.isArray(r) || typeof r[0] !== 'string' || !Array.isArray(r[1])) break;
    for (const k of r[1]) if (typeof k === 'string' && keys.length < limit) keys.push(k);
    cursor = r[0];
    if (cursor === '0') break;
  }
  for (const key of keys) {
    const type = await command(session, ['TYPE', key]);
    let value: Resp = null;
    if (type === 'string') value = await command(session, ['GETRANGE', key, '0', '65535']);
    else if (type === 'hash') value = await command(session, ['HRANDFIELD', key, '50', 'WITHVALUES']);
    else if (type === 'list') value = await command(session, ['LRANGE', key, '0', '49']);
    else if (type === 'set') value = await command(session, ['SRANDMEMBER', key, '50']);
    else if (type === 'zset') value = await command(session, ['ZRANGE', key, '0', '49']);
    if (isError(value)) value = null;
    const text = Array.isArray(value)
      ? type === 'hash'
        ? pairs(value)
        : value.filter((v) => typeof v === 'string').join('\n')
      : typeof value === 'string'
        ? value
        : '';
    out.push({ where: `key ${key.length > 40 ? `${key.slice(0, 40)}…` : key}`, text: `${key}\n${text}` });
  }
}

function pairs(values: Resp[]): string {
  const lines: string[] = [];
  for (let i = 0; i + 1 < values.length; i += 2) lines.push(`${String(values[i])}: ${String(values[i + 1])}`);
  return lines.join('\n');
}

/** How the server answered `AUTH` (`none`: not sent). Only `+OK` is acceptance: `-WRONGPASS`, and the `-ERR … without
 * any password configured` of a server without a password, are not. */
type AuthReply = 'ok' | 'refused' | 'none';

async function attempt(
  ep: Endpoint,
  ctx: ProbeContext,
  auth: Credentials | null,
): Promise<{ session: Session; info: Resp; auth: AuthReply }> {
  await ctx.acquire();
  const session = await Session.open({
    host: ep.host,
    port: ep.port,
    tls: ep.tls,
    deadline: ctx.deadline,
    signal: ctx.signal,
  });
  try {
    let reply: AuthReply = 'none';
    if (auth) {
      const r = await command(session, auth.user ? ['AUTH', auth.user, auth.password] : ['AUTH', auth.password]);
      reply = r === 'OK' ? 'ok' : 'refused';
    }
    const info = await command(session, ['INFO']);
    return { session, info, auth: reply };
  } catch (e) {
    session.close();
    throw e;
  }
}

/**
 * Describe a Redis that answered INFO: keys from INFO (the verdict's evidence), then `CONFIG GET` and, with
 * `--sample`, a few keys. Those later steps can outlast the deadline or fail; the verdict stands and the reason
 * says which step is incomplete.
 */
async function describeOpen(
  session: Session,
  info: string,
  ctx: ProbeContext,
  verdict: 'open' | 'weak-credentials',
  reasonHead: string,
): Promise<ProbeOutcome> {
  const notes: string[] = [];
  const keys = keyCount(info);
  const version = infoField(info, 'redis_version');
  const result: ProbeOutcome = {
    service: 'redis',
    verdict,
    reason: `${reasonHead}; ${humanCount(keys)} keys`,
    details: {
      records: keys,
      containers: [...info.matchAll(/^(db\d+):keys=/gm)].map((m) => m[1]!),
      notes,
      ...(version ? { version } : {}),
    },
  };
  ctx.settle?.(result);
  const config = await afterVerdict(result, 'CONFIG GET', () => command(session, ['CONFIG', 'GET', 'protected-mode']));
  if (Array.isArray(config)) {
    notes.push('CONFIG command available: an attacker can rewrite dir/dbfilename and plant files');
    if (config[1] === 'no') notes.push('protected-mode no');
  } else if (config !== undefined && isError(config)) notes.push('CONFIG disabled or renamed');
  if (notes.length) result.reason += `; ${notes[0]}`;
  if (ctx.sample) {
    const samples: SampleText[] = [];
    result.samples = samples;
    if (config === undefined) markIncomplete(result, 'sample', 'not read (the connection ended at CONFIG GET)');
    else await afterVerdict(result, 'sample', () => sampleKeys(session, Math.min(ctx.sample ?? 0, 200), samples));
  }
  return result;
}

/** The Redis probe. */
export const redisProbe: Probe = {
  service: 'redis',
  defaultPorts: [6379],
  async probe(ep, ctx) {
    let first: { session: Session; info: Resp; auth: AuthReply };
    try {
      // Without AUTH first, also when verifying a credential: a server that answers INFO without one never
      // checks passwords, so a credential "accepted" there proves nothing.
      first = await attempt(ep, ctx, null);
    } catch (e) {
      return failureOutcome('redis', e, 'Redis');
    }
    const { session, info } = first;
    try {
      if (typeof info === 'string') {
        if (!/redis_version:/.test(info))
          return { service: 'redis', verdict: 'not-service', reason: 'INFO reply without redis_version' };
        return await describeOpen(
          session,
          info,
          ctx,
          'open',
          ctx.credentials
            ? 'INFO answered without AUTH: the server has no password, so the credential was not tested'
            : 'INFO answered without AUTH',
        );
      }
      if (ctx.credentials && isError(info) && /^NOAUTH|Authentication required/i.test(info.error)) {
        session.close();
        const r = await attempt(ep, ctx, ctx.credentials);
        try {
          if (r.auth === 'ok' && typeof r.info === 'string')
            return await describeOpen(
              r.session,
              r.info,
              ctx,
              'weak-credentials',
              'the credential is live: AUTH accepted, INFO answered',
            );
        } finally {
          r.session.close();
        }
        return { service: 'redis', verdict: 'auth-required', reason: 'the credential was refused (AUTH failed)' };
      }
      if (isError(info)) {
        if (/^NOAUTH|^WRONGPASS|Authentication required/i.test(info.error)) {
          session.close();
          if (ctx.tryDefaults) {
            for (const password of DEFAULT_PASSWORDS) {
              let r: { session: Session; info: Resp; auth: AuthReply };
              try {
                r = await attempt(ep, ctx, { user: '', password });
              } catch (e) {
                if (e instanceof NetError || e instanceof ProtocolError) break;
                throw e;
              }
              try {
                if (r.auth === 'ok' && typeof r.info === 'string') {
                  return await describeOpen(
                    r.session,
                    r.info,
                    ctx,
                    'weak-credentials',
                    'AUTH accepted a well-known default password',
                  );
                }
              } finally {
                r.session.close();
              }
            }
          }
          return {
            service: 'redis',
            verdict: 'auth-required',
            reason: 'NOAUTH: the server requires a password (requirepass or ACL)',
          };
        }
        if (/^DENIED/.test(info.error)) {
          return {
            service: 'redis',
            verdict: 'auth-required',
            reason:
              'protected mode: the server refuses clients outside loopback because no password is set (it is open to anything on its own host)',
          };
        }
        return { service: 'redis', verdict: 'not-service', reason: 'INFO answered with an error' };
      }
      return { service: 'redis', verdict: 'not-service', reason: 'unexpected reply to INFO' };
    } catch (e) {
      return failureOutcome('redis', e, 'Redis');
    } finally {
      session.close();
    }
  },
};
