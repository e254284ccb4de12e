import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const key = Buffer.alloc(32, 7).toString('base64');
const base = { SUPABASE_URL: 'http://localhost:54321/', SUPABASE_DB_URL: 'postgres://x', CREDENTIALS_ENCRYPTION_KEYS: `1:${key}` };

describe('loadConfig', () => {
  it('applies defaults', () => {
    const config = loadConfig(base);
    expect(config.supabaseUrl).toBe('http://localhost:54321');
    expect(config.allowPrivateProviderUrls).toBe(false);
    expect(config.demoProviderUrl).toBeNull();
    expect(config.limits).toMatchObject({ chatRateCapacity: 20, maxTokensCap: 8192, keepaliveMs: 15_000 });
  });

  it('reads key lists newest first, in either base64 alphabet', () => {
    const urlSafe = Buffer.alloc(32, 255).toString('base64url');
    const config = loadConfig({ ...base, CREDENTIALS_ENCRYPTION_KEYS: `2:${urlSafe}, 1:${key}` });
    expect(config.encryptionKeys.map((k) => k.version)).toEqual([2, 1]);
    expect(config.encryptionKeys[0].key).toHaveLength(32);
  });

  it('names every bad variable and never echoes a key', () => {
    const secret = Buffer.alloc(16, 9).toString('base64');
    let message = '';
    try {
      loadConfig({ ...base, CREDENTIALS_ENCRYPTION_KEYS: `1:${secret}`, CHAT_RATE_CAPACITY: 'lots', SUPABASE_URL: 'nope' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/CREDENTIALS_ENCRYPTION_KEYS/);
    expect(message).toMatch(/CHAT_RATE_CAPACITY/);
    expect(message).toMatch(/SUPABASE_URL/);
    expect(message).not.toContain(secret);
  });

  it('refuses duplicate key versions', () => {
    expect(() => loadConfig({ ...base, CREDENTIALS_ENCRYPTION_KEYS: `1:${key},1:${key}` })).toThrow(/unique/);
  });
});
