// The encrypted library: upload (dedupe, resume, bounded parallel blocks), download with
// verification, thumbnails, trash/restore/delete. Every plaintext byte stays in this process.
import {
  encryptFile, encryptMetadata, encryptThumbnail, decryptMetadata, decryptThumbnail, decryptFile,
  signManifest, verifyManifest, checkBlob, wrapFileKeyForLibrary, unwrapFileKeyForLibrary, wrapFileKeyForAlbum, newFileKey,
  contentHash, sha256Stream, toBase64, fromBase64, toHex, fromHex, CryptoError,
  type FileKey, type FileMetadata, type Manifest, type BlockHasher, type ThumbnailSize, type AlbumEpochKey,
} from '@obscura/crypto';
import type { FileInfo, LookupResult } from '@obscura/protocol';
import { detectKind, readMediaMetadata, type KindInfo, type RandomAccessSource } from './media/index.ts';
import { mapConcurrent } from './concurrency.ts';
import { ApiError, IntegrityError, UsageError, verifying } from './errors.ts';
import { KeyChangedError, KeyPins } from './keys.ts';
import type { Session } from './session.ts';

export interface Thumbnails {
  readonly small: Uint8Array;
  readonly large: Uint8Array;
  readonly placeholder: boolean;
}
/** Makes JPEG thumbnails (sharp in Node, canvas in browsers). */
export type Thumbnailer = (source: RandomAccessSource, kind: KindInfo & { kind: 'photo' | 'video' }, durationMs?: number) => Promise<Thumbnails>;

export interface UploadProgress {
  readonly name: string;
  readonly phase: 'hashing' | 'preparing' | 'uploading' | 'done';
  /** plaintext bytes of this file processed in the current phase */
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface UploadOptions {
  readonly thumbnailer: Thumbnailer;
  readonly onProgress?: (p: UploadProgress) => void;
  /** Blocks in flight at once (memory ≈ concurrency × 4 MiB). Default 3. */
  readonly concurrency?: number;
  readonly hasher?: BlockHasher;
  /** Digest already computed (e.g. from a backup cache). */
  readonly digest?: ContentDigest;
  /** Upload straight into this album (its current epoch key) instead of my library. */
  readonly album?: AlbumEpochKey;
  /** Told at once of each server answer refused on the way (also listed in the result). */
  readonly onWarning?: (w: DuplicateWarning) => void;
  /**
   * Stops the upload (see [Note: cancelling an upload]): checked while reading, between blocks and
   * before each request; throws the signal's reason (an AbortError by default).
   */
  readonly signal?: AbortSignal;
  /** Told the id of the new file once the server holds it as a pending upload (e.g. to discard it after a cancel). */
  readonly onCreated?: (fileId: string) => void;
}

/** SHA-256 of the original, and this account's keyed hash of it (for duplicate detection). */
export interface ContentDigest {
  readonly sha256Hex: string;
  readonly contentHash: string;
}

export type UploadResult =
  | {
    readonly status: 'uploaded' | 'resumed' | 'duplicate'; readonly fileId: string; readonly name: string; readonly contentHash: string;
    /** Server answers refused on the way (the file was uploaded all the same); absent when none. */
    readonly warnings?: readonly DuplicateWarning[];
  }
  | { readonly status: 'skipped'; readonly name: string; readonly reason: string };

/** A local file to look up in my library: its digest, and a name (or path) for warnings. */
export interface DuplicateQuery extends ContentDigest {
  readonly name?: string;
}

/**
 * The server named a photo of my library as a copy of a local file (complete) or as its
 * interrupted upload (pending), and the client refused it ([Note: verify duplicates]): the
 * photo's content differs, it fails verification, or it carries no content hash to check. The
 * local file is uploaded (afresh); the photo named is left alone.
 */
export interface DuplicateWarning {
  readonly type: 'unverified-duplicate';
  /** The local file: the query's name, or its SHA-256 when it had none. */
  readonly file: string;
  readonly contentHash: string;
  /** The photo the server named. */
  readonly fileId: string;
  readonly claimed: 'complete' | 'pending';
  readonly reason: 'content-differs' | 'no-content-hash' | 'refused';
  /** One sentence for people, saying what was named, what is wrong and what was done. */
  readonly message: string;
}

/** What is verifiably in my library already, by keyed content hash. */
export interface VerifiedDuplicates {
  /** keyed hash → a complete photo of my library whose signed metadata holds the same SHA-256 */
  readonly complete: ReadonlyMap<string, string>;
  /**
   * keyed hash → an interrupted upload that opens as mine and whose metadata holds the same
   * SHA-256 (or none, from older versions); resuming it still checks every block against its
   * signed manifest, and uploads afresh (with a warning) on a mismatch.
   */
  readonly pending: ReadonlyMap<string, string>;
  /** One per query whose server answer was refused; those files are not in either map. */
  readonly warnings: readonly DuplicateWarning[];
}

/** What it takes to download and verify a photo's content. */
export interface PhotoKeys {
  readonly fileId: string;
  readonly manifest: Manifest;
  readonly fileKey: FileKey;
}

export interface OpenedPhoto extends PhotoKeys {
  readonly info: FileInfo;
  readonly metadata: FileMetadata;
  /** Whose key signed it (verified). */
  readonly uploader: { readonly id: string; readonly displayName: string };
}

const BATCH = 1000;
/** Photos opened at once when verifying lookup answers (one small getFile each). */
const VERIFY_CONCURRENCY = 32;

/**
 * Why opening a photo the server named is a refusal of its answer (a string), or undefined
 * when the error is not about that photo (network, session, server down) and must propagate.
 */
function refusalOf(e: unknown): string | undefined {
  if (e instanceof IntegrityError) return e.reason;
  if (e instanceof KeyChangedError) return e.message;
  if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 429) return `the server answered: ${e.message}`;
  return undefined;
}

