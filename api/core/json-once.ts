import type { ServerResponse } from 'node:http';

/** The part of Express's response this needs: `send` answers 304 to a matching If-None-Match and skips a HEAD's body. */
type ExpressResponse = ServerResponse & {
  send(body: Buffer): unknown;
  app: { get(setting: 'etag fn'): ((body: Buffer) => string | undefined) | undefined };
};

interface Serialized {
  body: Buffer;
  etag: string | undefined;
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
    const body = Buffer.from(JSON.stringify(value), 'utf8');
    entry = { body, etag: express.app.get('etag fn')?.(body) };
    serialized.set(value, entry);
  }
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  if (entry.etag) response.setHeader('ETag', entry.etag);
  express.send(entry.body);
}
