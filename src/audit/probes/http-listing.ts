/**
 * HTTP directory listings and exposed dumps. Checks the base path and common backup folders for an index page
 * (Apache/nginx "Index of /", Python `http.server` "Directory listing for", IIS "[To Parent Directory]", lighttpd)
 * and common dump names (`backup.sql`, `dump.sql`, `db.sql.gz`, `users.csv`, `backup.zip`, `*.bak`), plus dump
 * files linked from a listing. A file counts only when its first bytes match its kind (SQL dump text, `PGDMP`,
 * zip/gzip magic, CSV rows) — a single-page app answering 200 with the same HTML for every path is not a leak.
 * `--sample` runs detection over the first 64 KiB of text dumps, the first lines of gzip dumps and the first
 * entries of zip dumps (a bounded prefix, inflated within the archive limits: `dump-sample.ts`).
 */
import { randomBytes } from 'node:crypto';
import type { Endpoint, Probe, ProbeContext, ProbeOutcome, SampleText } from '../types.js';
import { afterVerdict, capNames, failureOutcome } from './common.js';
import { inflatePrefix, zipPrefixEntries } from './dump-sample.js';
import { request } from './http-util.js';

const LISTING_DIRS = [
  '',
  'backup/',
  'backups/',
  'dump/',
  'dumps/',
  'db/',
  'export/',
  'exports/',
  'data/',
  'uploads/',
  'files/',
];
const DUMP_NAMES = [
  'backup.sql',
  'dump.sql',
  'db.sql',
  'database.sql',
  'data.sql',
  'backup.sql.gz',
  'dump.sql.gz',
  'db.sql.gz',
  'backup.zip',
  'backup.tar.gz',
  'db.bak',
  'backup.bak',
  'users.csv',
  'customers.csv',
  'export.csv',
  'data.csv',
];
const DUMP_EXT = /\.(sql|csv|bak|zip|gz|tgz|tar|7z|dump|xlsx|json|ndjson)$/i;

/** Whether an HTML body is a server-generated directory listing. */
export function isDirectoryListing(html: string): boolean {
  return (
    /<title>\s*Index of \//i.test(html) ||
    /<h1>\s*Index of \//i.test(html) ||
    /Directory listing for \//i.test(html) ||
    /\[To Parent Directory\]/i.test(html) ||
    /<title>\s*Directory Listing/i.test(html)
  );
}

/** Links in a listing (same directory, no query, no parent). */
export function listingLinks(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/href="([^"?#]{1,300})"/gi)) {
    const href = m[1]!;
    if (href.startsWith('/') || href.startsWith('..') || /^[a-z]+:/i.test(href)) continue;
    out.push(href);
  }
  return out;
}

