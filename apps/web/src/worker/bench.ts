// `npm run bench:web` measures, in this worker, the decrypt pipeline the viewer and downloads
// use (SDK decryptFile: per-block SHA-256 check against a verified manifest + AES-256-GCM)
// against raw WebCrypto AES-GCM over the same bytes. Random keys and bytes only: no user data.
import { decryptFile, encryptFile, newFileKey, newSigningKeyPair, signManifest, verifyManifest, type EncryptedBlock } from '@obscura/crypto';

const MiB = 1024 * 1024;

export const bench = {
  async decryptThroughput(totalMiB: number, rounds = 3): Promise<{ pipelineMBps: number; rawMBps: number; ratio: number }> {
    const plain = new Uint8Array(totalMiB * MiB);
    for (let i = 0; i < plain.length; i += 65536) crypto.getRandomValues(plain.subarray(i, Math.min(plain.length, i + 65536)));
    const fileKey = newFileKey();
    const fileId = crypto.randomUUID();
    const blocks: EncryptedBlock[] = [];
    for await (const b of encryptFile(fileKey, fileId, [plain])) blocks.push(b);
    const signer = await newSigningKeyPair();
    const signed = await signManifest(signer, {
      fileId, uploaderId: 'bench', blockHashes: blocks.map((b) => b.sha256), thumbnailHashes: {},
      metadataHash: new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(1))), plaintextSize: plain.length,
    });
    const manifest = await verifyManifest(signed.manifest, signed.signature, signer.publicKey, { fileId, uploaderId: 'bench' });

    const rawKey = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'AES-GCM', false, ['encrypt', 'decrypt']);
    const iv = new Uint8Array(12);
    const rawCts: ArrayBuffer[] = [];
    for (let i = 0; i < plain.length; i += 4 * MiB) {
      rawCts.push(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, rawKey, plain.subarray(i, Math.min(plain.length, i + 4 * MiB))));
    }

    let pipelineBest = Infinity;
    let rawBest = Infinity;
    for (let r = 0; r < rounds; r++) {
      let t0 = performance.now();
      const parts: Uint8Array[] = [];
      for await (const chunk of decryptFile(fileKey, fileId, manifest, blocks.map((b) => b.ciphertext))) parts.push(chunk);
      const blob = new Blob(parts as BlobPart[]);
      if (blob.size !== plain.length) throw new Error('pipeline decrypted a different size');
      pipelineBest = Math.min(pipelineBest, performance.now() - t0);
      t0 = performance.now();
      let n = 0;
      for (const ct of rawCts) n += (await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, rawKey, ct)).byteLength;
      if (n !== plain.length) throw new Error('raw decrypted a different size');
      rawBest = Math.min(rawBest, performance.now() - t0);
    }
    const mb = plain.length / 1e6;
    const pipelineMBps = mb / (pipelineBest / 1000);
    const rawMBps = mb / (rawBest / 1000);
    return { pipelineMBps, rawMBps, ratio: pipelineMBps / rawMBps };
  },
};
