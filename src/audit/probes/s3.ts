/**
 * S3-compatible object storage probe (AWS S3, MinIO, Ceph RGW, OSS/COS S3 endpoints): anonymous `ListBuckets`
 * (`GET /`) and anonymous `ListObjectsV2` on a named bucket (`GET /<bucket>?list-type=2`). S3 answers in XML:
 * `<ListAllMyBucketsResult>` / `<ListBucketResult>` mean open, `<Error><Code>AccessDenied` means refused.
 * `--sample` reads the first 64 KiB of a few text-like objects (`.csv`, `.json`, `.txt`, `.sql`, `.log`).
 */
import type { Endpoint, Probe, ProbeContext, ProbeOutcome, SampleText } from '../types.js';
import { capNames, failureOutcome, humanCount } from './common.js';
import { request } from './http-util.js';

/** Values of `<tag>…</tag>` in an XML body (S3 bodies are flat enough for this; entities decoded). */
export function xmlValues(xml: string, tag: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${tag}>([^<]{0,1024})</${tag}>`, 'g');
  for (const m of xml.matchAll(re)) out.push(decodeXml(m[1]!));
  return out;
}

function decodeXml(s: string): string {
  return s.replace(
    /&(lt|gt|amp|quot|apos);/g,
    (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]!,
  );
}

function isS3(headers: Record<string, string>, xml: string): boolean {
  return (
    /AmazonS3|MinIO|Ceph|RGW/i.test(headers.server ?? '') ||
    headers['x-amz-request-id'] !== undefined ||
    (/<(ListAllMyBucketsResult|ListBucketResult|Error)[\s>]/.test(xml) &&
      /<(Code|Name|Buckets|Contents|KeyCount)>/.test(xml))
  );
}

const TEXTY = /\.(csv|tsv|json|ndjson|jsonl|txt|sql|log|xml|ya?ml)$/i;

async function listBucket(
  ep: Endpoint,
  ctx: ProbeContext,
  bucket: string,
): Promise<{ status: number; keys: string[]; count: number; xml: string; headers: Record<string, string> }> {
  const r = await request(ep, ctx, `/${encodeURIComponent(bucket)}?list-type=2&max-keys=1000`);
  const xml = r.body.toString('utf8');
  const keys = r.status === 200 ? xmlValues(xml, 'Key') : [];
  const countTag = xmlValues(xml, 'KeyCount')[0];
  return {
    status: r.status,
    keys,
    count: countTag !== undefined ? Number(countTag) : keys.length,
    xml,
    headers: r.headers,
  };
}

async function sampleObjects(
  ep: Endpoint,
  ctx: ProbeContext,
  bucket: string,
  keys: string[],
  out: SampleText[],
): Promise<void> {
  for (const key of keys.filter((k) => TEXTY.test(k)).slice(0, 5)) {
    const path = `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
    const r = await request(ep, ctx, path, { headers: { range: 'bytes=0-65535' }, maxBody: 65536 });
    if (r.status === 200 || r.status === 206)
      out.push({ where: `${bucket}/${key}`, text: r.body.toString('utf8'), lines: true });
  }
}

/** The S3 probe. */
export const s3Probe: Probe = {
  service: 's3',
  defaultPorts: [9000],
  async probe(ep, ctx): Promise<ProbeOutcome> {
    try {
      const bucket = ep.path.replace(/^\/+|\/+$/g, '').split('/')[0] ?? '';
      const samples: SampleText[] = [];
      if (bucket) {
        const l = await listBucket(ep, ctx, bucket);
        if (!isS3(l.headers, l.xml))
          return { service: 's3', verdict: 'not-service', reason: `HTTP ${l.status}, not an S3 API` };
        if (l.status === 200) {
          if (ctx.sample) await sampleObjects(ep, ctx, bucket, l.keys, samples);
          return {
            service: 's3',
            verdict: 'open',
            reason: `bucket "${bucket}" lists anonymously: ${humanCount(l.count)} object(s) in the first page`,
            details: { containers: [bucket], records: l.count },
            ...(ctx.sample ? { samples } : {}),
          };
        }
        const code = xmlValues(l.xml, 'Code')[0] ?? `HTTP ${l.status}`;
        if (code === 'NoSuchBucket')
          return {
            service: 's3',
            verdict: 'not-service',
            reason: `S3 API answers but bucket "${bucket}" does not exist`,
          };
        return {
          service: 's3',
          verdict: 'auth-required',
          reason: `anonymous listing of "${bucket}" refused (${code})`,
        };
      }
      const r = await request(ep, ctx, '/');
      const xml = r.body.toString('utf8');
      if (!isS3(r.headers, xml))
        return { service: 's3', verdict: 'not-service', reason: `HTTP ${r.status}, not an S3 API` };
      if (r.status === 200 && /<ListAllMyBucketsResult/.test(xml)) {
        const buckets = xmlValues(xml, 'Name');
        let objects = 0;
        const open: string[] = [];
        for (const b of buckets.slice(0, 20)) {
          const l = await listBucket(ep, ctx, b);
          if (l.status !== 200) continue;
          open.push(b);
          objects += l.count;
          if (ctx.sample && open.length <= 5) await sampleObjects(ep, ctx, b, l.keys, samples);
        }
        return {
          service: 's3',
          verdict: 'open',
          reason: `ListBuckets answers anonymously: ${buckets.length} bucket(s), ${open.length} listable, ${humanCount(objects)} object(s) seen`,
          details: { containers: capNames(buckets), records: objects },
          ...(ctx.sample ? { samples } : {}),
        };
      }
      const code = xmlValues(xml, 'Code')[0] ?? `HTTP ${r.status}`;
      return {
        service: 's3',
        verdict: 'auth-required',
        reason: `anonymous ListBuckets refused (${code}); name a bucket (s3+http://host:port/bucket) to check it`,
      };
    } catch (e) {
      return failureOutcome('s3', e, 'S3');
    }
  },
};