/** What a file's first bytes say it is; null when it does not look like data (HTML, empty, unknown). */
export function dumpKind(head: Buffer, name: string): string | null {
  if (head.length === 0) return null;
  const text = head.toString('utf8', 0, Math.min(head.length, 4096));
  if (/^\s*<(!doctype|html|head|body)/i.test(text)) return null;
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'zip';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (text.startsWith('PGDMP')) return 'postgres-dump';
  if (/(-- (MySQL|MariaDB) dump|-- PostgreSQL database dump|CREATE TABLE|INSERT INTO)/i.test(text)) return 'sql';
  if (/\.(csv|tsv)$/i.test(name)) {
    const lines = text
      .split(/\r?\n/)
      .slice(0, 5)
      .filter((l) => l.length > 0);
    if (lines.length >= 2 && lines.every((l) => /[,;\t]/.test(l))) return 'csv';
    return null;
  }
  if (/\.(json|ndjson)$/i.test(name) && /^\s*[[{]/.test(text)) return 'json';
  if (/\.bak$/i.test(name)) return 'backup';
  return null;
}

/** Dump kinds whose first bytes can be read as text (compressed ones through {@link inflatePrefix}). */
const SAMPLED_KINDS = new Set(['sql', 'csv', 'json', 'gzip', 'zip']);
/** Prefix fetched from a text dump, and from a compressed one (a zip's first entries, a gzip's first lines). */
const TEXT_PREFIX = 64 * 1024;
const ARCHIVE_PREFIX = 1024 * 1024;

/**
 * Read the first bytes of up to five dumps for detection: text dumps as they are, gzip inflated from its prefix
 * (a tar inside keeps its headers, NULs turned into line breaks), zip entry by entry from its local headers.
 * Each line counts as a record.
 */
async function sampleDumps(
  ep: Endpoint,
  ctx: ProbeContext,
  dumps: readonly { path: string; kind: string }[],
  out: SampleText[],
): Promise<void> {
  for (const d of dumps.filter((x) => SAMPLED_KINDS.has(x.kind)).slice(0, 5)) {
    const archive = d.kind === 'gzip' || d.kind === 'zip';
    const prefix = archive ? ARCHIVE_PREFIX : TEXT_PREFIX;
    const r = await request(ep, ctx, d.path, { headers: { range: `bytes=0-${prefix - 1}` }, maxBody: prefix });
    if (r.status !== 200 && r.status !== 206) continue;
    if (d.kind === 'gzip') {
      const text = (await inflatePrefix(r.body, 'gzip')).toString('utf8').replace(/\0+/g, '\n');
      if (text.length > 0) out.push({ where: d.path, text, lines: true });
    } else if (d.kind === 'zip') {
      for (const e of await zipPrefixEntries(r.body))
        out.push({ where: `${d.path}!${e.name}`, text: e.text, lines: true });
    } else out.push({ where: d.path, text: r.body.toString('utf8'), lines: true });
  }
}

function join(base: string, rel: string): string {
  return `${base.endsWith('/') ? base : `${base}/`}${rel}`;
}

/** The HTTP listing / dump probe. */
export const httpListingProbe: Probe = {
  service: 'http',
  defaultPorts: [80, 8080, 443],
  async probe(ep: Endpoint, ctx: ProbeContext): Promise<ProbeOutcome> {
    try {
      const base = ep.path || '/';
      const listings: string[] = [];
      const dumps: { path: string; kind: string }[] = [];
      const seen = new Set<string>();
      let anyHttp = false;
      let authRequired = 0;
      // A server that answers 200 for any path (catch-all routes) would make every guessed name a "dump": ask for
      // a name that cannot exist and discount answers that look the same.
      const probeName = join(base, `leakguard-${randomBytes(6).toString('hex')}.bak`);
      const canary = await request(ep, ctx, probeName, { maxBody: 65536 });
      anyHttp = true;
      const catchAll = canary.status === 200 || canary.status === 206 ? canary.body : null;
      const check = async (path: string): Promise<void> => {
        if (seen.has(path) || dumps.length >= 20) return;
        seen.add(path);
        const r = await request(ep, ctx, path, { headers: { range: 'bytes=0-65535' }, maxBody: 65536 });
        if (r.status === 401) authRequired++;
        if (r.status !== 200 && r.status !== 206) return;
        const kind = dumpKind(r.body, path);
        if (!kind) return;
        if (catchAll && (kind === 'backup' || r.body.equals(catchAll.subarray(0, r.body.length)))) return;
        dumps.push({ path, kind });
      };
      for (const dir of LISTING_DIRS) {
        const path = join(base, dir);
        const r = await request(ep, ctx, path, { maxBody: 512 * 1024 });
        anyHttp = true;
        if (r.status === 401) authRequired++;
        if (r.status !== 200) continue;
        const html = r.body.toString('utf8');
        if (!isDirectoryListing(html)) continue;
        listings.push(path);
        for (const link of listingLinks(html)) if (DUMP_EXT.test(link)) await check(join(path, link));
      }
      for (const name of DUMP_NAMES) await check(join(base, name));
      if (!anyHttp) return { service: 'http', verdict: 'not-service', reason: 'no HTTP answer' };
      if (listings.length === 0 && dumps.length === 0) {
        if (authRequired > 0)
          return {
            service: 'http',
            verdict: 'auth-required',
            reason: 'HTTP server asks for credentials; nothing exposed anonymously',
          };
        return {
          service: 'http',
          verdict: 'not-service',
          reason: `HTTP server without a directory listing or exposed dump under ${LISTING_DIRS.length + DUMP_NAMES.length} common paths`,
        };
      }
      const result: ProbeOutcome = {
        service: 'http',
        verdict: 'open',
        reason: [
          listings.length ? `directory listing at ${listings.slice(0, 3).join(', ')}` : '',
          dumps.length
            ? `${dumps.length} downloadable dump(s): ${dumps
                .slice(0, 3)
                .map((d) => `${d.path} (${d.kind})`)
                .join(', ')}`
            : '',
        ]
          .filter(Boolean)
          .join('; '),
        details: { containers: capNames([...listings, ...dumps.map((d) => d.path)]), records: dumps.length },
      };
      if (ctx.sample) {
        const samples: SampleText[] = [];
        result.samples = samples;
        ctx.settle?.(result);
        await afterVerdict(result, 'sample', () => sampleDumps(ep, ctx, dumps, samples));
      }
      return result;
    } catch (e) {
      return failureOutcome('http', e, 'HTTP');
    }
  },
};
