import { Octokit } from '@octokit/rest';
import type { RepositoryVerification } from '../models/repository-verification.js';
import type { IssueInfo, OpenPullRequestRequest, PullRequestInfo, RepositoryInfo, RepositoryRef } from './github-types.js';

/** A GitHub API call that failed; `status` is the HTTP status, undefined when GitHub was not reached at all. */
export class GitHubError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly operation: string,
  ) {
    super(message);
    this.name = 'GitHubError';
  }
}

export interface GitHubUser {
  login: string;
}


export interface GitHubClientOptions {
  /** GITHUB_API_URL: https://api.github.com, or https://ghes.example.com/api/v3. */
  apiUrl: string;
  /** Without a token, public repositories can still be read; pull requests cannot be opened. */
  token?: string;
  /** Per request; a hung GitHub must not hold an activity until its own timeout. */
  requestTimeoutMs?: number;
}

interface PullRequestData {
  number: number;
  html_url: string;
  head: { ref: string };
  base: { ref: string };
}

const defaultRequestTimeoutMs = 30_000;

/** The few GitHub REST calls the service makes, with errors mapped to GitHubError once, here. */
export class GitHubClient {
  private readonly octokit: Octokit;
  private readonly token: string | undefined;

  constructor(options: GitHubClientOptions) {
    this.token = options.token;
    const timeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
    this.octokit = new Octokit({
      baseUrl: options.apiUrl.replace(/\/+$/, ''),
      auth: options.token,
      userAgent: 'agent-work-orders',
      // Octokit logs deprecation notices to the console by default; the callers log what matters as events.
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
    this.octokit.hook.before('request', (request) => {
      request.request = { ...request.request, signal: AbortSignal.timeout(timeoutMs) };
    });
  }

  async getRepository(ref: RepositoryRef): Promise<RepositoryInfo> {
    const { data } = await this.call(`get repository ${fullName(ref)}`, () => this.octokit.rest.repos.get({ owner: ref.owner, repo: ref.name }));
    return { owner: data.owner.login, name: data.name, defaultBranch: data.default_branch, private: data.private };
  }

  async getIssue(ref: RepositoryRef, issueNumber: number): Promise<IssueInfo> {
    const { data } = await this.call(`get issue ${fullName(ref)}#${issueNumber}`, () =>
      this.octokit.rest.issues.get({ owner: ref.owner, repo: ref.name, issue_number: issueNumber }),
    );
    return { number: data.number, title: data.title, body: data.body ?? '', htmlUrl: data.html_url };
  }

  async getAuthenticatedUser(): Promise<GitHubUser> {
    const { data } = await this.call('get authenticated user', () => this.octokit.rest.users.getAuthenticated());
    return { login: data.login };
  }

  /**
   * Opens the pull request for `headBranch`, or returns the open one that already exists: a retried activity, a
   * resumed work order or a second worker must not open a duplicate. GitHub allows one open pull request per head and
   * base and answers a second create with 422 "A pull request already exists", so the create goes first (one request
   * when the pull request is new, the usual case) and that answer is what sends for the open one, not a failure.
   */
  async openOrReusePullRequest(request: OpenPullRequestRequest): Promise<PullRequestInfo> {
    const { repository, headBranch, baseBranch } = request;
    const operation = `open pull request ${fullName(repository)} ${headBranch} -> ${baseBranch}`;
    try {
      const { data } = await this.call(operation, () =>
        this.octokit.rest.pulls.create({
          owner: repository.owner,
          repo: repository.name,
          head: headBranch,
          base: baseBranch,
          title: request.title,
          body: request.body,
        }),
      );
      return toPullRequestInfo(data, true);
    } catch (error) {
      if (!(error instanceof GitHubError && error.status === 422 && /already exists/i.test(error.message))) throw error;
      const existing = await this.findOpenPullRequest(repository, headBranch, baseBranch);
      if (existing) return existing;
      throw error;
    }
  }

  /** The open pull request from `headBranch` into `baseBranch`, if there is one (as `created: false`). */
  async findOpenPullRequest(repository: RepositoryRef, headBranch: string, baseBranch: string): Promise<PullRequestInfo | undefined> {
    const { data } = await this.call(`list pull requests ${fullName(repository)} ${headBranch}`, () =>
      this.octokit.rest.pulls.list({ owner: repository.owner, repo: repository.name, head: `${repository.owner}:${headBranch}`, state: 'open', per_page: 100 }),
    );
    // GitHub allows one open pull request per head and base, so one from the same head to another base is not ours.
    const pull = data.find((candidate) => candidate.head.ref === headBranch && candidate.base.ref === baseBranch);
    return pull ? toPullRequestInfo(pull, false) : undefined;
  }

  /** Never throws for GitHub's answers: an inaccessible repository is a result the user needs to read, not a 500. */
  async verifyRepository(ref: RepositoryRef): Promise<RepositoryVerification> {
    try {
      const repository = await this.getRepository(ref);
      return {
        is_accessible: true,
        repository_name: repository.name,
        repository_owner: repository.owner,
        default_branch: repository.defaultBranch,
        error_message: null,
      };
    } catch (error) {
      if (!(error instanceof GitHubError)) throw error;
      return { is_accessible: false, repository_name: null, repository_owner: null, default_branch: null, error_message: error.message };
    }
  }

  private async call<T>(operation: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.toGitHubError(operation, error);
    }
  }

  private toGitHubError(operation: string, error: unknown): GitHubError {
    const status = responseStatus(error);
    const detail = status === undefined ? `GitHub was not reached: ${errorText(error)}` : describeResponse(status, error);
    const message = `GitHub ${operation} failed: ${detail}`;
    return new GitHubError(this.token ? message.split(this.token).join('[redacted]') : message, status, operation);
  }
}

function fullName(ref: RepositoryRef): string {
  return `${ref.owner}/${ref.name}`;
}

function toPullRequestInfo(pull: PullRequestData, created: boolean): PullRequestInfo {
  return { number: pull.number, htmlUrl: pull.html_url, headBranch: pull.head.ref, baseBranch: pull.base.ref, created };
}

/** Octokit reports network failures as status 500 without a response; those are not GitHub's 500s. */
function responseStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('response' in error)) return undefined;
  const response = (error as { response?: { status?: unknown } }).response;
  return typeof response?.status === 'number' ? response.status : undefined;
}

