/// <reference types="node" />
// The share dialog's email handling ([Note: pasting a list of emails]): pasted lists, names
// around addresses, duplicates and case, and what counts as an address (as the server checks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addEmails, fingerprintGroups, isEmail, listWords, splitEmails } from '../src/features/sharing/emails.ts';

test('a pasted list: commas, semicolons, new lines and spaces', () => {
  assert.deepEqual(splitEmails('ana@example.org, bob@example.org;carol@example.org\n dan@example.org  eve@example.org'),
    ['ana@example.org', 'bob@example.org', 'carol@example.org', 'dan@example.org', 'eve@example.org']);
  assert.deepEqual(splitEmails(' ,; \n'), []);
});

test('names around addresses, as a mail client copies them, quoted names with commas included', () => {
  assert.deepEqual(splitEmails('Ana Lopez <ana@example.org>, "Lee, Chris" <lee@example.org>; bob@example.org'),
    ['ana@example.org', 'lee@example.org', 'bob@example.org']);
});

test('a typo stays visible as an entry that is not an address', () => {
  const list = addEmails([], 'ana@example.org, bob.example.org, carol@');
  assert.deepEqual(list, [
    { email: 'ana@example.org', valid: true },
    { email: 'bob.example.org', valid: false },
    { email: 'carol@', valid: false },
  ]);
});

test('addresses are trimmed, lower-cased and kept once, in the order given', () => {
  const first = addEmails([], 'Ana@Example.ORG bob@example.org');
  const next = addEmails(first, 'ana@example.org, BOB@example.org, carol@example.org');
  assert.deepEqual(next.map((e) => e.email), ['ana@example.org', 'bob@example.org', 'carol@example.org']);
});

test('what the server takes as an email', () => {
  for (const ok of ['a@b.co', 'first.last+tag@sub.example.org', "o'brien@example.ie"]) assert.ok(isEmail(ok), ok);
  for (const bad of ['', 'a@b', '@example.org', 'a@@example.org', 'a b@example.org', 'ana@example..org', `${'a'.repeat(250)}@b.co`]) assert.ok(!isEmail(bad), bad);
});

test('words for lists and fingerprints', () => {
  assert.equal(listWords([]), '');
  assert.equal(listWords(['a']), 'a');
  assert.equal(listWords(['a', 'b']), 'a and b');
  assert.equal(listWords(['a', 'b', 'c']), 'a, b and c');
  assert.deepEqual(fingerprintGroups('12345 67890 11111'), ['12345', '67890', '11111']);
  assert.deepEqual(fingerprintGroups('1234567890'), ['12345', '67890']);
});
