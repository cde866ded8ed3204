import net from 'node:net';
import { ProbeVerdict, slowProbesBeforeLost } from '../../../api/core/probe-verdict.js';
import { refusesConnections } from '../../../api/core/refuses-connections.js';

describe('ProbeVerdict', () => {
  it('tolerates slow probes until that many came in a row', () => {
    const verdict = new ProbeVerdict();
    const verdicts = Array.from({ length: slowProbesBeforeLost }, () => verdict.slow());
    expect(verdicts).toEqual([...Array<boolean>(slowProbesBeforeLost - 1).fill(true), false]);
  });

  it('starts counting slow probes again after an answer or a failure', () => {
    const verdict = new ProbeVerdict();
    for (let index = 1; index < slowProbesBeforeLost; index += 1) verdict.slow();
    expect(verdict.answered()).toBe(true);
    expect(verdict.slow()).toBe(true);
    expect(verdict.failed()).toBe(false);
    expect(verdict.slow()).toBe(true);
  });
});

describe('refusesConnections', () => {
  it('tells a listening port from one nothing listens on', async () => {
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    expect(await refusesConnections(`127.0.0.1:${port}`)).toBe(false);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await refusesConnections(`127.0.0.1:${port}`)).toBe(true);
  });
});
