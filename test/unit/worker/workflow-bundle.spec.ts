import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { decodeMappings, encodeMappings } from '../../../temporal/worker/source-map-mappings.js';
import { isBundleCurrent, latin1Code, slimSourceMap } from '../../../temporal/worker/workflow-bundle.js';

describe('isBundleCurrent', () => {
  let dir: string;
  let workflows: string;
  let bundle: string;
  const at = (file: string, seconds: number) => utimes(file, seconds, seconds);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'awo-bundle-'));
    workflows = path.join(dir, 'workflows');
    bundle = path.join(dir, 'workflow-bundle.js');
    await mkdir(workflows);
    await writeFile(path.join(workflows, 'index.js'), 'export {};');
    await writeFile(path.join(workflows, 'work-order.workflow.js'), 'export {};');
    await writeFile(path.join(workflows, 'work-order.workflow.d.ts'), 'export {};');
    for (const name of ['index.js', 'work-order.workflow.js', 'work-order.workflow.d.ts']) await at(path.join(workflows, name), 1_000);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('trusts a bundle written after every compiled workflow file', async () => {
    await writeFile(bundle, 'bundle');
    await at(bundle, 2_000);
    await expect(isBundleCurrent(bundle, workflows)).resolves.toBe(true);
  });

  it('does not trust a bundle older than a compiled workflow file (tsc ran without the bundle step)', async () => {
    await writeFile(bundle, 'bundle');
    await at(bundle, 2_000);
    await at(path.join(workflows, 'work-order.workflow.js'), 3_000);
    await expect(isBundleCurrent(bundle, workflows)).resolves.toBe(false);
  });

  it('ignores files that are not compiled code', async () => {
    await writeFile(bundle, 'bundle');
    await at(bundle, 2_000);
    await at(path.join(workflows, 'work-order.workflow.d.ts'), 3_000);
    await expect(isBundleCurrent(bundle, workflows)).resolves.toBe(true);
  });

  it('is false without a bundle', async () => {
    await expect(isBundleCurrent(bundle, workflows)).resolves.toBe(false);
  });
});

describe('slimSourceMap', () => {
  const inline = (map: object) => `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
  const readMap = (code: string) => JSON.parse(Buffer.from(code.slice(code.indexOf('base64,') + 'base64,'.length), 'base64').toString('utf8')) as Record<string, unknown>;

  it('drops the sources\' text from the inline map and keeps the code, sources and mappings', () => {
    const map = { version: 3, file: 'bundle.js', sources: ['a.ts', 'b.ts'], sourcesContent: ['const a = 1;', 'const b = 2;'], names: [], mappings: 'AAAA;ACAA' };
    const code = `var a = 1;\n// not the map: sourceMappingURL=data:\nvar b = 2;\n${inline(map)}\n`;

    const slim = slimSourceMap(code);

    expect(slim.startsWith('var a = 1;\n// not the map: sourceMappingURL=data:\nvar b = 2;\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,')).toBe(true);
    expect(readMap(slim.slice(slim.lastIndexOf('//# sourceMappingURL')))).toEqual({ version: 3, file: 'bundle.js', sources: ['a.ts', 'b.ts'], names: [], mappings: 'AAAA;ACAA' });
    expect(slim.length).toBeLessThan(code.length);
  });

  it('keeps the mappings of our own sources only, ending a kept run within a line', () => {
    const sources = ['/repo/workflows/a.ts', '/repo/node_modules/zod/b.js', 'webpack/bootstrap'];
    // Line 1: a.ts, then zod on the same line; line 2: zod only; line 3: webpack's runtime, then a.ts.
    const mappings = encodeMappings([
      [
        [0, 0, 0, 0],
        [10, 1, 5, 2],
        [20, 1, 6, 0],
      ],
      [[0, 1, 7, 0]],
      [
        [0, 2, 0, 0],
        [4, 0, 3, 4],
      ],
    ]);
    const map = { version: 3, file: 'bundle.js', sources, sourcesContent: ['', '', ''], names: [], mappings };

    const slim = readMap(slimSourceMap(`var a;\n${inline(map)}\n`));

    expect(slim.sources).toEqual(sources);
    expect(decodeMappings(slim.mappings as string)).toEqual([[[0, 0, 0, 0], [10]], [], [[4, 0, 3, 4]]]);
  });

  it('leaves code without an inline map as it is', () => {
    expect(slimSourceMap('var a = 1;\n')).toBe('var a = 1;\n');
  });
});

describe('latin1Code', () => {
  // The code under test holds the real characters; this file spells them as escapes.
  const code = [
    '// a comment with a dash: \u2014',
    "const quoted = 'a\u2014b \u2716 \u00e9';",
    'const template = `\u2192 ${quoted}`;',
    'const pattern = /^[\u2013\u2014]+$/;',
    "const emoji = '\ud83d\ude00';",
    '({ quoted, template, matches: pattern.test("\u2013\u2014"), emoji })',
  ].join('\n');

  it('writes characters beyond Latin-1 as escapes that mean the same in strings, templates, regular expressions and comments', () => {
    const escaped = latin1Code(code);

    expect([...escaped].every((character) => character.charCodeAt(0) <= 0xff)).toBe(true);
    expect(vm.runInNewContext(escaped)).toEqual({ quoted: 'a\u2014b \u2716 \u00e9', template: '\u2192 a\u2014b \u2716 \u00e9', matches: true, emoji: '\ud83d\ude00' });
  });

  it('leaves Latin-1 code as it is', () => {
    expect(latin1Code("const a = 'caf\u00e9';\n")).toBe("const a = 'caf\u00e9';\n");
  });
});