function duplicateWarning(w: Omit<DuplicateWarning, 'type' | 'message'>, detail?: string): DuplicateWarning {
  const named = w.claimed === 'complete'
    ? `the server named photo ${w.fileId} as a copy of ${w.file}`
    : `the server named the interrupted upload ${w.fileId} as one of ${w.file}`;
  const why = w.reason === 'content-differs'
    ? (detail ?? 'but its content differs')
    : w.reason === 'no-content-hash'
      ? 'but that photo carries no content hash to check it against (uploaded by an older version)'
      : `but it failed verification: ${detail ?? 'unknown reason'}`;
  const done = w.claimed === 'complete' ? `uploading ${w.file}` : `uploading ${w.file} afresh`;
  return { type: 'unverified-duplicate', ...w, message: `${named}, ${why}; ${done}` };
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return sha256Stream([bytes]);
}

export class Library {
  readonly pins: KeyPins;
  private readonly hasher: BlockHasher | undefined;
  /**
   * `hasher`: how block ciphertexts are hashed (default: the platform's SHA-256; in Node,
   * `@obscura/sdk/node` passes a worker-thread hasher that overlaps AES-GCM).
   */
  constructor(readonly session: Session, opts: { pins?: KeyPins; hasher?: BlockHasher } = {}) {
    this.pins = opts.pins ?? new KeyPins();
    this.hasher = opts.hasher;
  }

  private streamOptions(opts?: UploadOptions) {
    const hasher = opts?.hasher ?? this.hasher;
    return hasher ? { hasher } : {};
  }

  private get api() {
    return this.session.api;
  }

  /** SHA-256 and keyed content hash of a file (the keyed hash is equal only within this account). */
  async digestOf(source: RandomAccessSource, onBytes?: (n: number) => void, signal?: AbortSignal): Promise<ContentDigest> {
    const counted = async function* (it: AsyncIterable<Uint8Array>) {
      let n = 0;
      for await (const c of it) {
        signal?.throwIfAborted();
        n += c.length;
        onBytes?.(n);
        yield c;
      }
    };
    const digest = await sha256Stream(counted(source.stream()));
    return { sha256Hex: toHex(digest), contentHash: await contentHash(this.session.bundle.contentHashKey, digest) };
  }

