/** A repository on the configured GitHub (or GHES) server, parsed from its URL. */
export interface RepositoryRef {
  owner: string;
  name: string;
  /** https://host/owner/name (no .git, no credentials): the form stored and shown. */
  htmlUrl: string;
  /** The URL git clones and pushes (`.git` suffixed), never with credentials in it. */
  cloneUrl: string;
}

export interface RepositoryInfo {
  owner: string;
  name: string;
  defaultBranch: string;
  private: boolean;
}

export interface IssueInfo {
  number: number;
  title: string;
  body: string;
  htmlUrl: string;
}

export interface PullRequestInfo {
  number: number;
  htmlUrl: string;
  headBranch: string;
  baseBranch: string;
  /** false when an existing pull request for the head branch was returned. */
  created: boolean;
}

export interface OpenPullRequestRequest {
  repository: RepositoryRef;
  headBranch: string;
  baseBranch: string;
  title: string;
  body: string;
}
