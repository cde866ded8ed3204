import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const sessionCookieName = 'awo_session';

/**
 * A session is `<nonce>.<HMAC(token, nonce)>`: nothing to store, valid in every API replica that has the token, and
 * void for all sessions at once when the token changes. The token itself never travels in the cookie.
 */
export function createSessionValue(token: string): string {
  const nonce = randomBytes(18).toString('base64url');
  return `${nonce}.${sign(token, nonce)}`;
}

export function isValidSessionValue(token: string, value: string): boolean {
  const [nonce, signature, ...rest] = value.split('.');
  if (!nonce || !signature || rest.length > 0) return false;
  return sameSecret(signature, sign(token, nonce));
}

/** Compares digests, so neither the length nor the content of the secret leaks through timing. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function sign(token: string, nonce: string): string {
  return createHmac('sha256', token).update(`awo-session:${nonce}`, 'utf8').digest('base64url');
}

/** HttpOnly keeps it from scripts; SameSite=Strict keeps other sites' requests from carrying it (no CSRF). */
export function sessionCookie(value: string, options: { secure: boolean }): string {
  return `${sessionCookieName}=${value}; HttpOnly; SameSite=Strict; Path=/${options.secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(options: { secure: boolean }): string {
  return `${sessionCookieName}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${options.secure ? '; Secure' : ''}`;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}