  /** This account's keyed hash of a SHA-256 given as hex (e.g. from a shared photo's metadata). */
  async keyedHashOf(sha256Hex: string): Promise<string> {
    return contentHash(this.session.bundle.contentHashKey, fromHex(sha256Hex));
  }

  /**
   * Which of these keyed hashes the SERVER SAYS are already in my library (pending uploads
   * included). Unverified: never skip or reuse a file on this answer alone; use
   * `verifiedDuplicates` / `findVerifiedDuplicate` ([Note: verify duplicates]).
   */
  async lookup(hashes: readonly string[]): Promise<Map<string, LookupResult['matches'][number]>> {
    const out = new Map<string, LookupResult['matches'][number]>();
    for (let i = 0; i < hashes.length; i += BATCH) {
      const chunk = [...new Set(hashes.slice(i, i + BATCH))];
      if (chunk.length === 0) continue;
      const r = await this.api.call('libraryLookup', { body: { contentHashes: chunk } });
      for (const m of r.matches) out.set(m.contentHash, m);
    }
    return out;
  }

  // [Note: verify duplicates]
  // The server answers "is this keyed hash in my library?" and could name any photo of mine,
  // say a private one, for a new file: a backup would then skip a file never uploaded, and an
  // album upload would add that private photo to a shared album. So a named photo counts only
  // once it opens as mine (manifest signature, key wrapped under my library key, metadata
  // against the manifest) and its encrypted metadata carries the local file's SHA-256. That
  // costs one getFile per named photo (no block is downloaded), concurrently. Any other answer
  // is a DuplicateWarning and the file is treated as not backed up: uploading it again is
  // always safe, skipping it is not. A named interrupted upload is checked the same way and
  // then, while resuming, every local block must encrypt to its signed manifest's hash.

  /**
   * Which of these local files are verifiably in my library already ([Note: verify
   * duplicates]). Files the server names wrongly are in neither map but in `warnings` (each
   * also passed to `onWarning`). Network and session errors propagate.
   */
  async verifiedDuplicates(queries: readonly DuplicateQuery[], opts: { onWarning?: (w: DuplicateWarning) => void } = {}): Promise<VerifiedDuplicates> {
    const { hits, warnings } = await this.checkedLookup(queries, opts.onWarning);
    const complete = new Map<string, string>();
    const pending = new Map<string, string>();
    for (const [hash, hit] of hits) (hit.status === 'complete' ? complete : pending).set(hash, hit.photo.fileId);
    return { complete, pending, warnings };
  }

  /**
   * The id of a complete photo of my library verified to hold the same content as this local
   * file, or undefined (then upload it). A wrong server answer is passed to `onWarning`.
   */
  async findVerifiedDuplicate(query: DuplicateQuery, opts: { onWarning?: (w: DuplicateWarning) => void } = {}): Promise<string | undefined> {
    return (await this.verifiedDuplicates([query], opts)).complete.get(query.contentHash);
  }

