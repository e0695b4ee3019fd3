import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detach, JsonStream } from './json-stream.js';

function run(input: Buffer, cuts: number[], cb: ConstructorParameters<typeof JsonStream>[0] = () => undefined) {
  const s = new JsonStream(cb);
  const parts: Buffer[] = [];
  let pos = 0;
  for (const c of [...cuts.filter((x) => x > 0 && x < input.length)].sort((a, b) => a - b)) {
    parts.push(...s.write(input.subarray(pos, c)));
    pos = c;
  }
  parts.push(...s.write(input.subarray(pos)));
  parts.push(...s.end());
  return { out: Buffer.concat(parts), error: s.error };
}

describe('JsonStream', () => {
  it('copies any JSON through unchanged, however it is cut into chunks', () => {
    fc.assert(
      fc.property(fc.json(), fc.array(fc.nat(), { maxLength: 8 }), (text, cuts) => {
        const input = Buffer.from(text);
        const { out, error } = run(
          input,
          cuts.map((c) => c % (input.length + 1)),
        );
        expect(error).toBeUndefined();
        expect(out.equals(input)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps an escape pending across an empty chunk', () => {
    // Found by the property above: a chunk boundary right after a backslash followed by an empty chunk lost the
    // pending escape, so the escaped quote closed the string ("invalid string escape").
    const input = Buffer.from('{"a\\"b":1}');
    const cut = input.indexOf(0x5c) + 1;
    const { out, error } = run(input, [cut, cut]);
    expect(error).toBeUndefined();
    expect(out.equals(input)).toBe(true);
  });

  it('hands every string and key to the callback decoded, as JSON.parse would', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.nat(), { maxLength: 6 }), (value, cuts) => {
        const input = Buffer.from(JSON.stringify(value, null, 1));
        const seen: string[] = [];
        run(
          input,
          cuts.map((c) => c % (input.length + 1)),
          (kind, v) => {
            if (kind !== 'number') seen.push(v);
            return undefined;
          },
        );
        const want: string[] = [];
        const walk = (x: unknown): void => {
          if (typeof x === 'string') want.push(x);
          else if (Array.isArray(x)) x.forEach(walk);
          else if (x && typeof x === 'object') {
            for (const [k, y] of Object.entries(x)) {
              want.push(k);
              walk(y);
            }
          }
        };
        walk(JSON.parse(input.toString()));
        expect(seen).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('replaces leaves and keeps the output valid JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.nat(), { maxLength: 6 }), (value, cuts) => {
        const input = Buffer.from(JSON.stringify(value));
        const { out, error } = run(
          input,
          cuts.map((c) => c % (input.length + 1)),
          (kind, v) => (kind === 'string' ? JSON.stringify(`<${v.length}>`) : kind === 'number' ? '0' : undefined),
        );
        expect(error).toBeUndefined();
        const parsed = JSON.parse(out.toString());
        expect(JSON.stringify(parsed)).not.toContain('"\\u');
      }),
      { numRuns: 200 },
    );
  });

  it('stops at malformed input and emits nothing after the error', () => {
    for (const bad of [
      '{"a":1,}',
      '{"a" 1}',
      '[1,2',
      '{"a":tru}',
      '{"a":"x\ny"}',
      '{"a":01}',
      '<html>',
      '{"a":"\\q"}',
      '[1]]',
      '{"a":1} x',
    ]) {
      const { error, out } = run(Buffer.from(bad), [3]);
      expect(error, bad).toMatch(/\w/);
      expect(out.toString().length).toBeLessThanOrEqual(bad.length);
    }
  });

  it('tracks the container stack, keys and array indices for callbacks', () => {
    const paths: string[] = [];
    run(
      Buffer.from('{"hits":{"hits":[{"_source":{"phone":"1"}},{"_source":{"phone":"2"}}]}}'),
      [7, 19, 40],
      (kind, v, s) => {
        if (kind === 'string')
          paths.push(`${s.stack.map((f) => (f.obj ? `.${f.key}` : `[${f.index}]`)).join('')}=${v}`);
        return undefined;
      },
    );
    expect(paths).toEqual(['.hits.hits[0]._source.phone=1', '.hits.hits[1]._source.phone=2']);
  });

  it('refuses a token longer than the limit', () => {
    const s = new JsonStream(() => undefined, 100);
    s.write(Buffer.from(`["${'x'.repeat(60)}`));
    s.write(Buffer.from(`${'x'.repeat(60)}"]`));
    expect(s.error).toContain('longer than 100');
  });

  it('decodes multi-byte characters cut anywhere by chunk boundaries', () => {
    const input = Buffer.from(JSON.stringify({ 姓名: '张伟', note: '联系电话 13812345678 😀', e: 'é' }));
    for (let cut = 1; cut < input.length; cut++) {
      const seen: string[] = [];
      const { out, error } = run(input, [cut, cut + 1, cut + 2], (kind, v) => {
        if (kind !== 'number') seen.push(v);
        return undefined;
      });
      expect(error).toBeUndefined();
      expect(out.equals(input)).toBe(true);
      expect(seen).toEqual(['姓名', '张伟', 'note', '联系电话 13812345678 😀', 'e', 'é']);
    }
  });

  it('writes invalid UTF-8 as U+FFFD, so the output is always valid UTF-8', () => {
    const input = Buffer.concat([Buffer.from('{"a":"x'), Buffer.from([0xff, 0xc3]), Buffer.from('y"}')]);
    const seen: string[] = [];
    const { out, error } = run(input, [8], (kind, v) => {
      if (kind === 'string') seen.push(v);
      return undefined;
    });
    expect(error).toBeUndefined();
    expect(out.toString('utf8')).toBe('{"a":"x\ufffd\ufffdy"}');
    expect(seen).toEqual(['x\ufffd\ufffdy']);
  });

  it('refuses a raw control character in a string cut across chunks', () => {
    const input = Buffer.from('{"a":"abc\u0001def","b":"13812345678"}');
    for (const cut of [7, 9, 10]) {
      const { out, error } = run(input, [cut]);
      expect(error).toBe('control character in string');
      expect(out.toString()).not.toContain('13812345678');
    }
  });

  it('keeps the escape state of a string cut right after a backslash', () => {
    const input = Buffer.from('{"a":"x\\\\","b":"y\\"z"}');
    for (let cut = 1; cut < input.length; cut++) {
      const seen: string[] = [];
      const { out, error } = run(input, [cut], (kind, v) => {
        if (kind === 'string') seen.push(v);
        return undefined;
      });
      expect(error).toBeUndefined();
      expect(out.equals(input)).toBe(true);
      expect(seen).toEqual(['x\\', 'y"z']);
    }
  });
});

describe('detach', () => {
  it('returns an equal string', () => {
    const big = `${'x'.repeat(100_000)}13812345678 and more text`;
    const v = big.slice(100_000, 100_020);
    expect(detach(v)).toBe(v);
    expect(detach('short')).toBe('short');
  });
});
