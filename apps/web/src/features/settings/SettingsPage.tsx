// Settings (/settings): who I am (and whether my email is confirmed) and my fingerprint, storage,
// password, sessions, log out.
// On a phone this is also where the name and Log out live (the bottom bar has no room).
import { useState } from 'react';
import type { Me } from '../../worker/account.ts';
import { worker } from '../../client/worker.ts';
import { useAuth } from '../../app/auth.tsx';
import { useWorkerEvent } from '../../client/events.ts';
import { PageHeader } from '../../ui/bits.tsx';
import { useLoad } from './load.ts';
import { LinesSkeleton, LoadError } from './bits.tsx';
import { StorageBar } from './StorageBar.tsx';
import { PasswordSection } from './PasswordSection.tsx';
import { SessionsSection } from './SessionsSection.tsx';
import { EmailConfirm } from './EmailConfirm.tsx';
import './settings.css';

export function SettingsPage() {
  const auth = useAuth();
  const me = useLoad(() => worker.account.me());
  const sessions = useLoad(() => worker.account.sessions());
  useWorkerEvent('library-changed', () => { void me.reload(); });
  return (
    <div className="settings">
      <PageHeader title="Settings" />
      {/* Two columns on wide screens; one on phones, in the order of the classes settings-order-N. */}
      <div className="settings-grid">
        <div className="settings-col">
          <AccountSection me={me.value} onLogout={() => void auth.logout()} fallbackName={auth.user?.displayName} fallbackEmail={auth.user?.email} onConfirmed={me.reload} />
          <section className="card settings-card settings-order-3" aria-busy={me.value === undefined && me.error === undefined}>
            <h2>Storage</h2>
            {me.value ? <StorageBar me={me.value} /> : me.error === undefined ? <LinesSkeleton lines={3} label="Loading storage" /> : <LoadError error={me.error} retry={me.reload} />}
          </section>
          <SessionsSection sessions={sessions} />
        </div>
        <div className="settings-col">
          <FingerprintSection me={me.value} error={me.error} />
          <PasswordSection onChanged={() => void sessions.reload()} />
        </div>
      </div>
    </div>
  );
}

function AccountSection(props: {
  me: Me | undefined; onLogout: () => void; fallbackName: string | undefined; fallbackEmail: string | undefined; onConfirmed: () => Promise<void>;
}) {
  const name = props.me?.user.displayName ?? props.fallbackName;
  const email = props.me?.user.email ?? props.fallbackEmail;
  return (
    <section className="card settings-card settings-order-1">
      <h2>Account</h2>
      {name || email ? (
        <dl className="settings-facts">
          <div><dt>Name</dt><dd>{name}</dd></div>
          <div><dt>Email</dt><dd><span>{email}</span>{props.me && (
            props.me.emailVerified
              ? <span className="badge badge-confirmed">confirmed</span>
              : <span className="badge badge-unconfirmed">not confirmed</span>
          )}</dd></div>
        </dl>
      ) : <LinesSkeleton lines={2} label="Loading your account" />}
      {props.me && <EmailConfirm email={props.me.user.email} confirmed={props.me.emailVerified} onConfirmed={props.onConfirmed} />}
      <p className="hint">Your name is what people you share with see next to your photos.</p>
      {/* On wide screens Log out is in the side bar; on phones (no room in the bottom bar) it is here. */}
      <div className="settings-logout">
        <button type="button" className="button" onClick={props.onLogout}>Log out</button>
        <p className="hint">Logging out removes everything this browser kept for you (your keys and the cached thumbnails).</p>
      </div>
    </section>
  );
}

function FingerprintSection({ me, error }: { me: Me | undefined; error: unknown }) {
  const [copied, setCopied] = useState<boolean>();
  return (
    <section className="card settings-card settings-order-2">
      <h2>Your fingerprint</h2>
      <p className="hint">
        People you share with can check that their app reached <em>your</em> keys, and not keys the server put in their place:
        they compare this number with the one their app shows for you (in person, or on a call). When the two match, your shares are private.
      </p>
      {me ? (
        <>
          <div className="fingerprint" role="group" aria-label="Your fingerprint">
            {me.fingerprint.split(' ').map((g, i) => <span key={i} className="fingerprint-group">{i > 0 ? ' ' : ''}{g}</span>)}
          </div>
          <div className="row">
            <button type="button" className="button" onClick={() => void navigator.clipboard.writeText(me.fingerprint).then(() => setCopied(true), () => setCopied(false))}>
              {copied ? '✓ Copied' : 'Copy'}
            </button>
            {copied === false && <span className="hint" role="status">This browser did not allow copying; read the digits instead.</span>}
          </div>
        </>
      ) : error === undefined ? <LinesSkeleton lines={2} label="Loading your fingerprint" /> : <p className="error">Your fingerprint is shown once your account loads.</p>}
    </section>
  );
}
