import type { ServerResponse } from 'node:http';
import { sendJsonOnce, serializeInSlices } from '../../../api/core/json-once.js';
import { mapInSlices, rowsPerSlice } from '../../../src/event-loop-slices.js';

/** Express's response as far as sendJsonOnce uses it: headers, `send`, and the app's ETag function. */
function fakeResponse(etagCalls: Buffer[]) {
  const headers = new Map<string, unknown>();
  const sent: Buffer[] = [];
  const response = {
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), value),
    send: (body: Buffer) => sent.push(body),
    app: { get: () => (body: Buffer) => (etagCalls.push(body), `W/"${body.length}"`) },
  };
  return { response: response as unknown as ServerResponse, headers, sent };
}

const rows = (count: number) => Array.from({ length: count }, (_, index) => ({ id: `wo-${index}`, text: `ünïcode "quoted" ${index}`, nothing: null, nested: { n: index } }));

describe('sendJsonOnce', () => {
  it('sends the JSON of a value as JSON.stringify makes it, with the ETag, and serializes and hashes it once', () => {
    const etagCalls: Buffer[] = [];
    const page = rows(3);
    const first = fakeResponse(etagCalls);
    sendJsonOnce(first.response, page);
    expect(first.sent[0]!.toString('utf8')).toBe(JSON.stringify(page));
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(first.headers.get('etag')).toBe(`W/"${first.sent[0]!.length}"`);

    // The same page again: the bytes made the first time, even though the array changed since (a cached page never does).
    page.push({ id: 'later', text: '', nothing: null, nested: { n: -1 } });
    const second = fakeResponse(etagCalls);
    sendJsonOnce(second.response, page);
    expect(second.sent[0]).toBe(first.sent[0]);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(etagCalls).toHaveLength(1);
  });

  it('sends what serializeInSlices made for a page of several slices: the same text as JSON.stringify', async () => {
    const page = rows(rowsPerSlice * 2 + 7);
    await serializeInSlices(page);
    const { response, sent } = fakeResponse([]);
    sendJsonOnce(response, page);
    expect(sent[0]!.toString('utf8')).toBe(JSON.stringify(page));
  });

  it('serializes an empty page as []', async () => {
    const page: object[] = [];
    await serializeInSlices(page);
    const { response, sent } = fakeResponse([]);
    sendJsonOnce(response, page);
    expect(sent[0]!.toString('utf8')).toBe('[]');
  });
});

describe('mapInSlices', () => {
  it('maps in order, letting callbacks waiting on the event loop run between slices', async () => {
    const items = Array.from({ length: rowsPerSlice * 3 }, (_, index) => index);
    const seen: string[] = [];
    setImmediate(() => seen.push('other request'));
    const mapped = await mapInSlices(items, (item) => {
      if (item % rowsPerSlice === 0) seen.push(`slice ${item / rowsPerSlice}`);
      return item * 2;
    });
    expect(mapped).toEqual(items.map((item) => item * 2));
    expect(seen).toEqual(['slice 0', 'other request', 'slice 1', 'slice 2']);
  });
});
