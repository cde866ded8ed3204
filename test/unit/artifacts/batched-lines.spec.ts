import { BatchedLines } from '../../../src/artifacts/batched-lines.js';
import { SerialWriter } from '../../../src/artifacts/serial-writer.js';

describe('BatchedLines', () => {
  it('writes the lines that arrive while a write runs in one later append, in their order, after what was queued before', async () => {
    const writer = new SerialWriter();
    const writes: string[][] = [];
    let release: () => void = () => undefined;
    const firstWrite = new Promise<void>((resolve) => (release = resolve));
    const lines = new BatchedLines(writer, async (batch) => {
      writes.push(batch);
      if (batch[0] === 'a') await firstWrite;
    });

    writer.push(async () => void writes.push(['queued before']));
    lines.push('a');
    await new Promise((resolve) => setImmediate(resolve));
    lines.push('b');
    lines.push('c');
    release();
    await writer.flush();

    expect(writes).toEqual([['queued before'], ['a'], ['b', 'c']]);
  });

  it('reports a failed append at the flush', async () => {
    const writer = new SerialWriter();
    const lines = new BatchedLines(writer, async () => {
      throw new Error('disk full');
    });

    lines.push('a');

    await expect(writer.flush()).rejects.toThrow('disk full');
  });
});
