/// <reference types="node" />
// The pure parts of inviting people without an account: the waits of rate limits in words (a
// day's allowance of invitations waits hours, not seconds), and which refusals belong at the
// code field of sign-up and Settings → Confirm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '@obscura/sdk';
import { toInfo, waitSeconds } from '../src/worker/errors.ts';
import { formatWait } from '../src/features/account/forms.tsx';
import { isCodeError } from '../src/features/account/EmailCode.tsx';
import { AppError } from '../src/shared/rpc.ts';

test('a rate limit\'s wait is read from the server\'s words and said back in the same units', () => {
  assert.equal(waitSeconds('too many email lookups for this account; try again in 45 s'), 45);
  assert.equal(waitSeconds('too many invitations a day; try again in 14 min'), 14 * 60);
  assert.equal(waitSeconds('too many invitations a day; try again in 5 h 3 min'), 5 * 3600 + 3 * 60);
  assert.equal(waitSeconds('too many invitations a day; try again in 6 h'), 6 * 3600);
  assert.equal(waitSeconds('slow down'), undefined);
  assert.deepEqual(toInfo(new ApiError(429, 'rate-limited', 'too many code requests for this email; try again in 9 min')),
    { kind: 'rate-limited', status: 429, code: 'rate-limited', message: 'too many code requests for this email; try again in 9 min', retryAfterS: 540 });
  assert.equal(formatWait(45), '45 s');
  assert.equal(formatWait(119), '119 s');
  assert.equal(formatWait(540), '9 min');
  assert.equal(formatWait(5 * 3600 + 3 * 60), '5 h 3 min');
  assert.equal(formatWait(6 * 3600), '6 h');
});

test('refusals of the mailed code are said at the code field; other refusals are not', () => {
  const api = (status: number, message: string) => new AppError({ kind: 'api', status, code: 'bad-request', message });
  assert.ok(isCodeError(api(400, 'the code is wrong; 4 tries left')));
  assert.ok(isCodeError(api(400, 'this code expired or was already used; ask for a new one')));
  assert.ok(isCodeError(new AppError({ kind: 'usage', message: 'the code is the 8 digits from the mail' })));
  assert.ok(!isCodeError(api(409, 'no account was created: the email may already have one')));
  assert.ok(!isCodeError(new AppError({ kind: 'rate-limited', status: 429, message: 'too many code requests for this email; try again in 60 s' })), 'a rate limit is said where it counts down');
  assert.ok(!isCodeError(new Error('the code is wrong')), 'only what the worker sent');
});
