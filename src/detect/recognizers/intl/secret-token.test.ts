import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../analyzer.js';
import { githubTokenChecksum, secretTokenRecognizer } from './secret-token.js';

const analyzer = createAnalyzer({ recognizers: [secretTokenRecognizer] });

function found(text: string): [string, number, number, unknown][] {
  return analyzer.detect(text).map((f) => [text.slice(f.start, f.end), f.start, f.end, f.attrs?.kind]);
}

/** A synthetic GitHub-format token with a valid checksum. */
function ghToken(prefix: string, random: string): string {
  return `${prefix}_${random}${githubTokenChecksum(random)}`;
}

const RANDOM30 = 'Zx8Qw2Er5Ty7Ui9Op1As3Df6Gh4Jk0';

describe('secretTokenRecognizer', () => {
  it('githubTokenChecksum is the 6-character base62 CRC32 of the random part', () => {
    expect(githubTokenChecksum('')).toBe('000000');
    // CRC32("a" * 30) = 0x6B1D0E8A → base62, left-padded.
    expect(githubTokenChecksum('a'.repeat(30))).toMatch(/^[0-9A-Za-z]{6}$/);
    expect(githubTokenChecksum(RANDOM30)).not.toBe(githubTokenChecksum(`${RANDOM30.slice(0, 29)}1`));
  });

  it('secretTokenRecognizer finds AWS access key ids and skips documentation examples', () => {
    expect(found('aws_access_key_id = AKIAQWERTYUIOPASDF23')).toEqual([
      ['AKIAQWERTYUIOPASDF23', 20, 40, 'aws-access-key-id'],
    ]);
    expect(found('"AccessKeyId":"ASIA2XKQ7W3ZPLMN4B5C"')).toEqual([
      ['ASIA2XKQ7W3ZPLMN4B5C', 15, 35, 'aws-access-key-id'],
    ]);
    expect(found('AKIAIOSFODNN7EXAMPLE')).toEqual([]);
    expect(found('AKIAQWERTYUIOPASDF231')).toEqual([]);
    expect(found('AKIAQWERTYUIOPASDF18')).toEqual([]);
  });

  it('secretTokenRecognizer finds Alibaba and Tencent Cloud key ids', () => {
    expect(found('阿里云 AccessKey ID：LTAI5tQ8xYz3KpL9mNvR2wEa')).toEqual([
      ['LTAI5tQ8xYz3KpL9mNvR2wEa', 17, 41, 'alibaba-access-key'],
    ]);
    expect(found('SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE1')).toEqual([
      ['AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE1', 9, 46, 'tencent-secret-id'],
    ]);
    expect(found('LTAI12345678901234')).toEqual([]);
    expect(found('LTAIEXAMPLEKEY2')).toEqual([]);
  });

  it('secretTokenRecognizer verifies GitHub and npm token checksums', () => {
    const good = ghToken('ghp', RANDOM30);
    const [f] = analyzer.detect(`token: ${good}`);
    expect([f?.start, f?.end, f?.score]).toEqual([7, 47, 0.99]);
    const bad = `ghp_${RANDOM30}AAAAAA`;
    expect(analyzer.detect(bad)[0]?.score).toBe(0.8);
    expect(found(ghToken('npm', RANDOM30))[0]?.[3]).toBe('npm-token');
    expect(found(`ghp_${RANDOM30}`)).toEqual([]);
    expect(found(`ghp_${RANDOM30}AAAAAAA`)).toEqual([]);
    expect(found(`GHP_${RANDOM30}AAAAAA`)).toEqual([]);
  });

  it('secretTokenRecognizer finds fine-grained GitHub tokens', () => {
    const pat = `github_pat_${'A1b2C3d4E5f6G7h8I9j0K1'}_${'x'.repeat(29)}${'Y7'.repeat(15)}`;
    expect(found(pat)).toEqual([[pat, 0, pat.length, 'github-token']]);
  });

  it('secretTokenRecognizer finds Slack and Stripe tokens', () => {
    const slack = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
    expect(found(`SLACK_TOKEN=${slack}`)).toEqual([[slack, 12, 12 + slack.length, 'slack-token']]);
    const stripe = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
    expect(found(`stripe ${stripe}`)).toEqual([[stripe, 7, 7 + stripe.length, 'stripe-key']]);
    expect(analyzer.detect('sk_test_4eC39HqLyjWDarjtT1zdp7dc')[0]?.score).toBe(0.6);
    expect(found('xoxb-1')).toEqual([]);
    expect(found('sk_live_short')).toEqual([]);
  });

  it('secretTokenRecognizer ignores the prefixes as ordinary words', () => {
    for (const t of ['npm install leakguard', 'the ghp team', 'xoxb is a prefix', 'sk live'])
      expect(found(t), t).toEqual([]);
  });
});
