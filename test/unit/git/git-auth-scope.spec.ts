import { basicAuthorization, gitAuthEnv, isUnderScope } from '../../../src/git/git-auth.js';

describe('isUnderScope: where the token may go, as git scopes http.<url>.extraHeader', () => {
  it.each([
    ['https://github.com/acme/app.git/info/refs?service=git-upload-pack', 'https://github.com', true],
    ['https://GitHub.com/acme/app.git/info/refs', 'https://github.com/', true],
    ['https://github.com:443/acme/app.git/info/refs', 'https://github.com', true],
    ['https://ghe.example.com/acme/app.git', 'https://ghe.example.com/acme', true],
    ['https://ghe.example.com/acme', 'https://ghe.example.com/acme/', true],
    ['http://github.com/acme/app.git', 'https://github.com', false],
    ['https://github.com.evil.test/acme/app.git', 'https://github.com', false],
    ['https://evil.test/github.com/acme/app.git', 'https://github.com', false],
    ['https://github.com:8443/acme/app.git', 'https://github.com', false],
    ['https://ghe.example.com/acme2/app.git', 'https://ghe.example.com/acme', false],
    ['https://user:secret@github.com/acme/app.git', 'https://github.com', false],
  ])('%s under %s: %s', (url, scope, expected) => {
    expect(isUnderScope(url, scope)).toBe(expected);
  });

  it('sends it everywhere without a scope, as http.extraHeader', () => {
    expect(isUnderScope('https://anywhere.test/x.git', undefined)).toBe(true);
  });

  it("is the header gitAuthEnv gives git, so both send the same credentials", () => {
    const env = gitAuthEnv('ghp_scopeTest0000000000000000000000001', { scopeUrl: 'https://github.com', inheritedEnv: {} });
    expect(env.GIT_CONFIG_VALUE_0).toBe(`Authorization: ${basicAuthorization('ghp_scopeTest0000000000000000000000001')}`);
    expect(Buffer.from(basicAuthorization('t0k').slice('Basic '.length), 'base64').toString('utf8')).toBe('x-access-token:t0k');
  });
});
