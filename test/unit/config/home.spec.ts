import { chmod, chown, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { prepareHome } from '../../../src/home.js';

const modeOf = async (dir: string) => (await stat(dir)).mode & 0o7777;

describe('prepareHome', () => {
  let scratch: string;

  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'awo-home-spec-'));
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('creates the home and its four parts as 0700 folders, and changes nothing the second time', async () => {
    const config = loadConfig({ AWO_HOME: path.join(scratch, 'home'), AWO_WORK_ORDER_DIR: path.join(scratch, 'elsewhere', 'orders') });
    const first = await prepareHome(config);
    const dirs = [config.AWO_HOME, config.repositoryDir, config.workOrderDir, config.configDir, config.temporalDir];
    expect(first.created).toEqual(dirs);
    for (const dir of dirs) expect(await modeOf(dir)).toBe(0o700);
    expect(await prepareHome(config)).toEqual({ created: [], tightened: [] });
  });

  it("removes group and world write permission from an existing folder of ours, keeping its read permission", async () => {
    const home = path.join(scratch, 'home');
    await mkdir(home);
    await chmod(home, 0o777);
    const result = await prepareHome(loadConfig({ AWO_HOME: home }));
    expect(result.tightened).toEqual([{ path: home, from: '0777', to: '0755' }]);
    expect(await modeOf(home)).toBe(0o755);
  });

  it('refuses a shared scratch folder like /tmp instead of changing its permissions', async () => {
    const shared = path.join(scratch, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o1777);
    const error = await prepareHome(loadConfig({ AWO_HOME: shared })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/^AWO_HOME \(.*\/shared\) is world-writable \(mode 1777\) and a shared scratch folder/);
    expect((error as ConfigError).message).not.toMatch(/\n/);
    expect(await modeOf(shared)).toBe(0o1777);
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot("refuses a world-writable folder of another user's, naming the part's variable", async () => {
    const config = loadConfig({ AWO_HOME: path.join(scratch, 'home') });
    await mkdir(config.repositoryDir, { recursive: true });
    await chmod(config.repositoryDir, 0o777);
    await chown(config.repositoryDir, 12345, 12345);
    const error = await prepareHome(config).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('AWO_REPOSITORY_DIR');
    expect((error as ConfigError).message).toContain('owned by uid 12345, not this user (uid 0)');
    expect(await modeOf(config.repositoryDir)).toBe(0o777);
  });

  it('refuses a part that is a file', async () => {
    const config = loadConfig({ AWO_HOME: path.join(scratch, 'home') });
    await mkdir(config.AWO_HOME, { recursive: true });
    await writeFile(config.configDir, 'not a folder');
    await expect(prepareHome(config)).rejects.toThrow(/^AWO_CONFIG_DIR \(.*\/config\) is not a folder/);
  });
});
