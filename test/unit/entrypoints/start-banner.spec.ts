import { formatStartBanner } from '../../../entrypoints/start-banner.js';

const facts = {
  version: '0.1.0',
  apiUrl: 'http://127.0.0.1:8888',
  temporalAddress: '127.0.0.1:7233',
  temporalUiUrl: 'http://127.0.0.1:8233',
  taskQueues: ['agent-work-orders', 'agent-work-orders@host-a'],
  home: '/home/dev/.awo',
};

describe('start banner', () => {
  it('says where the API, the web UI, Temporal and its Web UI, and the home folder are', () => {
    const banner = formatStartBanner({ ...facts, problems: [] });
    expect(banner.split('\n')).toEqual([
      'Agent Work Orders 0.1.0 is up',
      '  API: http://127.0.0.1:8888/api/agent-work-orders  (OpenAPI http://127.0.0.1:8888/docs, health http://127.0.0.1:8888/health)',
      '  Web UI: http://127.0.0.1:8888/',
      '  Temporal: 127.0.0.1:7233  (Web UI http://127.0.0.1:8233)',
      '  Worker: task queues agent-work-orders, agent-work-orders@host-a',
      '  Home: /home/dev/.awo',
      'Ready for work: npx awo create --repo <repository URL> --request "<what to do>" --follow',
    ]);
  });

  it('lists each missing credential on its own line instead of the ready line', () => {
    const banner = formatStartBanner({ ...facts, temporalUiUrl: null, taskQueues: undefined, problems: ['no GitHub token: ...', 'no way for the agent to reach a model: ...'] });
    expect(banner).not.toContain('Ready for work');
    expect(banner).not.toContain('Worker:');
    expect(banner).toContain('  Temporal: 127.0.0.1:7233\n');
    expect(banner.split('\n').slice(-3)).toEqual(['Work orders will fail until this is fixed (2):', '  - no GitHub token: ...', '  - no way for the agent to reach a model: ...']);
  });
});
