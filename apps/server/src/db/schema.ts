import type { ColumnType } from 'kysely';

// [Note: driver types]
// PostgreSQL returns bigint columns as strings and SQLite as numbers; both
// return binary columns as Buffers. Rows typed here are raw; repositories
// convert them once (dialect/convert.ts) and hand numbers and Uint8Arrays up.
export type Big = ColumnType<number | string | bigint, number, number>;
export type Bin = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  opaque_record: Bin;
  x25519_public_key: Bin;
  ed25519_public_key: Bin;
  password_envelope: Bin;
  recovery_envelope: Bin;
  quota_bytes: Big;
  used_bytes: Big;
  library_seq: Big;
  data_version: ColumnType<number, number | undefined, number>;
  created_at: Big;
  email_verified_at: ColumnType<number | string | bigint | null, number | null | undefined, number | null>;
}

export interface EmailVerificationsTable {
  id: string;
  email: string;
  code_hash: Bin;
  expires_at: Big;
  attempts: ColumnType<number, number | undefined, number>;
  used_at: ColumnType<number | string | bigint | null, number | null | undefined, number | null>;
}

export interface ExternalInvitationsTable {
  id: string;
  album_id: string;
  email: string;
  role: string;
  status: string;
  invited_by: string;
  invitee_id: string | null;
  message_sealed: ColumnType<Uint8Array | null, Uint8Array | null, Uint8Array | null>;
  invited_at: Big;
  expires_at: Big;
  ended_at: ColumnType<number | string | bigint | null, number | null, number | null>;
  member_id: string | null;
}

export interface AccountSetupsTable {
  user_id: string;
  target_version: number;
  holder_session_id: string;
  lease_until: Big;
  done: number;
  total: number;
  started_at: Big;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  user_agent: string | null;
  created_at: Big;
  last_seen_at: Big;
  expires_at: Big;
  revoked_at: ColumnType<number | string | bigint | null, number | null, number | null>;
}

export interface AuthAttemptsTable {
  id: string;
  kind: string;
  user_id: string | null;
  state: Bin;
  expires_at: Big;
}

export interface RateLimitsTable {
  key: string;
  window_start: Big;
  count: Big;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface FilesTable {
  id: string;
  uploader_id: string;
  quota_owner_id: string;
  status: string;
  block_count: number;
  encrypted_size: Big;
  charged_bytes: Big;
  manifest: Bin;
  signature: Bin;
  metadata: Bin;
  thumb_small_size: number;
  thumb_large_size: number;
  created_at: Big;
  completed_at: ColumnType<number | string | bigint | null, number | null, number | null>;
}

export interface FileBlocksTable {
  file_id: string;
  idx: number;
  size: number;
  sha256: string;
  stored_at: ColumnType<number | string | bigint | null, number | null, number | null>;
}

export interface LibraryItemsTable {
  user_id: string;
  file_id: string;
  wrapped_key: ColumnType<Uint8Array | null, Uint8Array | null, Uint8Array | null>;
  content_hash: string | null;
  state: string;
  change_seq: Big;
  created_at: Big;
  updated_at: Big;
  charged_bytes: ColumnType<number | string | bigint, number | undefined, number>;
}

export interface AlbumsTable {
  id: string;
  owner_id: string;
  current_epoch: number;
  metadata: Bin;
  metadata_epoch: number;
  rotation_needed: number;
  item_seq: Big;
  kind: ColumnType<string, string | undefined, string>;
  state_seq: ColumnType<number, number | undefined, number>;
  created_at: Big;
  updated_at: Big;
}

export interface AlbumStatesTable {
  album_id: string;
  seq: number;
  state: Bin;
  signature: Bin;
  created_at: Big;
}

export interface AlbumMembersTable {
  id: string;
  album_id: string;
  user_id: string;
  role: string;
  status: string;
  invited_by: string | null;
  invited_at: Big;
  responded_at: ColumnType<number | string | bigint | null, number | null, number | null>;
  message_sealed: ColumnType<Uint8Array | null, Uint8Array | null, Uint8Array | null>;
}

export interface AlbumKeysTable {
  album_id: string;
  epoch: number;
  user_id: string;
  sealed: Bin;
  sealed_by: string;
}

export interface AlbumItemsTable {
  album_id: string;
  file_id: string;
  epoch: number;
  wrapped_key: ColumnType<Uint8Array | null, Uint8Array | null, Uint8Array | null>;
  added_by: string;
  added_at: Big;
  seq: Big;
  state: string;
}

export interface LinksTable {
  id: string;
  owner_id: string;
  kind: string;
  file_id: string | null;
  album_id: string | null;
  access_verifier: Bin;
  password_params: ColumnType<Uint8Array | null, Uint8Array | null, Uint8Array | null>;
  expires_at: ColumnType<number | string | bigint | null, number | null, number | null>;
  allow_download: number;
  owner_wrapped_link_key: Bin;
  owner_wrapped_secret: Bin;
  wrapped_file_key: ColumnType<Uint8Array | null, Uint8Array | null, Uint8Array | null>;
  created_at: Big;
  access_count: ColumnType<number | string | bigint, number | undefined, number>;
}

export interface LinkKeysTable {
  link_id: string;
  epoch: number;
  wrapped: Bin;
}

export interface LinkThrottleTable {
  key: string;
  window_start: Big;
  failures: number;
  level: number;
  blocked_until: Big;
}

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  auth_attempts: AuthAttemptsTable;
  rate_limits: RateLimitsTable;
  settings: SettingsTable;
  files: FilesTable;
  file_blocks: FileBlocksTable;
  library_items: LibraryItemsTable;
  albums: AlbumsTable;
  album_members: AlbumMembersTable;
  album_keys: AlbumKeysTable;
  album_items: AlbumItemsTable;
  album_states: AlbumStatesTable;
  account_setups: AccountSetupsTable;
  links: LinksTable;
  link_keys: LinkKeysTable;
  link_throttle: LinkThrottleTable;
  email_verifications: EmailVerificationsTable;
  external_invitations: ExternalInvitationsTable;
}
