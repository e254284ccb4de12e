import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { credentialKeyVersion, decryptCredential, encryptCredential, keyHint } from './credentials-crypto.ts';

const key = (version: number) => ({ version, key: new Uint8Array(randomBytes(32)) });

describe('credential encryption', () => {
  const keys = [key(1)];
  const owner = { userId: randomUUID(), provider: 'openai', baseUrl: null };

  it('round-trips and encrypts the same key differently each time', async () => {
    const a = await encryptCredential(keys, owner, 'sk-secret-value-1234');
    const b = await encryptCredential(keys, owner, 'sk-secret-value-1234');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toContain('sk-secret');
    expect(await decryptCredential(keys, owner, a)).toBe('sk-secret-value-1234');
    expect(await decryptCredential(keys, owner, b)).toBe('sk-secret-value-1234');
  });

  it('fails when the ciphertext moves to another user or provider', async () => {
    const stored = await encryptCredential(keys, owner, 'sk-secret-value-1234');
    await expect(decryptCredential(keys, { ...owner, userId: randomUUID() }, stored)).rejects.toThrow(/cannot be decrypted/);
    await expect(decryptCredential(keys, { ...owner, provider: 'groq' }, stored)).rejects.toThrow(/cannot be decrypted/);
  });

  it('binds the base URL: a key saved for one endpoint never decrypts for another', async () => {
    const custom = { userId: randomUUID(), provider: 'custom', baseUrl: 'https://llm.example.com/v1' };
    const stored = await encryptCredential(keys, custom, 'sk-secret-value-1234');
    expect(await decryptCredential(keys, custom, stored)).toBe('sk-secret-value-1234');
    for (const baseUrl of ['https://evil.example/v1', 'https://llm.example.com/v1/', null]) {
      await expect(decryptCredential(keys, { ...custom, baseUrl }, stored)).rejects.toThrow(/cannot be decrypted/);
    }
  });

  it('reads ciphertexts marked legacy (written before base URLs were bound), and only those', async () => {
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: new Uint8Array(12), additionalData: new TextEncoder().encode(`${owner.userId}|openai|1`), tagLength: 128 },
      await crypto.subtle.importKey('raw', keys[0]!.key as BufferSource, 'AES-GCM', false, ['encrypt']),
      new TextEncoder().encode('sk-old-key-9999'),
    );
    const old = `v1.${Buffer.alloc(12).toString('base64url')}.${Buffer.from(sealed).toString('base64url')}`;
    expect(await decryptCredential(keys, owner, `legacy.${old}`)).toBe('sk-old-key-9999');
    await expect(decryptCredential(keys, owner, old)).rejects.toThrow(/cannot be decrypted/);
  });

  it('fails on tampering, unknown versions and garbage, without echoing input', async () => {
    const stored = await encryptCredential(keys, owner, 'sk-secret-value-1234');
    // Another character in place of the second-to-last one (chosen from that character, so
    // it always differs: choosing it from the last one left the text unchanged 1 run in 64).
    const flipped = stored.slice(0, -2) + (stored.at(-2) === 'A' ? 'B' : 'A') + stored.slice(-1);
    expect(flipped).not.toBe(stored);
    await expect(decryptCredential(keys, owner, flipped)).rejects.toThrow(/cannot be decrypted/);
    await expect(decryptCredential(keys, owner, stored.replace(/^v1/, 'v9'))).rejects.toThrow(/version 9/);
    const error = await decryptCredential(keys, owner, 'sk-plaintext-oops').catch((e: Error) => e);
    expect(String(error)).not.toContain('sk-plaintext');
  });

  it('decrypts with an older key after rotation and encrypts with the newest', async () => {
    const old = [key(1)];
    const stored = await encryptCredential(old, owner, 'sk-rotate-me-5678');
    const rotated = [key(2), ...old];
    expect(await decryptCredential(rotated, owner, stored)).toBe('sk-rotate-me-5678');
    const fresh = await encryptCredential(rotated, owner, 'sk-rotate-me-5678');
    expect(credentialKeyVersion(fresh)).toBe(2);
  });

  it('hints only the last four characters', () => {
    expect(keyHint('sk-abcdefghijkl1234')).toBe('…1234');
    expect(keyHint('short')).toBe('…');
  });
});