  /** Looks up, then opens each photo named and keeps those whose metadata holds the same SHA-256. */
  private async checkedLookup(
    queries: readonly DuplicateQuery[], onWarning?: (w: DuplicateWarning) => void,
  ): Promise<{ hits: Map<string, { status: 'complete' | 'pending'; photo: OpenedPhoto }>; warnings: DuplicateWarning[] }> {
    const byHash = new Map<string, DuplicateQuery[]>();
    for (const q of queries) byHash.set(q.contentHash, [...(byHash.get(q.contentHash) ?? []), q]);
    const claims = await this.lookup([...byHash.keys()]);
    const named = [...byHash].filter(([hash]) => claims.has(hash));
    const verdicts = await mapConcurrent(named, VERIFY_CONCURRENCY, async ([hash, qs]) => {
      const claim = claims.get(hash)!;
      const claimed = claim.status;
      const refuse = (reason: DuplicateWarning['reason'], detail?: string) =>
        ({ hash, warnings: qs.map((q) => duplicateWarning({ file: q.name ?? `the file with SHA-256 ${q.sha256Hex}`, contentHash: hash, fileId: claim.fileId, claimed, reason }, detail)) });
      let photo: OpenedPhoto;
      try {
        photo = await this.open(claim.fileId);
      } catch (e) {
        const why = refusalOf(e);
        if (why === undefined) throw e;
        return refuse('refused', why);
      }
      const sha = photo.metadata.contentSha256Hex;
      // A pending upload without a content hash (older versions) may still be resumed: the
      // resume checks every block against its signed manifest, which a complete photo skips.
      if (sha === undefined && claimed === 'complete') return refuse('no-content-hash');
      if (sha !== undefined && !qs.every((q) => q.sha256Hex.toLowerCase() === sha.toLowerCase())) return refuse('content-differs');
      return { hash, hit: { status: claimed, photo } };
    });
    const hits = new Map<string, { status: 'complete' | 'pending'; photo: OpenedPhoto }>();
    const warnings: DuplicateWarning[] = [];
    for (const v of verdicts) {
      if ('hit' in v) hits.set(v.hash, v.hit);
      else warnings.push(...v.warnings);
    }
    for (const w of warnings) onWarning?.(w);
    return { hits, warnings };
  }

  /**
   * Uploads one photo or video. Skips non-media (with the reason), returns the existing id
   * for a file verifiably already in the library, and resumes an interrupted upload of the
   * same file; a wrong duplicate answer from the server is listed in `warnings` and the file
   * is uploaded ([Note: verify duplicates]).
   */
  async upload(source: RandomAccessSource, opts: UploadOptions): Promise<UploadResult> {
    opts.signal?.throwIfAborted();
    const kind = await detectKind(source);
    if (kind.kind === 'other') return { status: 'skipped', name: source.name, reason: kind.reason };
    const progress = (phase: UploadProgress['phase'], bytesDone: number) =>
      opts.onProgress?.({ name: source.name, phase, bytesDone, bytesTotal: source.size });
    const digest = opts.digest ?? (await this.digestOf(source, (n) => progress('hashing', n), opts.signal));
    const hash = digest.contentHash;
    const warnings: DuplicateWarning[] = [];
    const warn = (w: DuplicateWarning) => {
      warnings.push(w);
      opts.onWarning?.(w);
    };
    const result = (status: 'uploaded' | 'resumed' | 'duplicate', fileId: string): UploadResult =>
      ({ status, fileId, name: source.name, contentHash: hash, ...(warnings.length > 0 ? { warnings } : {}) });
    // [Note: dedupe is per library] an album upload goes to the album owner's storage, so
    // it is never matched against (or resumed from) my own library.
    opts.signal?.throwIfAborted();
    const existing = opts.album ? undefined : (await this.checkedLookup([{ ...digest, name: source.name }], warn)).hits.get(hash);
    if (existing?.status === 'complete') {
      progress('done', source.size);
      return result('duplicate', existing.photo.fileId);
    }
    if (existing?.status === 'pending') {
      const resumed = await this.resume(existing.photo, source, hash, opts, progress, warn);
      if (resumed) return result('resumed', existing.photo.fileId);
    }
    const { fileId, fileKey } = await this.create(source, kind, digest, opts, progress);
    await this.sendBlocks(fileId, fileKey, source, new Set(), opts, progress);
    opts.signal?.throwIfAborted();
    await this.api.call('completeFile', { params: { fileId } });
    progress('done', source.size);
    return result('uploaded', fileId);
  }

