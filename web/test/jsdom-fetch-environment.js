import { TestEnvironment } from 'jest-environment-jsdom';

/**
 * jsdom without fetch is not a browser: the page's API client needs fetch, Request, Response and streams. Node's own
 * (the same WHATWG implementations a browser follows) are lent to the window.
 */
export default class JsdomFetchEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    const { fetch, Request, Response, Headers, ReadableStream, TextDecoder, TextEncoder } = globalThis;
    Object.assign(this.global, { fetch, Request, Response, Headers, ReadableStream, TextDecoder, TextEncoder });
  }
}
