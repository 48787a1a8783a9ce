// Sessions: every device logged in to this account; end any of them.
import { useState } from 'react';
import type { SessionRow } from '../../worker/account.ts';
import { worker } from '../../client/worker.ts';
import { ConfirmDialog } from '../../ui/Dialog.tsx';
import { notify } from '../../ui/notices.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { accountErrorText } from '../account/forms.tsx';
import { describeClient, isPhone } from './devices.ts';
import { DeviceIcon, LinesSkeleton, LoadError } from './bits.tsx';
import { relativeTime, type Loaded } from './load.ts';

/** This device first, then the most recently active. */
const order = (a: SessionRow, b: SessionRow) => Number(b.current) - Number(a.current) || Date.parse(b.lastSeenAt) - Date.parse(a.lastSeenAt);

export function SessionsSection({ sessions }: { sessions: Loaded<SessionRow[]> }) {
  const [ending, setEnding] = useState<SessionRow>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const list = sessions.value ? [...sessions.value].sort(order) : undefined;

  const end = async () => {
    if (!ending) return;
    setBusy(true);
    setError(undefined);
    try {
      const { loggedOut } = await worker.account.endSession(ending.id);
      setEnding(undefined);
      // Ending this device's session logs this browser out: the worker tells the page, which goes to log in.
      if (!loggedOut) {
        notify(`Session ended: ${describeClient(ending.userAgent)} is logged out.`);
        await sessions.reload();
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card settings-card settings-order-5">
      <h2>Sessions</h2>
      <p className="hint">Every browser, phone and command line logged in to your account. End any you do not recognise, then change your password.</p>
      {list === undefined
        ? sessions.error === undefined ? <LinesSkeleton lines={4} label="Loading sessions" /> : <LoadError error={sessions.error} retry={sessions.reload} />
        : (
          <ul className="sessions" aria-label="Sessions">
            {list.map((s) => {
              const what = describeClient(s.userAgent);
              return (
                <li key={s.id} className="session">
                  <DeviceIcon kind={isPhone(s.userAgent) ? 'phone' : s.userAgent?.startsWith('obscura-cli') ? 'terminal' : 'computer'} />
                  <div className="session-text">
                    <p className="session-name">{what}{s.current && <span className="badge-this">This device</span>}</p>
                    <p className="hint">
                      Logged in {formatDateTime(s.createdAt)} · {s.current ? 'active now' : <>last active <time dateTime={s.lastSeenAt} title={formatDateTime(s.lastSeenAt)}>{relativeTime(s.lastSeenAt)}</time></>}
                    </p>
                  </div>
                  <button type="button" className="button" onClick={() => { setError(undefined); setEnding(s); }}
                    aria-label={s.current ? 'End session: this device' : `End session: ${what}, last active ${relativeTime(s.lastSeenAt)}`}>
                    End session
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      {list !== undefined && sessions.error !== undefined && <LoadError error={sessions.error} retry={sessions.reload} />}
      <ConfirmDialog open={ending !== undefined} title={ending?.current ? 'End this device\'s session?' : 'End this session?'}
        confirmLabel="End session" danger busy={busy} onCancel={() => setEnding(undefined)} onConfirm={() => void end()}>
        {ending && (ending.current
          ? <p>This logs you out here, as <strong>Log out</strong> does. Everything this browser kept for you is removed.</p>
          : <p><strong>{describeClient(ending.userAgent)}</strong>, last active {relativeTime(ending.lastSeenAt)}, is logged out at its next action and must log in again to see your photos.</p>)}
        {error !== undefined && <p className="error" role="alert">{accountErrorText(error)}</p>}
      </ConfirmDialog>
    </section>
  );
}
