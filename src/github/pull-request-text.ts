export interface PullRequestTextInput {
  agentWorkOrderId: string;
  userRequest: string;
  githubIssueNumber: number | null;
  planOutput: string | null;
  commitSubjects: string[];
}

const maxTitleLength = 72;

/** Title from the work itself (the first commit, else the request); the body links the issue so merging closes it. */
export function pullRequestText(input: PullRequestTextInput): { title: string; body: string } {
  const source = input.commitSubjects.at(-1) ?? input.userRequest.split('\n')[0] ?? input.userRequest;
  const title = source.length > maxTitleLength ? `${source.slice(0, maxTitleLength - 1)}…` : source;
  const sections = [
    '## Request',
    input.userRequest,
    '## Commits',
    input.commitSubjects.map((subject) => `- ${subject}`).join('\n'),
  ];
  if (input.planOutput) sections.push('## Plan', input.planOutput.slice(0, 4000));
  if (input.githubIssueNumber) sections.push(`Closes #${input.githubIssueNumber}`);
  sections.push(`---\nOpened by Agent Work Orders, work order \`${input.agentWorkOrderId}\`.`);
  return { title, body: sections.join('\n\n') };
}
