import { parseRepositoryUrl, repositoryUrlPattern } from '../../../src/github/repository-url.js';

/** The OpenAPI document's pattern must accept exactly what the parser accepts, or clients and fuzzers are misled. */
describe('repositoryUrlPattern', () => {
  const candidates = (server: string) => [
    `${server}/acme/widgets`,
    `${server}/acme/widgets.git`,
    `${server}/acme/widgets/`,
    ` ${server}/acme-co/my.repo_1 `,
    `${server}/acme/.github`,
    `${server}/acme/...`,
    `${server}/acme_emu/widgets`,
    `${server}/acme/.`,
    `${server}/acme/..`,
    `${server}/acme/..git`,
    `${server}/acme/.git`,
    `${server}/acme/. `,
    `${server}/-acme/widgets`,
    `${server}/acme/widgets/extra`,
    `${server}/acme/wid gets`,
    `${server}/acme/${'x'.repeat(101)}`,
    `${server}/acme/${'x'.repeat(100)}.git`,
    `${server}/acme/widgets?x=1`,
    `https://evil.example/acme/widgets`,
    `ssh://${new URL(server).host}/acme/widgets`,
    '',
  ];

  it.each(['https://github.com', 'http://127.0.0.1:4567', 'https://ghes.example.com'])('matches exactly the URLs parseRepositoryUrl accepts on %s', (server) => {
    const pattern = new RegExp(repositoryUrlPattern(server));
    for (const url of candidates(server)) {
      let accepted = true;
      try {
        parseRepositoryUrl(url, server);
      } catch {
        accepted = false;
      }
      expect({ url, matches: pattern.test(url) }).toEqual({ url, matches: accepted });
    }
  });
});
