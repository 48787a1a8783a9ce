// Writes the format vectors under vectors/format/ (run once per new format version:
//   npx tsx packages/crypto/test/gen-vectors.ts
// ). Never regenerate an existing file to make a test pass: the vectors are old data that
// must stay readable, so `write` keeps a file that exists (delete it by hand only if it was
// never committed). Inputs come from vector-inputs.ts and are deterministic; nonces and
// HPKE ephemeral keys are random, which is fine because the test opens what is stored.
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { primitives } from '#primitives';
import { toHex } from '../src/encoding.ts';
import { encryptFile } from '../src/file.ts';
import { encryptMetadata, encryptThumbnail, type FileMetadata } from '../src/file-blobs.ts';
import { signManifest } from '../src/manifest.ts';
import { wrapAlbumKeyForLink, wrapFileKeyForAlbum, wrapFileKeyForLibrary, wrapFileKeyForLink } from '../src/wrap.ts';
import { encryptAlbumMetadata } from '../src/album.ts';
import { sealAlbumKey, sealMessage } from '../src/seal.ts';
import { albumStateHash, signAlbumState } from '../src/album-state.ts';
import { deriveLinkKeys, encodeLinkPasswordParams } from '../src/link.ts';
import { createAccount, serializeAccountBundle } from '../src/account.ts';
import { fingerprint } from '../src/fingerprint.ts';
import { contentHash } from '../src/content-hash.ts';
import { contentHashKeyFromBytes } from '../src/keys.ts';
import { COMPUTED_SIZES, STORED_SIZES, VECTORS_DIR, albumStateInputs, fixed, pattern, seed } from './vector-inputs.ts';

const write = (name: string, value: unknown) => {
  mkdirSync(VECTORS_DIR, { recursive: true });
  const file = new URL(name, VECTORS_DIR);
  if (existsSync(file)) {
    console.log('kept', name, '(old data: never regenerated)');
    return;
  }
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
  console.log('wrote', name);
};
const { fileKey, fileId, alice, bob } = fixed;

async function blocksOf(size: number) {
  const out = [];
  for await (const b of encryptFile(fileKey, fileId, [pattern(size)])) out.push(b);
  return out;
}

const stored = [];
for (const size of STORED_SIZES) {
  stored.push({ size, plaintextHex: toHex(pattern(size)), blocks: (await blocksOf(size)).map((b) => ({ index: b.index, last: b.last, ciphertextHex: toHex(b.ciphertext), sha256Hex: toHex(b.sha256) })) });
}
const computed = [];
for (const size of COMPUTED_SIZES) {
  computed.push({ size, plaintext: 'pattern', blocks: (await blocksOf(size)).map((b) => ({ index: b.index, last: b.last, ciphertextLength: b.ciphertext.length, sha256Hex: toHex(b.sha256) })) });
}
write('file-blocks.json', {
  description: 'File format v1 blocks. fileKey = seed("file-key"); plaintext byte i = (i*31+7) mod 256 ("pattern").',
  fileKeyHex: toHex(fileKey), fileId, stored, computed,
});

const meta: FileMetadata = {
  name: 'IMG_0001.JPG', mimeType: 'image/jpeg', capturedAt: 1_700_000_000_000, captureSource: 'exif', size: 1000,
  width: 640, height: 480, cameraMake: 'Canon', cameraModel: 'EOS R', gps: { latitude: 52.52, longitude: 13.405 },
};
const metadataBlob = await encryptMetadata(fileKey, fileId, meta);
const thumbSmall = await encryptThumbnail(fileKey, fileId, 'small', pattern(300));
const thumbLarge = await encryptThumbnail(fileKey, fileId, 'large', pattern(900));
const albumMeta = { name: 'Holidays 2024', description: 'Berlin' };
write('metadata.json', {
  description: 'Thumbnail, file metadata and album metadata blobs, version 1 (random nonces; open and compare).',
  fileKeyHex: toHex(fileKey), fileId,
  metadata: meta, metadataBlobHex: toHex(metadataBlob),
  thumbnails: { small: { plaintextLength: 300, blobHex: toHex(thumbSmall) }, large: { plaintextLength: 900, blobHex: toHex(thumbLarge) } },
  album: { albumId: fixed.albumKey.albumId, epoch: fixed.albumKey.epoch, keyHex: toHex(fixed.albumKey.key), metadata: albumMeta, blobHex: toHex(await encryptAlbumMetadata(fixed.albumKey, albumMeta)) },
});

