import { z } from 'zod';
import { RepositoryUrlError, type RepositoryUrlRule, parseRepositoryUrl, repositoryUrlRefinement } from '../../../src/github/repository-url.js';

const github = 'https://github.com';
const ghes = 'https://ghes.example.com';
const forge = 'http://127.0.0.1:43123';

function rejection(url: string, serverUrl = github): RepositoryUrlError {
  try {
    parseRepositoryUrl(url, serverUrl);
  } catch (error) {
    if (error instanceof RepositoryUrlError) return error;
    throw error;
  }
  throw new Error(`accepted ${url}`);
}

describe('parseRepositoryUrl', () => {
  it.each([
    ['https://github.com/octocat/hello-world', 'octocat', 'hello-world'],
    ['https://github.com/octocat/hello-world.git', 'octocat', 'hello-world'],
    ['https://github.com/octocat/hello-world/', 'octocat', 'hello-world'],
    ['https://github.com/octocat/hello-world.git/', 'octocat', 'hello-world'],
    ['  https://github.com/octocat/hello-world  ', 'octocat', 'hello-world'],
    ['HTTPS://GitHub.com/Octocat/Hello-World', 'Octocat', 'Hello-World'],
    ['https://github.com:443/octocat/hello-world', 'octocat', 'hello-world'],
    ['https://github.com/octo-org/.github', 'octo-org', '.github'],
    ['https://github.com/octo-org/my.repo_name-2', 'octo-org', 'my.repo_name-2'],
    ['https://github.com/a/b', 'a', 'b'],
    ['https://github.com/mona_acme/project', 'mona_acme', 'project'],
    ['https://github.com/octocat/repo.git.git', 'octocat', 'repo.git'],
    [`https://github.com/${'a'.repeat(39)}/${'r'.repeat(100)}`, 'a'.repeat(39), 'r'.repeat(100)],
  ])('accepts %s', (url, owner, name) => {
    expect(parseRepositoryUrl(url, github)).toEqual({
      owner,
      name,
      htmlUrl: `https://github.com/${owner}/${name}`,
      cloneUrl: `https://github.com/${owner}/${name}.git`,
    });
  });

  it('accepts repositories on a GitHub Enterprise Server host', () => {
    expect(parseRepositoryUrl('https://ghes.example.com/team/service.git', ghes)).toEqual({
      owner: 'team',
      name: 'service',
      htmlUrl: 'https://ghes.example.com/team/service',
      cloneUrl: 'https://ghes.example.com/team/service.git',
    });
  });

  it('accepts http, port included, only when the server itself is http', () => {
    expect(parseRepositoryUrl('http://127.0.0.1:43123/owner/repo.git', forge)).toEqual({
      owner: 'owner',
      name: 'repo',
      htmlUrl: 'http://127.0.0.1:43123/owner/repo',
      cloneUrl: 'http://127.0.0.1:43123/owner/repo.git',
    });
    expect(rejection('http://github.com/octocat/hello-world').rule).toBe('scheme');
    expect(rejection('http://ghes.example.com/team/service', ghes).rule).toBe('scheme');
  });

  it.each<[string, RepositoryUrlRule, RegExp]>([
    ['', 'empty', /must not be empty/],
    ['   ', 'empty', /must not be empty/],
    ['git@github.com:octocat/hello-world.git', 'scheme', /https URL/],
    ['ssh://git@github.com/octocat/hello-world.git', 'scheme', /ssh, git@, file:/],
    ['git://github.com/octocat/hello-world.git', 'scheme', /https URL/],
    ['file:///tmp/repo', 'scheme', /https URL/],
    ['file://github.com/octocat/hello-world', 'scheme', /https URL/],
    ['ftp://github.com/octocat/hello-world', 'scheme', /https URL/],
    ['github.com/octocat/hello-world', 'scheme', /https URL/],
    ['//github.com/octocat/hello-world', 'scheme', /https URL/],
    ['https:github.com/octocat/hello-world', 'scheme', /https URL/],
    ['ext::sh -c touch% /tmp/pwned', 'scheme', /https URL/],
    ['javascript:alert(1)', 'scheme', /https URL/],
    ['https://user:pass@github.com/octocat/hello-world', 'credentials', /credentials/],
    ['https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/octocat/hello-world', 'credentials', /credentials/],
    ['https://x-access-token:ghp_secret@github.com/octocat/hello-world.git', 'credentials', /credentials/],
    ['https://@github.com/octocat/hello-world', 'credentials', /credentials/],
    ['https://github.com/octocat/hello-world?tab=readme', 'query', /query string or fragment/],
    ['https://github.com/octocat/hello-world?', 'query', /query string or fragment/],
    ['https://github.com/octocat/hello-world#readme', 'query', /query string or fragment/],
    ['https://github.com?x=/octocat/hello-world', 'query', /query string or fragment/],
    ['https://gitlab.com/octocat/hello-world', 'host', /must be on github\.com/],
    ['https://github.com.evil.example/octocat/hello-world', 'host', /must be on github\.com/],
    ['https://api.github.com/octocat/hello-world', 'host', /must be on github\.com/],
    ['https://github.com:8443/octocat/hello-world', 'host', /must be on github\.com/],
    ['https://evil.example\\@github.com/octocat/hello-world', 'path', /backslashes/],
    ['https://github.com/octocat/hello world', 'path', /spaces/],
    ['https://github.com', 'path', /exactly two path segments/],
    ['https://github.com/', 'path', /exactly two path segments/],
    ['https://github.com/octocat', 'path', /exactly two path segments/],
    ['https://github.com/octocat/', 'path', /exactly two path segments/],
    ['https://github.com/octocat/hello-world/tree/main', 'path', /exactly two path segments/],
    ['https://github.com/octocat/hello-world/pulls', 'path', /exactly two path segments/],
    ['https://github.com/octocat/hello-world//', 'path', /exactly two path segments/],
    ['https://github.com//octocat/hello-world', 'path', /exactly two path segments/],
    ['https://github.com/octocat/../hello-world', 'dot-segment', /\.\. path segments/],
    ['https://github.com/octocat/hello-world/..', 'dot-segment', /\.\. path segments/],
    ['https://github.com/../octocat/hello-world', 'dot-segment', /\.\. path segments/],
    ['https://github.com/octocat/./hello-world', 'dot-segment', /\.\. path segments/],
    ['https://github.com/octocat/..', 'dot-segment', /\.\. path segments/],
    ['https://github.com/octocat/%2e%2e', 'dot-segment', /\.\. path segments/],
    ['https://github.com/-octocat/hello-world', 'owner', /owner must be/],
    ['https://github.com/octo.cat/hello-world', 'owner', /owner must be/],
    ['https://github.com/octo%2Fcat/hello-world', 'owner', /owner must be/],
    ['https://github.com/octocät/hello-world', 'owner', /owner must be/],
    [`https://github.com/${'a'.repeat(40)}/hello-world`, 'owner', /owner must be/],
    ['https://github.com/octocat/hello$world', 'name', /name must be/],
    ['https://github.com/octocat/hello%20world', 'name', /name must be/],
    ['https://github.com/octocat/.git', 'name', /name must be/],
    ['https://github.com/octocat/héllo', 'name', /name must be/],
    [`https://github.com/octocat/${'r'.repeat(101)}`, 'name', /name must be/],
  ])('rejects %j (%s)', (url, rule, message) => {
    const error = rejection(url);
    expect(error).toBeInstanceOf(RepositoryUrlError);
    expect(error.rule).toBe(rule);
    expect(error.message).toMatch(message);
  });

  it('never repeats credentials in its message', () => {
    const error = rejection('https://x-access-token:ghp_secret123@gitlab.com/octocat/hello-world?token=ghp_secret123');
    expect(error.message).not.toContain('ghp_secret123');
  });

  it('names the configured host for a repository on another host', () => {
    expect(rejection('https://github.com/octocat/hello-world', ghes).message).toBe(
      'repository URL must be on ghes.example.com (GITHUB_SERVER_URL), not github.com',
    );
  });
});

describe('repositoryUrlRefinement', () => {
  const schema = z.object({ repository_url: z.string().superRefine(repositoryUrlRefinement(github)) });

  it('passes a valid URL through unchanged', () => {
    expect(schema.parse({ repository_url: 'https://github.com/octocat/hello-world.git' })).toEqual({
      repository_url: 'https://github.com/octocat/hello-world.git',
    });
  });

  it('reports the same rule as parseRepositoryUrl on the field', () => {
    const result = schema.safeParse({ repository_url: 'git@github.com:octocat/hello-world.git' });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ code: 'custom', path: ['repository_url'], message: rejection('git@github.com:octocat/hello-world.git').message }),
    ]);
  });
});
