import * as opaque from '@serenity-kit/opaque';
import { badRequest } from '../errors.ts';

/** The server half of OPAQUE (RFC 9807). Messages are base64url strings. */
export interface OpaqueServer {
  registrationResponse(userIdentifier: string, registrationRequest: string): string;
  /** `registrationRecord` null → a fake but well-formed response (unknown account). */
  startLogin(userIdentifier: string, registrationRecord: string | null, startLoginRequest: string): { state: string; response: string };
  /** false when the client did not prove the password. */
  finishLogin(state: string, finishLoginRequest: string): boolean;
}

export async function createOpaqueServer(serverSetup: string): Promise<OpaqueServer> {
  await opaque.ready;
  return {
    registrationResponse: (userIdentifier, registrationRequest) => parsing('registrationRequestB64', () =>
      opaque.server.createRegistrationResponse({ serverSetup, userIdentifier, registrationRequest }).registrationResponse),
    startLogin: (userIdentifier, registrationRecord, startLoginRequest) => parsing('startLoginRequestB64', () => {
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

/** A message the OPAQUE library cannot parse is the client's mistake (400), not a server failure. */
function parsing<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch {
    throw badRequest(`${field} is not a valid OPAQUE message`);
  }
}
