import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../analyzer.js';
import { secretPrivateKeyRecognizer } from './secret-private-key.js';

const analyzer = createAnalyzer({ recognizers: [secretPrivateKeyRecognizer] });

const BODY = [
  'MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2B3lNz5n4kP8pDo1OqAhvBOeLJDa',
  'qL5pTfqG0RrcX4mSeB8vHk2nYw7zJd1aUo3iEbFgKcMZxW9yQ2sT4uV6wX8yZ0a1',
];

function pem(label: string, body = BODY.join('\n')): string {
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;
}

describe('secretPrivateKeyRecognizer', () => {
  it('secretPrivateKeyRecognizer spans the whole block for every private-key label', () => {
    for (const label of [
      'PRIVATE KEY',
      'RSA PRIVATE KEY',
      'EC PRIVATE KEY',
      'DSA PRIVATE KEY',
      'ENCRYPTED PRIVATE KEY',
      'OPENSSH PRIVATE KEY',
      'PGP PRIVATE KEY BLOCK',
    ]) {
      const block = pem(label);
      const text = `key:\n${block}\nend`;
      const got = analyzer.detect(text);
      expect(
        got.map((f) => [f.start, f.end, f.score]),
        label,
      ).toEqual([[5, 5 + block.length, 0.99]]);
    }
  });

  it('secretPrivateKeyRecognizer accepts legacy encrypted PEM headers and JSON-escaped newlines', () => {
    const legacy = pem('RSA PRIVATE KEY', `Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,3F1A2B\n\n${BODY.join('\n')}`);
    expect(analyzer.detect(legacy)).toHaveLength(1);
    const json = `{"private_key":"-----BEGIN PRIVATE KEY-----\\n${BODY.join('\\n')}\\n-----END PRIVATE KEY-----\\n"}`;
    const [f] = analyzer.detect(json);
    expect(json.slice(f?.start, f?.end)).toBe(
      `-----BEGIN PRIVATE KEY-----\\n${BODY.join('\\n')}\\n-----END PRIVATE KEY-----`,
    );
  });

  it('secretPrivateKeyRecognizer reports a truncated block up to its last body character', () => {
    const text = `-----BEGIN RSA PRIVATE KEY-----\n${BODY.join('\n')}\n`;
    const [f] = analyzer.detect(text);
    expect([f?.start, f?.end, f?.score]).toEqual([0, text.length - 1, 0.85]);
  });

  it('secretPrivateKeyRecognizer ignores public keys, certificates, placeholders and short bodies', () => {
    for (const t of [
      pem('PUBLIC KEY'),
      pem('CERTIFICATE'),
      pem('PRIVATE KEY', '...'),
      pem('PRIVATE KEY', '<your key here>'),
      pem('PRIVATE KEY', 'MIIEpAIBAAKCAQEA'),
      '-----BEGIN PRIVATE KEY----- and some prose without a body',
    ]) {
      expect(analyzer.detect(t)).toEqual([]);
    }
  });

  it('secretPrivateKeyRecognizer does not let an END of another label close the block', () => {
    const text = `-----BEGIN RSA PRIVATE KEY-----\n${BODY.join('\n')}\n-----END CERTIFICATE-----`;
    const [f] = analyzer.detect(text);
    expect(f?.score).toBe(0.85);
    expect(f?.end).toBe(text.indexOf('\n-----END'));
  });
});