function describeResponse(status: number, error: unknown): string {
  const data = (error as { response?: { data?: unknown } }).response?.data;
  const body = typeof data === 'object' && data !== null ? (data as { message?: unknown; errors?: unknown }) : {};
  const githubMessage = typeof body.message === 'string' ? body.message : '';
  const details = Array.isArray(body.errors)
    ? body.errors
        .map((item: unknown) => {
          if (typeof item === 'string') return item;
          const entry = (item ?? {}) as { message?: unknown; field?: unknown; code?: unknown };
          if (typeof entry.message === 'string') return entry.message;
          return [entry.field, entry.code].filter((part) => typeof part === 'string').join(' ');
        })
        .filter((text: string) => text !== '')
    : [];
  const said = [githubMessage, ...details].filter((text) => text !== '').join(': ') || 'no message';
  const hint = statusHints[status];
  return `${status} ${said}${hint ? ` (${hint})` : ''}`;
}

const statusHints: Record<number, string> = {
  401: 'GITHUB_TOKEN is missing, invalid or expired',
  403: 'the token lacks permission, or a rate limit was hit',
  404: 'not found, or not visible with the configured token',
};

/**
 * Octokit wraps fetch's error, which wraps the socket's; the useful words ("connect ECONNREFUSED ...", "aborted due to
 * timeout") are at the bottom. Duck-typed, because errors from another realm (jest's vm modules) fail `instanceof`.
 */
function errorText(error: unknown): string {
  let reason = '';
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth += 1) {
    const { message, code, cause } = current as { message?: unknown; code?: unknown; cause?: unknown };
    const said = typeof message === 'string' && message !== '' && !/^(Unknown Error|fetch failed)$/.test(message) ? message : '';
    if (said !== '') reason = said;
    else if (typeof code === 'string' && !reason.includes(code)) reason = code;
    current = cause;
  }
  return reason || String(error);
}
