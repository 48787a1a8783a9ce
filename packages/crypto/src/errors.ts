// Every failure in this package is a CryptoError whose `code` says what failed, and whose
// message names the object (file id, block index, album id + epoch, ...) so a person can act.
export type CryptoErrorCode =
  | 'bad-length'          // a key, nonce or field has the wrong size
  | 'bad-version'         // an unknown format/version byte
  | 'malformed'           // bytes do not parse as the expected structure
  | 'auth-failed'         // AEAD tag did not verify (wrong key, flipped bit, wrong AAD)
  | 'wrong-context'       // a wrapped key/sealed box opened under another file/album/epoch/link
  | 'block-order'         // blocks reordered, duplicated or dropped
  | 'truncated'           // stream ended before the last block
  | 'trailing-data'       // data after the last block
  | 'bad-signature'       // a signature does not verify
  | 'manifest-mismatch'   // a block/thumbnail/metadata hash differs from the signed manifest
  | 'bad-password'        // password did not open the account bundle / link
  | 'bad-recovery-key'    // recovery key malformed or wrong
  | 'stale-state'         // an album state older than one already seen (a rollback)
  | 'chain-broken'        // an album state that does not follow the one already seen (forked, reordered, rewritten)
  | 'unsupported';        // the platform lacks a needed primitive

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(readonly code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
