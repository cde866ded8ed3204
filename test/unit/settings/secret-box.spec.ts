import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { decodeSecretKey, loadSecretKey, SecretBox, SecretDecryptionError, secretKeyFileName } from '../../../src/settings/secret-box.js';
import { maskToken } from '../../../src/settings/settings-schema.js';

describe('secret box', () => {
  const box = new SecretBox(randomBytes(32));

  it('seals with a fresh IV each time and opens what it sealed', () => {
    const first = box.seal('"ghp_secret"', 'github_token');
    const second = box.seal('"ghp_secret"', 'github_token');
    expect(first).not.toBe(second);
    expect(first).not.toContain('ghp_secret');
    expect(box.open(first, 'github_token')).toBe('"ghp_secret"');
  });

  it('refuses another key, another setting name, and altered bytes with the typed error', () => {
    const sealed = box.seal('"ghp_secret"', 'github_token');
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'github_token')).toThrow(SecretDecryptionError);
    expect(() => box.open(sealed, 'claude_cli_path')).toThrow(SecretDecryptionError);
    const bytes = Buffer.from(sealed.slice('awo-gcm1:'.length), 'base64');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => box.open(`awo-gcm1:${bytes.toString('base64')}`, 'github_token')).toThrow(/cannot be decrypted with the current AWO_SECRET_KEY\/key file/);
    expect(() => box.open('plain text', 'github_token')).toThrow(SecretDecryptionError);
  });

  it('decodes AWO_SECRET_KEY as hex, base64 or base64url', () => {
    const key = randomBytes(32);
    expect(decodeSecretKey(key.toString('hex'))).toEqual(key);
    expect(decodeSecretKey(key.toString('base64'))).toEqual(key);
    expect(decodeSecretKey(key.toString('base64url'))).toEqual(key);
  });

  it('generates the key file once, 0600, even when two processes race for it', async () => {
    const configDir = await mkdtemp(path.join(os.tmpdir(), 'awo-key-'));
    try {
      const keys = await Promise.all(Array.from({ length: 5 }, () => loadSecretKey({ configDir })));
      expect(new Set(keys.map((key) => key.toString('hex'))).size).toBe(1);
      expect((await stat(path.join(configDir, secretKeyFileName))).mode & 0o777).toBe(0o600);
      expect((await loadSecretKey({ configDir })).equals(keys[0]!)).toBe(true);
    } finally {
      await rm(configDir, { recursive: true, force: true });
    }
  });
});

describe('maskToken', () => {
  it('keeps the type prefix and the last four characters only', () => {
    expect(maskToken('ghp_0123456789abcdefghijklmnopqrstuvwxyz')).toBe('ghp_…wxyz');
    expect(maskToken('github_pat_11AAAAAAA0123456789abcdefghijklmnopqrstuv')).toBe('github_…stuv');
    expect(maskToken('0123456789abcdef0123456789abcdef01234567')).toBe('…4567');
    // Short tokens show no tail; an underscore deep inside is not a prefix.
    expect(maskToken('ghp_short')).toBe('ghp_…');
    expect(maskToken('abcdefghijklmnop_qrstuvwxyz0123456789')).toBe('…6789');
  });
});
