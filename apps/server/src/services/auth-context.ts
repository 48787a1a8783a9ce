/** Who is calling: set by the session check of routes with `auth: 'session'`. */
export interface AuthContext {
  userId: string;
  sessionId: string;
}

/** What the server knows about the caller's connection (rate limits, session list). */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

/**
 * A public-link visitor (routes with `auth: 'link'`): the access proof from
 * `Authorization: Link <base64url>`, or null when it is missing or malformed.
 */
export interface LinkCredentials {
  proof: Uint8Array | null;
}