const blocks1000 = await blocksOf(1000);
const manifestInput = {
  fileId, uploaderId: 'alice', blockHashes: blocks1000.map((b) => b.sha256), plaintextSize: 1000,
  thumbnailHashes: { small: await primitives.sha256(thumbSmall), large: await primitives.sha256(thumbLarge) },
  metadataHash: await primitives.sha256(metadataBlob),
};
const signed = await signManifest(alice.signingKeys, manifestInput);
write('manifest.json', {
  description: 'Manifest v1 of the 1000-byte file in file-blocks.json, with the thumbnails and metadata of metadata.json; Ed25519 signer = seed("alice-ed25519").',
  signerPublicKeyHex: toHex(alice.signingKeys.publicKey), fileId, uploaderId: 'alice',
  manifestHex: toHex(signed.manifest), signatureHex: toHex(signed.signature),
});

write('wrapped-keys.json', {
  description: 'Wrapped keys v1 (random nonces; unwrap and compare). Wrapping keys are seeds of their labels.',
  fileKeyHex: toHex(fileKey),
  library: { libraryKeyHex: toHex(fixed.libraryKey), fileId, ownerId: 'alice', wrappedHex: toHex(await wrapFileKeyForLibrary(fixed.libraryKey, fileKey, { fileId, ownerId: 'alice' })) },
  album: { albumId: fixed.albumKey.albumId, epoch: fixed.albumKey.epoch, albumKeyHex: toHex(fixed.albumKey.key), fileId, wrappedHex: toHex(await wrapFileKeyForAlbum(fixed.albumKey, fileKey, { fileId })) },
  linkFile: { linkKeyHex: toHex(fixed.linkKey), linkId: 'link-1', fileId, wrappedHex: toHex(await wrapFileKeyForLink(fixed.linkKey, fileKey, { linkId: 'link-1', fileId })) },
  linkAlbum: { linkKeyHex: toHex(fixed.linkKey), linkId: 'link-1', albumId: fixed.albumKey.albumId, epoch: fixed.albumKey.epoch, albumKeyHex: toHex(fixed.albumKey.key), wrappedHex: toHex(await wrapAlbumKeyForLink(fixed.linkKey, fixed.albumKey, { linkId: 'link-1' })) },
});

const invitation = new TextEncoder().encode('{"albumId":"album-vector","role":"contributor"}');
// The checked-in `message` of sealed.json is a kind 2 (unpadded) box, written before messages
// were padded; sealMessage now writes kind 3, so this file cannot be made again as it is.
write('sealed.json', {
  description: 'Sealed boxes v1 from alice to bob (HPKE ephemeral keys random; open and compare). Keys are seeds of their labels.',
  alice: { userId: 'alice', ed25519PublicKeyHex: toHex(alice.signingKeys.publicKey) },
  bob: { userId: 'bob', x25519PrivateKeyHex: toHex(bob.boxKeys.privateKey), x25519PublicKeyHex: toHex(bob.boxKeys.publicKey) },
  albumKey: { albumId: fixed.albumKey.albumId, epoch: fixed.albumKey.epoch, keyHex: toHex(fixed.albumKey.key), sealedHex: toHex(await sealAlbumKey({ sender: alice, recipient: { userId: 'bob', x25519PublicKey: bob.boxKeys.publicKey }, albumKey: fixed.albumKey })) },
  message: { topic: 'invite:album-vector', messageHex: toHex(invitation), sealedHex: toHex(await sealMessage({ sender: alice, recipient: { userId: 'bob', x25519PublicKey: bob.boxKeys.publicKey }, topic: 'invite:album-vector', message: invitation })) },
});

