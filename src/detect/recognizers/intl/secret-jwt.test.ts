import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../analyzer.js';
import { secretJwtRecognizer } from './secret-jwt.js';

const analyzer = createAnalyzer({ recognizers: [secretJwtRecognizer] });

function b64(json: unknown): string {
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

const HEADER = b64({ alg: 'HS256', typ: 'JWT' });
const PAYLOAD = b64({ sub: 'synthetic-42', iat: 1700000000 });
const SIG = 'qL5pTfqG0RrcX4mSeB8vHk2nYw7zJd1aUo3iEbFgKcM';
const JWT = `${HEADER}.${PAYLOAD}.${SIG}`;

describe('secretJwtRecognizer', () => {
  it('secretJwtRecognizer finds a signed token at exact offsets in headers, JSON and query strings', () => {
    for (const [pre, post] of [
      ['Authorization: Bearer ', '\n'],
      ['{"token":"', '"}'],
      ['https://x.example/cb?id_token=', '&state=1'],
      ['令牌：', '。'],
    ] as const) {
      const text = `${pre}${JWT}${post}`;
      const got = analyzer.detect(text);
      expect(got.map((f) => [f.start, f.end, f.score])).toEqual([[pre.length, pre.length + JWT.length, 0.95]]);
    }
  });

  it('secretJwtRecognizer scores unsigned tokens', () => {
    const none = `${b64({ alg: 'none' })}.${PAYLOAD}.`;
    expect(analyzer.detect(none)[0]?.score).toBe(0.85);
    const unsigned = `${HEADER}.${PAYLOAD}.`;
    expect(analyzer.detect(unsigned)[0]?.score).toBe(0.7);
  });

  it('secretJwtRecognizer rejects headers without alg, non-JSON headers and other segment counts', () => {
    for (const t of [
      `${b64({ typ: 'JWT' })}.${PAYLOAD}.${SIG}`,
      `eyJub3QganNvbg.${PAYLOAD}.${SIG}`,
      `${HEADER}.${PAYLOAD}`,
      `${HEADER}.${PAYLOAD}.${SIG}.abc.def`,
      `x${JWT}`,
      HEADER,
    ]) {
      expect(analyzer.detect(t), t).toEqual([]);
    }
  });
});
