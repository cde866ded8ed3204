import { bundleWorkOrderWorkflows } from '../../../temporal/worker/workflow-bundle.js';

/** Module id -> the ids it imports when it is evaluated (not its eager `import()`s, which run only when called). */
function staticImports(code: string): Map<string, string[]> {
  const modules = new Map<string, string[]>();
  const starts = [...code.matchAll(/^\/\*\*\*\/ "([^"]+)"/gm)];
  starts.forEach((start, index) => {
    const body = code.slice(start.index, starts[index + 1]?.index ?? code.length);
    const imported = body
      .split('\n')
      .filter((line) => !line.includes('import() eager'))
      .flatMap((line) => [...line.matchAll(/__webpack_require__\((?:\/\*![^*]*\*\/ )?"([^"]+)"\)/g)].map((match) => match[1]!));
    modules.set(start[1]!, imported);
  });
  return modules;
}

function reachableFrom(entry: string, modules: Map<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...(modules.get(id) ?? []));
  }
  return seen;
}

describe('workflow bundle', () => {
  // The worker's sandbox evaluates every module a workflow imports again for each workflow run it creates.
  it('evaluates no zod when a workflow starts; only a plan waiting for approval loads it', async () => {
    const { code } = await bundleWorkOrderWorkflows();
    const modules = staticImports(code);
    const entry = [...modules.keys()].find((id) => /\/workflows\/index\.[jt]s$/.test(id));
    expect(entry).toBeDefined();

    const evaluated = reachableFrom(entry!, modules);
    expect(evaluated.size).toBeGreaterThan(20);
    expect([...evaluated].filter((id) => id.includes('/zod/'))).toEqual([]);

    // Bundled in, not split into a chunk the sandbox could not load.
    const schemaModule = [...modules.keys()].find((id) => /\/src\/models\/plan-approval\.[jt]s$/.test(id));
    expect(schemaModule).toBeDefined();
    expect([...reachableFrom(schemaModule!, modules)].some((id) => id.includes('/zod/'))).toBe(true);
    expect(code).toContain('import() eager');
  }, 60_000);
});
