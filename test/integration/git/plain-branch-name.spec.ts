import { execa } from 'execa';
import { isPlainBranchName } from '../../../src/git/push-branch.js';

/** The names the push lets through without asking git must be names git accepts; the rest are left to git. */
describe('isPlainBranchName against git check-ref-format', () => {
  const gitAccepts = async (name: string) => (await execa('git', ['check-ref-format', `refs/heads/${name}`], { reject: false })).exitCode === 0;

  it.each(['feat/demo', 'feat/bench-1764518400123456789', 'awo/wo-1a2b3c4d', 'fix_it', 'release/1.2.3', 'a', 'UPPER/lower-9'])('takes %s, which git accepts', async (name) => {
    expect(isPlainBranchName(name)).toBe(true);
    expect(await gitAccepts(name)).toBe(true);
  });

  it.each(['x:refs/heads/main', 'a..b', 'feat/.hidden', 'feat/x.lock', 'trailing.', 'sp ace', 'a//b', '/lead', 'trail/', 'at@{1}', 'tilde~1', 'star*', 'q?', 'br[a]', 'back\\slash'])(
    'leaves %s to git, which refuses it',
    async (name) => {
      expect(isPlainBranchName(name)).toBe(false);
      expect(await gitAccepts(name)).toBe(false);
    },
  );

  it.each(['-dash', 'a./b', 'caf\u00e9', 'a@b', 'x+y'])('leaves %s to git, which accepts it', async (name) => {
    expect(isPlainBranchName(name)).toBe(false);
    expect(await gitAccepts(name)).toBe(true);
  });
});
