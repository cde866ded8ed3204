import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { readOrCreateSecretFile } from '../files/random-secret-file.js';

const keyBytes = 32;
const ivBytes = 12;
const tagBytes = 16;
/** Marks the format of a sealed value, so a later format can be told apart from this one. */
const sealedPrefix = 'awo-gcm1:';
export const secretKeyFileName = 'secret.key';

/** A stored credential that the current key cannot open: another key sealed it, or the bytes were altered. */
export class SecretDecryptionError extends Error {
  constructor(readonly settingKey: string) {
    super(`stored credentials cannot be decrypted with the current AWO_SECRET_KEY/key file (setting ${settingKey}); set the key they were saved with, or save the credential again`);
    this.name = 'SecretDecryptionError';
  }
}

/**
 * AES-256-GCM with a fresh random 12-byte IV per value. The setting's key is the additional authenticated data, so a
 * sealed value copied onto another setting does not open either. GCM's tag makes a wrong key an error, never garbage.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== keyBytes) throw new Error(`secret key must be ${keyBytes} bytes, got ${key.length}`);
  }

  seal(plaintext: string, settingKey: string): string {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(settingKey, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return sealedPrefix + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
  }

  open(sealed: string, settingKey: string): string {
    if (!sealed.startsWith(sealedPrefix)) throw new SecretDecryptionError(settingKey);
    const bytes = Buffer.from(sealed.slice(sealedPrefix.length), 'base64');
    if (bytes.length < ivBytes + tagBytes) throw new SecretDecryptionError(settingKey);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, ivBytes));
      decipher.setAAD(Buffer.from(settingKey, 'utf8'));
      decipher.setAuthTag(bytes.subarray(ivBytes, ivBytes + tagBytes));
      return Buffer.concat([decipher.update(bytes.subarray(ivBytes + tagBytes)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptionError(settingKey);
    }
  }
}

/** AWO_SECRET_KEY as bytes: 64 hex characters, or base64 / base64url of 32 bytes (the config schema checked the form). */
export function decodeSecretKey(text: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== keyBytes) throw new Error(`AWO_SECRET_KEY must decode to ${keyBytes} bytes, got ${key.length}`);
  return key;
}

/**
 * The key from AWO_SECRET_KEY, else from `<config>/secret.key`, generated on first use with 0600 permissions. Two
 * processes starting together on a fresh config folder race to create it: the file is written aside and hard-linked
 * into place, which fails for the loser, who then reads the winner's key instead of overwriting it.
 */
export async function loadSecretKey(config: Pick<AppConfig, 'AWO_SECRET_KEY' | 'configDir'>): Promise<Buffer> {
  if (config.AWO_SECRET_KEY) return decodeSecretKey(config.AWO_SECRET_KEY);
  const keyPath = path.join(config.configDir, secretKeyFileName);
  return readOrCreateSecretFile(keyPath, keyBytes, (text) => parseKeyFile(keyPath, text), 'secret key file');
}

function parseKeyFile(keyPath: string, text: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new Error(`secret key file ${keyPath} must hold 64 hex characters (32 bytes); it does not`);
  return Buffer.from(text, 'hex');
}