  private async create(
    source: RandomAccessSource, kind: KindInfo & { kind: 'photo' | 'video' }, digest: ContentDigest, opts: UploadOptions,
    progress: (phase: UploadProgress['phase'], n: number) => void,
  ): Promise<{ fileId: string; fileKey: FileKey }> {
    const { session } = this;
    const media = await readMediaMetadata(source, kind);
    const thumbs = await opts.thumbnailer(source, kind, media.durationMs);
    const fileId = crypto.randomUUID();
    const fileKey = newFileKey();
    // [Note: two passes] the manifest (and the server's per-block hash check) needs every
    // block's ciphertext hash before the first block is sent, so the content is encrypted
    // once to hash it and again to send it. Encryption is deterministic per (key, id,
    // index), so both passes produce the same bytes, and a resumed upload can re-create
    // any block without having kept it.
    const blocks: { size: number; sha256Hex: string; hash: Uint8Array }[] = [];
    let done = 0;
    for await (const b of encryptFile(fileKey, fileId, source.stream(), this.streamOptions(opts))) {
      opts.signal?.throwIfAborted();
      blocks.push({ size: b.ciphertext.length, sha256Hex: toHex(b.sha256), hash: b.sha256 });
      done += b.plaintextLength;
      progress('preparing', done);
    }
    if (done !== source.size) throw new UsageError(`${source.name} changed while being read (${done} of ${source.size} bytes); try again`);
    const metadata: FileMetadata = {
      name: source.name, mimeType: media.mimeType, capturedAt: media.capturedAt, captureSource: media.captureSource, size: source.size,
      ...(media.width !== undefined ? { width: media.width } : {}), ...(media.height !== undefined ? { height: media.height } : {}),
      ...(media.durationMs !== undefined ? { durationMs: media.durationMs } : {}),
      ...(media.cameraMake ? { cameraMake: media.cameraMake } : {}), ...(media.cameraModel ? { cameraModel: media.cameraModel } : {}),
      ...(media.gps ? { gps: media.gps } : {}),
      contentSha256Hex: digest.sha256Hex,
    };
    const metadataCt = await encryptMetadata(fileKey, fileId, metadata);
    const smallCt = await encryptThumbnail(fileKey, fileId, 'small', thumbs.small);
    const largeCt = await encryptThumbnail(fileKey, fileId, 'large', thumbs.large);
    const { manifest, signature } = await signManifest(session.bundle.signingKeys, {
      fileId, uploaderId: session.user.id, blockHashes: blocks.map((b) => b.hash), plaintextSize: source.size,
      thumbnailHashes: { small: await sha256(smallCt), large: await sha256(largeCt) }, metadataHash: await sha256(metadataCt),
    });
    const wrapped = opts.album
      ? await wrapFileKeyForAlbum(opts.album, fileKey, { fileId })
      : await wrapFileKeyForLibrary(session.bundle.libraryKey, fileKey, { fileId, ownerId: session.user.id });
    opts.signal?.throwIfAborted();
    await this.api.call('createFile', {
      body: {
        fileId, blockCount: blocks.length, blocks: blocks.map(({ size, sha256Hex }) => ({ size, sha256Hex })),
        encryptedSize: blocks.reduce((a, b) => a + b.size, 0),
        manifestB64: toBase64(manifest), signatureB64: toBase64(signature), metadataB64: toBase64(metadataCt),
        thumbnailSmallB64: toBase64(smallCt), thumbnailLargeB64: toBase64(largeCt), wrappedKeyB64: toBase64(wrapped), contentHash: digest.contentHash,
        ...(opts.album ? { album: { albumId: opts.album.albumId, epoch: opts.album.epoch } } : {}),
      },
    });
    opts.onCreated?.(fileId);
    return { fileId, fileKey };
  }

