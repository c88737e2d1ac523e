import { describe, expect, it } from '@jest/globals';
import { redactRedisUrl, redactRedisUrlsIn } from './redis-url.js';

describe('redactRedisUrl', () => {
  it.each([
    ['rediss://:s3cret@redis.internal:6380/2', 'rediss://:***@redis.internal:6380/2'],
    ['redis://default:s3cret@10.0.0.5:6379', 'redis://default:***@10.0.0.5:6379'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['redis://user@host:6379', 'redis://user@host:6379'],
    ['redis://:p%40ss@host:notaport', 'redis://***@host:notaport'],
  ])('%s -> %s', (url, shown) => {
    expect(redactRedisUrl(url)).toBe(shown);
  });

  it('redacts every Redis URL inside a message', () => {
    expect(redactRedisUrlsIn('connect to rediss://:pw@a:1 failed, then redis://u:pw2@b:2.')).toBe(
      'connect to rediss://:***@a:1 failed, then redis://u:***@b:2.',
    );
  });
});
