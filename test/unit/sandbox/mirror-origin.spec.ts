import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { plainOriginUrl } from '../../../src/sandbox/mirror-origin.js';

const written = `[core]
\trepositoryformatversion = 0
\tfilemode = true
\tbare = true
[remote "origin"]
\turl = https://github.com/acme/app.git
\tfetch = +refs/heads/*:refs/remotes/origin/*
`;

describe('plainOriginUrl: the mirror config this worker writes, and nothing more', () => {
  let mirror: string;
  beforeEach(() => {
    mirror = mkdtempSync(path.join(os.tmpdir(), 'awo-mirror-origin-'));
  });
  afterEach(() => rmSync(mirror, { recursive: true, force: true }));
  const originOf = (config: string | null) => {
    if (config !== null) writeFileSync(path.join(mirror, 'config'), config);
    return plainOriginUrl(mirror);
  };

  it("reads the origin URL of what `git init --bare` and `git remote add` wrote", () => {
    expect(originOf(written)).toBe('https://github.com/acme/app.git');
    expect(originOf(`# a comment\n${written}; another\n`)).toBe('https://github.com/acme/app.git');
  });

  it.each([
    ['no config', null],
    ['no origin', '[core]\n\tbare = true\n'],
    ['http settings', `${written}[http]\n\tproxy = http://proxy.test:3128\n`],
    ['a URL rewrite', `${written}[url "https://mirror.test/"]\n\tinsteadOf = https://github.com/\n`],
    ['an include', `${written}[include]\n\tpath = /elsewhere\n`],
    ['a remote proxy', written.replace('\tfetch', '\tproxy = http://proxy.test\n\tfetch')],
    ['a push URL', written.replace('\tfetch', '\tpushurl = https://elsewhere.test/x.git\n\tfetch')],
    ['two URLs', written.replace('\tfetch', '\turl = https://elsewhere.test/x.git\n\tfetch')],
    ['another remote', `${written}[remote "upstream"]\n\turl = https://elsewhere.test/x.git\n`],
  ])('leaves the question to git with %s', (_name, config) => {
    expect(originOf(config)).toBeNull();
  });
});
