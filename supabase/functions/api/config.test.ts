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

  it('reads numbers, flags, lists and levels as before, and names what is wrong', () => {
    const config = loadConfig({
      ...base, SUPABASE_URL: ' http://localhost:54321/ ', CHAT_RATE_REFILL_PER_SECOND: '0.5', CHAT_TURN_MAX_MS: '0', ALLOW_PRIVATE_PROVIDER_URLS: '1',
      CORS_ORIGINS: ' https://a.example , ,https://b.example', DEMO_PROVIDER_URL: '', LOG_LEVEL: 'warn',
    });
    expect(config.supabaseUrl).toBe('http://localhost:54321');
    expect(config.limits).toMatchObject({ chatRateRefillPerSecond: 0.5, turnMaxMs: 0 });
    expect(config.allowPrivateProviderUrls).toBe(true);
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.demoProviderUrl).toBeNull();
    expect(config.logLevel).toBe('warn');
    const bad = {
      MAX_MESSAGE_CHARS: '200001', MAX_BODY_BYTES: String(16 * 1024 * 1024 + 1), MAX_TOKENS_CAP: '1.5', CHAT_RATE_CAPACITY: '', HEAVY_RATE_REFILL_PER_SECOND: '0', TURN_LEASE_MS: '999',
      ALLOW_PRIVATE_PROVIDER_URLS: 'yes', LOG_LEVEL: 'loud', DEMO_PROVIDER_URL: 'not a url', SUPABASE_DB_URL: '',
    };
    let message = '';
    try {
      loadConfig({ ...base, ...bad });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of Object.keys(bad)) expect(message).toMatch(new RegExp(`\\n  ${name}: `));
    expect(() => loadConfig({ ...base, SUPABASE_JWKS: '{"keys":"none"}' })).toThrow(/SUPABASE_JWKS/);
  });
});
