// Unit tests: services with faked ports.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../src/ports/clock.ts';
import { AppError } from '../src/errors.ts';
import { RateLimiter } from '../src/services/rate-limiter.ts';
import type { RateLimitStore } from '../src/repositories/rate-limits.ts';
import { chargedBytes, fitsQuota, formatBytes, quotaExceeded } from '../src/services/quota.ts';

class MemoryRateStore implements RateLimitStore {
  readonly m = new Map<string, { count: number; windowStart: number }>();
  async hit(key: string, now: number, windowMs: number) {
    const cur = this.m.get(key);
    const next = !cur || cur.windowStart <= now - windowMs ? { count: 1, windowStart: now } : { count: cur.count + 1, windowStart: cur.windowStart };
    this.m.set(key, next);
    return next;
  }
}

describe('quota arithmetic', () => {
  test('a file costs its blocks, thumbnails, metadata and manifest', () => {
    assert.equal(chargedBytes({ encryptedSize: 12_000_000, thumbSmallSize: 20_000, thumbLargeSize: 300_000, metadataSize: 500, manifestSize: 1000 }), 12_321_500);
  });
  test('fits exactly at the limit, not one byte past it', () => {
    assert.equal(fitsQuota(90, 100, 10), true);
    assert.equal(fitsQuota(90, 100, 11), false);
  });
  test('sizes read like a person would say them', () => {
    assert.equal(formatBytes(1), '1 byte');
    assert.equal(formatBytes(1023), '1023 bytes');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(12 * 1024 * 1024), '12 MiB');
    assert.equal(formatBytes(10 * 1024 ** 3), '10 GiB');
    assert.equal(formatBytes(Math.round(9.8 * 1024 ** 3)), '9.8 GiB');
  });
  test('the quota error names used, allowed and needed', () => {
    const e = quotaExceeded(Math.round(9.8 * 1024 ** 3), 10 * 1024 ** 3, 12 * 1024 * 1024);
    assert.equal(e.code, 'quota-exceeded');
    assert.equal(e.status, 413);
    assert.equal(e.message, 'storage full: 9.8 GiB of 10 GiB used, this file needs 12 MiB');
  });
});

describe('rate limiter with a fake clock', () => {
  test('allows the limit, refuses the next with the seconds left, resets with the window', async () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(new MemoryRateStore(), clock, { limit: 2, windowMs: 60_000 });
    const subj = [{ label: 'for this email', key: 'email:a@b.c' }];
    await rl.check('login', subj);
    await rl.check('login', subj);
    clock.advance(15_500);
    await assert.rejects(rl.check('login', subj), (e: AppError) => {
      assert.equal(e.code, 'rate-limited');
      assert.equal(e.message, 'too many login attempts for this email; try again in 45 s');
      assert.equal(e.headers['retry-after'], '45');
      return true;
    });
    clock.advance(44_500);
    await rl.check('login', subj);
  });
  test('actions and subjects are counted apart; the longest wait is reported', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryRateStore();
    const rl = new RateLimiter(store, clock, { limit: 1, windowMs: 10_000 });
    await rl.check('login', [{ label: 'from this address', key: 'ip:1' }]);
    clock.advance(5000);
    await rl.check('signup', [{ label: 'from this address', key: 'ip:1' }]);
    await rl.check('login', [{ label: 'for this email', key: 'email:x' }]);
    await assert.rejects(rl.check('login', [{ label: 'for this email', key: 'email:x' }, { label: 'from this address', key: 'ip:1' }]),
      /for this email; try again in 10 s/);
  });
});
