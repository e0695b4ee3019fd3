import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../analyzer.js';
import { secretAssignmentRecognizer } from './secret-assignment.js';

const analyzer = createAnalyzer({ recognizers: [secretAssignmentRecognizer] });

function found(text: string): [string, number, number][] {
  return analyzer.detect(text).map((f) => [text.slice(f.start, f.end), f.start, f.end]);
}

describe('secretAssignmentRecognizer', () => {
  it('secretAssignmentRecognizer reports the value of password assignments in env, JSON, YAML and URLs', () => {
    expect(found('DB_PASSWORD=Xk3#pL9q')).toEqual([['Xk3#pL9q', 12, 20]]);
    expect(found('{"password": "hunter2!", "user": "a"}')).toEqual([['hunter2!', 14, 22]]);
    expect(found('  passwd: Tr0ub4dor&3\n')).toEqual([['Tr0ub4dor&3', 10, 21]]);
    expect(found('login?user=a&pwd=S3cure99&x=1')).toEqual([['S3cure99', 17, 25]]);
    expect(found("$db->connect(password => 'Qw3rty!9')")).toEqual([['Qw3rty!9', 26, 34]]);
    expect(found('the password is hunter2 ok')).toEqual([['hunter2', 16, 23]]);
  });

  it('secretAssignmentRecognizer finds passwords on command lines', () => {
    expect(found('PGPASSWORD=rC20lw%l5o0L2pw psql -h db')).toEqual([['rC20lw%l5o0L2pw', 11, 26]]);
    expect(found('docker login -u admin -p Izbuzbj67$ registry.example.com')).toEqual([['Izbuzbj67$', 25, 35]]);
    expect(found('sshpass -p Qw3rty!9x ssh root@h')).toEqual([['Qw3rty!9x', 11, 20]]);
    expect(found('mysql -u root -pS3cret!99 shop')).toEqual([['S3cret!99', 16, 25]]);
    expect(found('mysqldump --password=S3cret!99 shop')).toEqual([['S3cret!99', 21, 30]]);
    expect(found('redis-cli -h cache -a Zq8wT2vK9 ping')).toEqual([['Zq8wT2vK9', 22, 31]]);
    expect(found('tool --password Hx9!kq2Lm --verbose')).toEqual([['Hx9!kq2Lm', 16, 25]]);
  });

  it('secretAssignmentRecognizer ignores command lines without a password flag', () => {
    for (const t of [
      'docker run -p 8080:80 nginx',
      'Login keeps failing',
      'mysql -u root -p',
      'psql -h db -p 5432',
      'login -u admin',
    ]) {
      expect(found(t), t).toEqual([]);
    }
  });

  it('secretAssignmentRecognizer handles Chinese keys and operators', () => {
    expect(found('数据库密码：ZZElMVFSfGEgtUako，账号 admin')).toEqual([['ZZElMVFSfGEgtUako', 6, 23]]);
    expect(found('数据库密码：Tr0ub4dor&3，请保管')).toEqual([['Tr0ub4dor&3', 6, 17]]);
    expect(found('初始密码是Ab123456')).toEqual([['Ab123456', 5, 13]]);
    expect(found('密码：１２３４５６')).toEqual([['１２３４５６', 3, 9]]);
  });

  it('secretAssignmentRecognizer requires long random values for keys and tokens', () => {
    expect(found('api_key: 9f86d081884c7d659a2feaa0c55ad015')).toEqual([['9f86d081884c7d659a2feaa0c55ad015', 9, 41]]);
    expect(found('aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzK8sPq2LmT')).toEqual([
      ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYzK8sPq2LmT', 24, 64],
    ]);
    expect(found('token: abc123')).toEqual([]);
    expect(found('secret = aaaaaaaaaaaaaaaaaaaaaaaa')).toEqual([]);
  });

  it('secretAssignmentRecognizer ignores placeholders, templates and code references', () => {
    for (const t of [
      'password=changeme',
      'password: xxx',
      'password = "<password>"',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal template placeholder is the input under test
      'DB_PASSWORD=${DB_PASSWORD}',
      'password: {{ vault_pw }}',
      'password=********',
      'password: [REDACTED]',
      'PASSWORD=process.env.DB_PASSWORD',
      "password = os.environ['PW']",
      'password=self.password',
      'password=dbPassword',
      'password = userPassword;',
      'token = getToken()',
      'password: string;',
      'password: str',
      'password = None',
      'password=""',
      'the password is incorrect',
      'enter your password: please',
      '密码：******',
      '密码：888888',
      'pwd: /home/user',
      'PWD=~/projects/app',
    ]) {
      expect(found(t), t).toEqual([]);
    }
  });

  it('secretAssignmentRecognizer ignores keys that merely contain a credential word', () => {
    for (const t of [
      'password_hash = 5f4dcc3b5aa765d61d8327deb882cf99',
      'token_url=https://auth.example.com/token',
      'passwordless login=Xk3#pL9q',
      'reset_password_link: Xk3#pL9q1',
    ]) {
      expect(found(t), t).toEqual([]);
    }
  });

  it('secretAssignmentRecognizer lowers the score in documentation examples', () => {
    expect(analyzer.detect('DB_PASSWORD=Xk3#pL9q')[0]?.score).toBe(0.9);
    expect(found('example: password=Xk3#pL9q')).toEqual([]);
  });
});