  /**
   * Re-sends the missing blocks of a pending upload (opened and checked by checkedLookup).
   * False if the local file does not match it block for block ([Note: verify duplicates]), or
   * if the server cannot finish it ([Note: a broken pending upload is discarded]): then the
   * caller uploads the file afresh.
   */
  private async resume(
    photo: OpenedPhoto, source: RandomAccessSource, contentHash: string, opts: UploadOptions,
    progress: (phase: UploadProgress['phase'], n: number) => void, warn: (w: DuplicateWarning) => void,
  ): Promise<boolean> {
    const { fileId } = photo;
    if (photo.manifest.plaintextSize !== undefined && photo.manifest.plaintextSize !== source.size) return false;
    opts.signal?.throwIfAborted();
    try {
      const status = await this.api.call('uploadStatus', { params: { fileId } });
      await this.sendBlocks(fileId, photo.fileKey, source, new Set(status.storedBlocks), opts, progress, photo.manifest);
      opts.signal?.throwIfAborted();
      await this.api.call('completeFile', { params: { fileId } });
    } catch (e) {
      if (e instanceof IntegrityError) {
        warn(duplicateWarning(
          { file: source.name, contentHash, fileId, claimed: 'pending', reason: 'content-differs' },
          `but it does not match ${source.name} block for block (${e.reason}; the answer is wrong, or ${source.name} changed since it was hashed)`,
        ));
        return false;
      }
      if (e instanceof ApiError && (e.status === 404 || e.status === 409) && (await this.discardUnfinishable(fileId))) return false;
      throw e;
    }
    progress('done', source.size);
    return true;
  }

  // [Note: a broken pending upload is discarded]
  // A pending upload can be one the server will never complete: a server stopped half-way
  // through creating it (older servers kept the file without its large thumbnail and answered
  // every resume with 409 "create the file again" until their sweeper dropped it; newer ones
  // discard it themselves at that 409), or one swept or cancelled meanwhile (404). Resuming it again would fail the same way
  // at every backup, so it is discarded (quota refunded) and the file uploaded afresh. Only a
  // file the server still reports as pending is discarded: a complete one is never touched.

  /** Discards a pending upload that cannot be finished; true once it is gone, false if it completed after all. */
  private async discardUnfinishable(fileId: string): Promise<boolean> {
    const gone = (e: unknown) => e instanceof ApiError && e.status === 404;
    try {
      if ((await this.api.call('uploadStatus', { params: { fileId } })).status !== 'pending') return false;
      await this.deleteForever([fileId]);
    } catch (e) {
      if (!gone(e)) throw e;
    }
    return true;
  }

  private async sendBlocks(
    fileId: string, fileKey: FileKey, source: RandomAccessSource, stored: ReadonlySet<number>, opts: UploadOptions,
    progress: (phase: UploadProgress['phase'], n: number) => void, manifest?: Manifest,
  ): Promise<void> {
    const limit = Math.max(1, opts.concurrency ?? 3);
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    let done = 0;
    // [Note: cancelling an upload] the block requests already sent are let finish before the
    // abort is thrown, so a caller that discards the pending file after a cancel never races a
    // block still being stored.
    const aborted = async () => {
      if (!opts.signal?.aborted) return;
      await Promise.allSettled(inFlight);
      opts.signal.throwIfAborted();
    };
    for await (const b of encryptFile(fileKey, fileId, source.stream(), this.streamOptions(opts))) {
      await aborted();
      if (failure) break;
      if (manifest && toHex(b.sha256) !== toHex(manifest.blockHashes[b.index] ?? new Uint8Array())) {
        throw new IntegrityError(fileId, `block ${b.index} of the local file differs from the interrupted upload`);
      }
      if (stored.has(b.index)) {
        done += b.plaintextLength;
        progress('uploading', done);
        continue;
      }
      const p: Promise<void> = this.api.upload('putBlock', { fileId, index: b.index }, b.ciphertext).then(
        () => { done += b.plaintextLength; progress('uploading', done); },
        (e: unknown) => { failure ??= e; },
      ).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= limit) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    await aborted();
    if (failure) throw failure;
  }

