import type { ServerResponse } from 'node:http';
import { mapInSlices } from '../../src/event-loop-slices.js';

/** The part of Express's response this needs: `send` answers 304 to a matching If-None-Match and skips a HEAD's body. */
type ExpressResponse = ServerResponse & {
  send(body: Buffer): unknown;
  app: { get(setting: 'etag fn'): ((body: Buffer) => string | undefined) | undefined };
};

interface Serialized {
  body: Buffer;
  /** Express's own ETag of the body, made at the first send. */
  etag?: string;
}

/** Keyed by the value itself: a cached page lives as long as the cache keeps it, and its JSON with it. */
const serialized = new WeakMap<object, Serialized>();

/**
 * Answers with `value` as JSON exactly as Nest's Express adapter would (same body, content type and ETag), but
 * serializes and hashes a value it has seen before only once: a cached list page of 1,000 work orders is about a
 * megabyte, and stringifying and hashing it for every poll was most of a GET's time and of its garbage.
 */
export function sendJsonOnce(response: ServerResponse, value: object): void {
  const express = response as ExpressResponse;
  let entry = serialized.get(value);
  if (!entry) {
    entry = { body: Buffer.from(JSON.stringify(value), 'utf8') };
    serialized.set(value, entry);
  }
  entry.etag ??= express.app.get('etag fn')?.(entry.body);
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  if (entry.etag) response.setHeader('ETag', entry.etag);
  express.send(entry.body);
}

/** The JSON `sendJsonOnce` will send for `values`, made a slice of rows at a time so other requests get in between. */
export async function serializeInSlices(values: readonly object[]): Promise<void> {
  // The same text JSON.stringify gives the array: its elements' JSON joined by commas, in brackets.
  const rows = await mapInSlices(values, (value) => JSON.stringify(value));
  serialized.set(values, { body: Buffer.from(`[${rows.join(',')}]`, 'utf8') });
}
