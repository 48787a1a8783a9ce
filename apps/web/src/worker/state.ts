// The worker's one logged-in person: session, library, albums, links, pins and the timeline
// index, restored from IndexedDB on start (see [Note: what the browser keeps]).
import {
  Albums, AlbumStatePins, KeyPins, Library, Links, Session, TimelineIndex, INSECURE_FAST_KDF, INSECURE_FAST_OPAQUE,
  type AlbumNotice, type AlbumStatePinsJSON, type ConnectOptions, type KeyPinsJSON, type SessionState, type TimelineIndexJSON,
} from '@obscura/sdk';
import { AppError } from '../shared/rpc.ts';
import { idbClear, idbGet, idbSet } from './store.ts';
import { forgetScopes } from './media.ts';
import { forgetDeviceKey, sealDelete, sealGet, sealPut } from './vault.ts';

export interface WorkerConfig {
  /** Weak, test-only password stretching (a developer setting; the page shows a warning). */
  readonly insecureFastKdf?: boolean;
}

export interface LoggedIn {
  readonly session: Session;
  readonly library: Library;
  readonly albums: Albums;
  readonly links: Links;
  readonly timeline: TimelineIndex;
  readonly pins: KeyPins;
}

type Listener = (event: WorkerEvent) => void;
export type WorkerEvent =
  | { readonly type: 'logged-out'; readonly reason: string }
  | { readonly type: 'notice'; readonly text: string }
  | { readonly type: 'library-changed' };

const pinsKey = (userId: string) => `pins:${userId}`;
const statePinsKey = (userId: string) => `album-states:${userId}`;
const timelineKey = (userId: string) => `timeline:${userId}`;

class WorkerState {
  config: WorkerConfig = {};
  private current: LoggedIn | undefined;
  private listeners = new Set<Listener>();
  private saving: Promise<void> = Promise.resolve();

  get server(): string {
    return self.location.origin;
  }

  connectOptions(): ConnectOptions {
    return {
      server: this.server,
      ...(this.config.insecureFastKdf ? { kdfParams: INSECURE_FAST_KDF, opaqueKeyStretching: INSECURE_FAST_OPAQUE } : {}),
    };
  }

  on(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  emit(e: WorkerEvent): void {
    for (const l of this.listeners) l(e);
  }

  get maybe(): LoggedIn | undefined {
    return this.current;
  }

  /** The logged-in person, or a clear refusal the page turns into the login screen. */
  get need(): LoggedIn {
    if (!this.current) throw new AppError({ kind: 'not-logged-in', message: 'you are not logged in' });
    return this.current;
  }

  async adopt(session: Session): Promise<LoggedIn> {
    const userId = session.user.id;
    const pins = new KeyPins((await idbGet<KeyPinsJSON>('kv', pinsKey(userId))) ?? {});
    const statePins = new AlbumStatePins((await idbGet<AlbumStatePinsJSON>('kv', statePinsKey(userId))) ?? null);
    const cached = await sealGet<TimelineIndexJSON>(timelineKey(userId));
    const timeline = cached && cached.userId === userId ? TimelineIndex.fromJSON(cached, { keepItems: true }) : new TimelineIndex(userId, { keepItems: true });
    const library = new Library(session, { pins });
    const albums = new Albums(library, {
      statePins,
      onNotice: (n: AlbumNotice) => {
        if (n.kind === 'key-renewed') {
          const who = n.dropped.map((d) => d.email).join(', ');
          this.emit({ type: 'notice', text: `The album key was renewed${who ? `; no longer able to read new photos: ${who}` : ''}.` });
        }
      },
    });
    const links = new Links(library, albums, this.config.insecureFastKdf ? INSECURE_FAST_KDF : undefined);
    this.current = { session, library, albums, links, timeline, pins };
    await sealPut('session', session.toState());
    return this.current;
  }

  /** Saves pins, album state pins and the timeline index (serialised: saves never overlap). */
  persist(): Promise<void> {
    const c = this.current;
    if (!c) return Promise.resolve();
    const userId = c.session.user.id;
    this.saving = this.saving.then(async () => {
      await idbSet('kv', pinsKey(userId), c.pins.toJSON());
      await idbSet('kv', statePinsKey(userId), c.albums.statePins.toJSON());
      await sealPut(timelineKey(userId), c.timeline.toJSON());
    }).catch((e: unknown) => {
      this.emit({ type: 'notice', text: `could not save this browser's copy of your library: ${(e as Error).message}` });
    });
    return this.saving;
  }

  async restore(): Promise<LoggedIn | undefined> {
    if (this.current) return this.current;
    const saved = await sealGet<SessionState>('session');
    if (!saved || saved.server !== this.server) return undefined;
    const session = await Session.restore(saved, this.connectOptions());
    return this.adopt(session);
  }

  /** Forgets the session and everything sealed under the device key. Pins are kept (they are not secret). */
  async forget(reason?: string): Promise<void> {
    const had = this.current;
    this.current = undefined;
    forgetScopes();
    await this.saving;
    await sealDelete('session');
    if (had) await sealDelete(timelineKey(had.session.user.id));
    await idbClear('thumbs');
    await forgetDeviceKey();
    if (reason) this.emit({ type: 'logged-out', reason });
  }
}

export const state = new WorkerState();
