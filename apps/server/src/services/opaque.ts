import * as opaque from '@serenity-kit/opaque';
import { badRequest } from '../errors.ts';

/** The server half of OPAQUE (RFC 9807). Messages are base64url strings. */
export interface OpaqueServer {
  registrationResponse(userIdentifier: string, registrationRequest: string): string;
  /**
   * `registrationRecord` null → a fake but well-formed response (unknown account). A record or
   * request that does not parse is a 400 naming the field.
   */
  startLogin(userIdentifier: string, registrationRecord: string | null, startLoginRequest: string): { state: string; response: string };
  /** false when the client did not prove the password. */
  finishLogin(state: string, finishLoginRequest: string): boolean;
}

export async function createOpaqueServer(serverSetup: string): Promise<OpaqueServer> {
  await opaque.ready;
  return {
    registrationResponse: (userIdentifier, registrationRequest) => parsing('registrationRequestB64', () =>
      opaque.server.createRegistrationResponse({ serverSetup, userIdentifier, registrationRequest }).registrationResponse),
    startLogin: (userIdentifier, registrationRecord, startLoginRequest) => parsing(
      (e) => /registrationRecord/.test(e) ? 'registrationRecordB64' : 'startLoginRequestB64', () => {
        const r = opaque.server.startLogin({ serverSetup, userIdentifier, registrationRecord, startLoginRequest });
        return { state: r.serverLoginState, response: r.loginResponse };
      }),
    finishLogin: (serverLoginState, finishLoginRequest) => {
      try {
        opaque.server.finishLogin({ serverLoginState, finishLoginRequest });
        return true;
      } catch {
        return false;
      }
    },
  };
}

export async function generateOpaqueServerSetup(): Promise<string> {
  await opaque.ready;
  return opaque.server.createSetup();
}

/**
 * A message the OPAQUE library cannot parse is the client's mistake (400), not a server failure.
 * `field` may be chosen from the library's message (it names what it could not deserialize).
 */
function parsing<T>(field: string | ((libraryMessage: string) => string), fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const name = typeof field === 'string' ? field : field(e instanceof Error ? e.message : String(e));
    throw badRequest(`${name} is not a valid OPAQUE message`);
  }
}