  /** Fetches a photo's record and verifies its signature, key and metadata. */
  async open(fileId: string): Promise<OpenedPhoto> {
    const info = await this.api.call('getFile', { params: { fileId } });
    return verifying(fileId, async () => {
      if (info.fileId !== fileId) throw new CryptoError('wrong-context', `the server answered with photo ${info.fileId}`);
      const signer = this.pins.signingKeyOf(this.session, info.uploader);
      const manifest = await verifyManifest(fromBase64(info.manifestB64), fromBase64(info.signatureB64), signer, { fileId, uploaderId: info.uploader.id });
      const fileKey = await unwrapFileKeyForLibrary(this.session.bundle.libraryKey, fromBase64(info.wrappedKeyB64), { fileId, ownerId: this.session.user.id });
      const metadataCt = fromBase64(info.metadataB64);
      await checkBlob(manifest, 'metadata', metadataCt);
      const metadata = await decryptMetadata(fileKey, fileId, metadataCt);
      if (info.blocks.length !== manifest.blockHashes.length) {
        throw new CryptoError('manifest-mismatch', `the server lists ${info.blocks.length} blocks, the signed manifest ${manifest.blockHashes.length}`);
      }
      return { fileId, info, manifest, metadata, fileKey, uploader: { id: info.uploader.id, displayName: info.uploader.displayName } };
    });
  }

  /** The original's bytes, verified block by block against the signed manifest. */
  async *download(photo: PhotoKeys, opts: { prefetch?: number } = {}): AsyncGenerator<Uint8Array> {
    const { fileId } = photo;
    const api = this.api;
    const count = photo.manifest.blockHashes.length;
    const prefetch = Math.max(1, opts.prefetch ?? 2);
    async function* fetched() {
      const queue: Promise<Uint8Array>[] = [];
      let next = 0;
      // A prefetched block whose request fails after an earlier failure must not become an
      // unhandled rejection: mark each as handled here; awaiting it below still throws.
      const get = () => {
        const p = api.download('getBlock', { fileId, index: next++ });
        p.catch(() => undefined);
        return p;
      };
      while (next < count && queue.length < prefetch) queue.push(get());
      while (queue.length) {
        const b = await queue.shift()!;
        if (next < count) queue.push(get());
        yield b;
      }
    }
    const it = decryptFile(photo.fileKey, fileId, photo.manifest, fetched(), this.streamOptions());
    try {
      for (;;) {
        const r = await it.next().catch((e: unknown) => {
          if (e instanceof CryptoError) throw new IntegrityError(fileId, e.message, { cause: e });
          throw e;
        });
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await it.return(undefined);
    }
  }

  /**
   * A thumbnail, checked against the signed manifest and decrypted. `ciphertext` replaces the
   * request (e.g. a browser cache of what the server sent); its bytes are checked all the same.
   */
  async thumbnail(photo: PhotoKeys, size: ThumbnailSize, ciphertext?: (size: ThumbnailSize) => Promise<Uint8Array>): Promise<Uint8Array> {
    const ct = ciphertext ? await ciphertext(size) : await this.api.download('getThumbnail', { fileId: photo.fileId, size });
    return verifying(photo.fileId, async () => {
      await checkBlob(photo.manifest, size === 'small' ? 'thumbnail-small' : 'thumbnail-large', ct);
      return decryptThumbnail(photo.fileKey, photo.fileId, size, ct);
    });
  }

  async trash(fileIds: readonly string[]) {
    return (await this.api.call('libraryTrash', { body: { fileIds: [...fileIds] } })).changed;
  }
  async restore(fileIds: readonly string[]) {
    return (await this.api.call('libraryRestore', { body: { fileIds: [...fileIds] } })).changed;
  }
  async deleteForever(fileIds: readonly string[]) {
    return (await this.api.call('libraryDelete', { body: { fileIds: [...fileIds] } })).changed;
  }
}
