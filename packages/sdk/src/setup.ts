// [Note: one-time setup]
// When the format of an account's stored data changes, only a client can rewrite it (only
// clients hold keys). The server keeps the account's data version; a client of a newer version
// that finds the account behind runs the setup: a list of steps, each idempotent and checked
// against what the server already holds, so a crash or Ctrl-C resumes where it stopped. One
// device at a time holds the server's lease (renewed with each step's progress); another
// device waits, showing the first one's progress, and goes on with its own work afterwards.
// The first setup (data version 2) signs the first state of every album the account owns
// that has none ([Note: one-time setup of an album]); albums owned by others are signed by
// their owners' setups and pinned by this client when their state appears.
import type { SetupStatus } from '@obscura/protocol';
import type { Albums } from './albums.ts';
import { ApiError } from './errors.ts';

export interface SetupProgress {
  /** 'running': this device is working; 'waiting': another device of the account is. */
  readonly state: 'running' | 'waiting';
  readonly done: number;
  readonly total: number;
}

export interface SetupOutcome {
  /** This device ran (part of) the setup. */
  readonly ran: boolean;
  /** This device waited for another device's setup. */
  readonly waited: boolean;
  /** Albums this run signed. */
  readonly signed: number;
  /** People the server lists in an album whose keys disagree with my pins: not put in its roster. */
  readonly leftOut: readonly { albumId: string; email: string; reason: string }[];
}

export interface SetupOptions {
  readonly onProgress?: (p: SetupProgress) => void;
  /** How long to wait between looks while another device runs the setup (default 2 s). */
  readonly pollMs?: number;
  /** The waiting itself (a clock port: tests pass their own). */
  readonly wait?: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const isBusy = (e: unknown) => e instanceof ApiError && e.code === 'setup-in-progress';

export class AccountSetup {
  constructor(private readonly albums: Albums) {}

  private get api() {
    return this.albums.library.session.api;
  }

  status(): Promise<SetupStatus> {
    return this.api.call('getSetup');
  }

  /** How many albums I own, and those of them still without a signed state (to sign). */
  async albumsToSign(): Promise<{ total: number; todo: string[] }> {
    const me = this.albums.library.session.user.id;
    const owned = (await this.api.call('listAlbums')).albums.filter((a) => a.owner.id === me);
    return { total: owned.length, todo: owned.filter((a) => a.state === null).map((a) => a.albumId) };
  }

  /**
   * Brings the account's data up to date if it is behind: runs the setup here, or waits while
   * another device runs it. Returns once the account is at the current version.
   */
  async ensure(opts: SetupOptions = {}): Promise<SetupOutcome> {
    const wait = opts.wait ?? sleep;
    let ran = false;
    let waited = false;
    let signed = 0;
    const leftOut: { albumId: string; email: string; reason: string }[] = [];
    for (;;) {
      const status = await this.status();
      if (status.dataVersion >= status.currentVersion) return { ran, waited, signed, leftOut };
      if (status.running && !status.running.byThisSession) {
        waited = true;
        opts.onProgress?.({ state: 'waiting', done: status.running.done, total: status.running.total });
        await wait(opts.pollMs ?? 2000);
        continue;
      }
      try {
        const { total, todo } = await this.albumsToSign();
        let done = total - todo.length;
        const started = await this.api.call('startSetup', { body: { total } });
        if (started.dataVersion >= started.currentVersion) continue; // another device finished meanwhile
        ran = true;
        opts.onProgress?.({ state: 'running', done, total });
        for (const albumId of todo) {
          try {
            const r = await this.albums.signLegacy(albumId);
            if (r.status === 'signed') signed++;
            leftOut.push(...r.leftOut.map((x) => ({ albumId, ...x })));
          } catch (e) {
            // Deleted meanwhile: nothing left to sign.
            if (!(e instanceof ApiError && e.status === 404)) throw e;
          }
          done++;
          await this.api.call('setupProgress', { body: { done, total } });
          opts.onProgress?.({ state: 'running', done, total });
        }
        await this.api.call('finishSetup');
      } catch (e) {
        // Another device holds the lease (or took it over after ours expired): wait for it.
        if (!isBusy(e)) throw e;
      }
    }
  }
}