const longMessage = pattern(300);
write('sealed-padded.json', {
  description: 'Sealed messages v1 kind 3 (padded to a multiple of 256 bytes) from alice to bob; keys as in sealed.json (HPKE ephemeral keys random; open and compare).',
  alice: { userId: 'alice', ed25519PublicKeyHex: toHex(alice.signingKeys.publicKey) },
  bob: { userId: 'bob', x25519PrivateKeyHex: toHex(bob.boxKeys.privateKey), x25519PublicKeyHex: toHex(bob.boxKeys.publicKey) },
  messages: [
    { topic: 'invite:album-vector', messageHex: toHex(invitation), sealedHex: toHex(await sealMessage({ sender: alice, recipient: { userId: 'bob', x25519PublicKey: bob.boxKeys.publicKey }, topic: 'invite:album-vector', message: invitation })) },
    { topic: 'invite:album-vector', messageHex: toHex(longMessage), sealedHex: toHex(await sealMessage({ sender: alice, recipient: { userId: 'bob', x25519PublicKey: bob.boxKeys.publicKey }, topic: 'invite:album-vector', message: longMessage })) },
  ],
});

{
  const { genesis, second } = await albumStateInputs();
  const s1 = await signAlbumState(alice.signingKeys, genesis);
  const s2 = await signAlbumState(alice.signingKeys, await second(await albumStateHash(s1.state)));
  write('album-state.json', {
    description: 'Owner-signed album states v1 (deterministic): genesis (seq 1, epoch 1, no members) and state 2 (epoch 2, bob as editor), signed by alice = seed("alice-ed25519"). Inputs in vector-inputs.ts albumStateInputs(); re-encode, re-sign and compare, verify, chain.',
    ownerPublicKeyHex: toHex(alice.signingKeys.publicKey),
    states: [s1, s2].map((s) => ({ stateHex: toHex(s.state), signatureHex: toHex(s.signature) })),
  });
}

const linkParams = { salt: seed('link-salt').subarray(0, 16), kdf: fixed.tinyKdf };
const noPw = await deriveLinkKeys(fixed.linkSecret, undefined);
const withPw = await deriveLinkKeys(fixed.linkSecret, 'link password', linkParams);
write('link.json', {
  description: 'Link key derivation v1 (deterministic): recompute and compare.',
  secret: fixed.linkSecret,
  withoutPassword: { linkKeyHex: toHex(noPw.linkKey), accessProofHex: toHex(noPw.accessProof), accessVerifierHex: toHex(noPw.accessVerifier) },
  withPassword: {
    password: 'link password', paramsHex: toHex(encodeLinkPasswordParams(linkParams)),
    linkKeyHex: toHex(withPw.linkKey), accessProofHex: toHex(withPw.accessProof), accessVerifierHex: toHex(withPw.accessVerifier),
  },
});

const account = await createAccount('vector password', fixed.tinyKdf);
write('account.json', {
  description: 'Account envelopes v1 with tiny Argon2id params (m=64 KiB, t=1, p=1; tests only). Open both and compare the bundle.',
  password: 'vector password', recoveryKey: account.recoveryKey,
  bundleHex: toHex(serializeAccountBundle(account.bundle)),
  publicKeys: { x25519Hex: toHex(account.publicKeys.x25519), ed25519Hex: toHex(account.publicKeys.ed25519) },
  passwordEnvelopeHex: toHex(account.passwordEnvelope), recoveryEnvelopeHex: toHex(account.recoveryEnvelope),
});

const chk = contentHashKeyFromBytes(seed('content-hash-key'));
write('identity.json', {
  description: 'Fingerprint v1 of alice\'s public keys and the keyed content hash v1 (deterministic).',
  x25519PublicKeyHex: toHex(alice.boxKeys.publicKey), ed25519PublicKeyHex: toHex(alice.signingKeys.publicKey),
  fingerprint: await fingerprint({ x25519: alice.boxKeys.publicKey, ed25519: alice.signingKeys.publicKey }),
  contentHashKeyHex: toHex(chk), plaintextSha256Hex: toHex(await primitives.sha256(pattern(1000))),
  contentHash: await contentHash(chk, await primitives.sha256(pattern(1000))),
});
