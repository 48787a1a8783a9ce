/// <reference types="node" />
// Settings' pure parts: sessions named in plain words, the storage bar's numbers, and the
// account forms' words for the three login failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeClient, isPhone } from '../src/features/settings/devices.ts';
import { formatPercent, storageView } from '../src/features/settings/storage.ts';
import { relativeTime } from '../src/features/settings/load.ts';
import { accountErrorText, newPasswordProblem, passwordStrength, sentence } from '../src/features/account/forms.tsx';
import { AppError } from '../src/shared/rpc.ts';

test('a session is named by its browser and system, or as the command line', () => {
  const cases: [string | null, string][] = [
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome on Linux'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36', 'Chrome (automated) on Linux'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 'Chrome on Android'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'Safari on iPhone'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', 'Safari on macOS'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 'Edge on Windows'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox on Windows'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15', 'Firefox on iPhone'],
    ['obscura-cli/0.1.0', 'Obscura command line 0.1.0'],
    ['node', 'A program using the Obscura SDK'],
    [null, 'Unknown device'],
    ['', 'Unknown device'],
  ];
  for (const [ua, words] of cases) assert.equal(describeClient(ua), words, String(ua));
  assert.equal(describeClient('x'.repeat(200)).length, 58, 'an unknown agent is cut to a line');
  assert.ok(isPhone(cases[2]![0]) && isPhone(cases[3]![0]));
  assert.ok(!isPhone(cases[0]![0]) && !isPhone(null));
});

test('the storage bar: parts of the allowance, the rest named, over-quota said', () => {
  const MB = 1024 * 1024;
  const v = storageView({ usedBytes: 30 * MB, quotaBytes: 100 * MB, charges: { ownPhotosBytes: 20 * MB, editorsPhotosBytes: 8 * MB, pendingUploadsBytes: 2 * MB } });
  assert.deepEqual(v.parts.map((p) => [p.key, Math.round(p.percent)]), [['own', 20], ['editors', 8], ['pending', 2]]);
  assert.equal(v.usedPercent, 30);
  assert.equal(v.freeBytes, 70 * MB);
  assert.equal(v.over, false);

  const older = storageView({ usedBytes: 5 * MB, quotaBytes: 10 * MB });
  assert.deepEqual(older.parts.map((p) => [p.key, p.bytes]), [['own', 5 * MB]], 'no breakdown from an older server: all is "your photos"');

  const unexplained = storageView({ usedBytes: 12, quotaBytes: 100, charges: { ownPhotosBytes: 10, editorsPhotosBytes: 0, pendingUploadsBytes: 0 } });
  assert.deepEqual(unexplained.parts.at(-1), { key: 'other', label: 'Other', bytes: 2, percent: 2 });

  const over = storageView({ usedBytes: 150, quotaBytes: 100, charges: { ownPhotosBytes: 150, editorsPhotosBytes: 0, pendingUploadsBytes: 0 } });
  assert.equal(over.over, true);
  assert.equal(over.freeBytes, 0);
  assert.equal(over.parts[0]!.percent, 100, 'the bar never overflows');
  assert.equal(storageView({ usedBytes: 0, quotaBytes: 0 }).usedPercent, 0);

  assert.equal(formatPercent(0), '0%');
  assert.equal(formatPercent(0.004), 'less than 0.1%');
  assert.equal(formatPercent(3.14159), '3.1%');
  assert.equal(formatPercent(42.6), '43%');
});

test('relative times for "last active"', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  assert.equal(relativeTime('2026-03-01T11:59:50Z', now), 'just now');
  assert.match(relativeTime('2026-03-01T11:55:00Z', now), /5 minutes ago/);
  assert.match(relativeTime('2026-02-28T12:00:00Z', now), /yesterday|1 day ago/);
});

test('the account forms tell a wrong password, too many attempts and no server apart', () => {
  assert.equal(accountErrorText(new AppError({ kind: 'api', status: 401, code: 'unauthorized', message: 'wrong email or password' })), 'Wrong email or password.');
  assert.equal(accountErrorText(new AppError({ kind: 'rate-limited', status: 429, retryAfterS: 42, message: 'too many login attempts for this email; try again in 42 s' })),
    'Too many attempts, try again in 42 s.');
  assert.equal(accountErrorText(new AppError({ kind: 'network', message: 'cannot reach the server at http://x: fetch failed' })),
    'Cannot reach the server. Check your connection and try again.');
  assert.equal(accountErrorText(new AppError({ kind: 'api', status: 409, message: 'no account was created' })), 'No account was created.');
  assert.equal(accountErrorText('The two passwords differ.'), 'The two passwords differ.');
  assert.equal(sentence('the current password is wrong; nothing was changed'), 'The current password is wrong; nothing was changed.');
});

test('a new password: typed twice the same, long enough, with a strength hint', () => {
  assert.match(newPasswordProblem('correct horse battery', 'correct horse batery') ?? '', /differ/);
  assert.match(newPasswordProblem('short', 'short') ?? '', /Too short/);
  assert.equal(newPasswordProblem('correct horse battery', 'correct horse battery'), undefined);
  assert.equal(passwordStrength('password1').score, 1);
  assert.match(passwordStrength('password1').text, /^Weak/);
  assert.equal(passwordStrength('Correct-Horse-Battery-Staple-9').score, 3);
});
