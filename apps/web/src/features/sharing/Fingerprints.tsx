// Fingerprints people compare out of band, and the warning when someone's keys changed.
// [Note: verifying a person] A fingerprint is a short hash of a person's two public keys. My own
// comes from my keys (never from the server); theirs from the keys this browser seals to. When
// both people read the same two numbers to each other (in person, or on a call they trust),
// nobody in between, the server included, swapped keys. Shown side by side so the comparison
// is one glance on each screen (each side sees the two swapped).
import { Fragment, useEffect, useId, useState } from 'react';
import { worker } from '../../client/worker.ts';
import type { PersonKeyState } from '../../worker/sharing.ts';
import { ErrorMessage } from '../../ui/bits.tsx';
import { fingerprintGroups } from './emails.ts';

export function Fingerprint({ value, label }: { value: string; label: string }) {
  return (
    <code className="fingerprint" aria-label={`${label}: ${value}`}>
      {/* spaces between groups for copying; a grid ignores them on screen */}
      {fingerprintGroups(value).map((g, i) => <Fragment key={i}>{i > 0 && ' '}<span>{g}</span></Fragment>)}
    </code>
  );
}

type Mine = { email: string; displayName: string; fingerprint: string };
let mineCache: Promise<Mine> | undefined;
/** My own fingerprint (it never changes for a session; asked once). */
export function myFingerprint(): Promise<Mine> {
  mineCache ??= worker.sharing.me().catch((e: unknown) => { mineCache = undefined; throw e; });
  return mineCache;
}

export function useMyFingerprint(): Mine | undefined {
  const [me, setMe] = useState<Mine>();
  useEffect(() => {
    let live = true;
    myFingerprint().then((m) => { if (live) setMe(m); }, () => undefined);
    return () => { live = false; };
  }, []);
  return me;
}

/** Mine and theirs, side by side, with what to do with them. */
export function FingerprintPair({ them }: { them: { displayName: string; email: string; fingerprint: string } }) {
  const me = useMyFingerprint();
  const titleId = useId();
  return (
    <section className="verify" aria-labelledby={titleId}>
      <h4 id={titleId}>Verify {them.displayName}</h4>
      <div className="verify-pair">
        <div className="verify-side">
          <p className="verify-who">You</p>
          {me ? <Fingerprint label="Your fingerprint" value={me.fingerprint} /> : <p className="hint" role="status">Loading…</p>}
        </div>
        <div className="verify-side">
          <p className="verify-who" title={them.email}>{them.displayName}</p>
          <Fingerprint label={`Fingerprint of ${them.email}`} value={them.fingerprint} />
        </div>
      </div>
      <p className="hint">
        Compare both numbers with {them.displayName} in person or on a call: their Obscura shows the same two numbers (with the sides swapped).
        If they match, nobody, not even the server, has put other keys between you.
      </p>
    </section>
  );
}

/**
 * Someone's keys, account or email changed since this browser first saw them: the action was
 * stopped. Shows who, what changed, the fingerprint before and now, and (only after the person
 * says they compared the new one) pins the new keys. Never trusted silently.
 */
export function KeyChangeWarning(props: { email: string; action: string; onTrusted: () => void; onDismiss?: () => void }) {
  const [state, setState] = useState<PersonKeyState>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const titleId = useId();

  useEffect(() => {
    let live = true;
    worker.sharing.person(props.email).then((s) => { if (live) setState(s); }, (e: unknown) => { if (live) setError(e); });
    return () => { live = false; };
  }, [props.email]);

  const trust = async () => {
    if (!state) return;
    setBusy(true);
    setError(undefined);
    try {
      await worker.sharing.trustKey(state.email, state.fingerprint);
      props.onTrusted();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const who = state ? `${state.displayName} <${state.email}>` : props.email;
  return (
    <section className="key-warning" role="alert" aria-labelledby={titleId}>
      <h3 id={titleId}><span aria-hidden="true">⚠ </span>The keys of {who} changed</h3>
      <p><strong>Nothing was {props.action}.</strong> {state?.change ? `${capitalize(state.change)}.` : ''}</p>
      <p>
        This happens when someone sets up Obscura again, but it is also what it looks like when someone, the server operator
        included, pretends to be them. Call or meet them and compare the new fingerprint before you go on.
      </p>
      {state && (
        <div className="verify-pair">
          {state.pinnedFingerprint && (
            <div className="verify-side">
              <p className="verify-who">Before (what you trusted)</p>
              <Fingerprint label="Fingerprint before" value={state.pinnedFingerprint} />
            </div>
          )}
          <div className="verify-side verify-new">
            <p className="verify-who">Now (new)</p>
            <Fingerprint label={`New fingerprint of ${state.email}`} value={state.fingerprint} />
          </div>
        </div>
      )}
      <ErrorMessage error={error} />
      <div className="row">
        {state && state.pin === 'changed' && (
          <button type="button" className="button button-danger" disabled={busy} onClick={() => void trust()}>
            {busy ? 'Trusting…' : 'I verified the new key, trust it'}
          </button>
        )}
        {props.onDismiss && <button type="button" className="button" onClick={props.onDismiss}>Not now</button>}
      </div>
    </section>
  );
}

const capitalize = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
