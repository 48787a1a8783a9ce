// One pending invitation: what (album or photo, its name), from whom (name, email and the
// fingerprint of the keys that signed it, with "Verify"), the role, the message; Accept or
// Decline. An invitation that did not verify names its problem and can only be declined (no
// Accept button: e.g. the roster holds keys for me that are not mine, a server key swap); when
// the problem is that the sender's keys changed, the warning offers to check and trust them.
import { useEffect, useId, useState } from 'react';
import { worker } from '../../client/worker.ts';
import type { Invitation } from '../../worker/sharing.ts';
import { ConfirmDialog } from '../../ui/Dialog.tsx';
import { ErrorMessage } from '../../ui/bits.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { Fingerprint, FingerprintPair, KeyChangeWarning } from './Fingerprints.tsx';

const ROLE_TEXT = {
  album: { viewer: 'Viewer: you can see its photos and save them', editor: 'Editor: you can also add photos (they count against the owner’s storage)', owner: 'Owner' },
  photo: { viewer: 'Viewer: you can see it and save it', editor: 'Editor: you can also change its caption', owner: 'Owner' },
} as const;

export const invitationTitle = (i: Invitation) =>
  i.albumName !== undefined ? `${i.kind === 'photo' ? 'Photo' : 'Album'} “${i.albumName}”` : i.kind === 'photo' ? 'A photo' : 'An album';

export function InvitationCard(props: {
  invitation: Invitation;
  /** After Accept: where the album is (the page navigates there). */
  onAccepted: (albumId: string) => void;
  onDeclined: () => void;
  /** The invitation changed (e.g. its sender's new keys were trusted): reload it. */
  onReload: () => void;
  headingLevel?: 2 | 3;
}) {
  const i = props.invitation;
  const [busy, setBusy] = useState<'accept' | 'decline'>();
  const [error, setError] = useState<unknown>();
  const [verify, setVerify] = useState(false);
  const [confirmDecline, setConfirmDecline] = useState(false);
  const [keysChanged, setKeysChanged] = useState(false);
  const titleId = useId();
  const verifyId = useId();
  const H = props.headingLevel === 2 ? 'h2' : 'h3';
  const noun = i.kind === 'photo' ? 'photo' : 'album';

  // A refused invitation: is it because the sender's keys changed? (Then the person can compare and trust.)
  useEffect(() => {
    if (!i.problem) return;
    let live = true;
    worker.sharing.person(i.from.email).then((p) => { if (live) setKeysChanged(p.pin === 'changed'); }, () => undefined);
    return () => { live = false; };
  }, [i.problem, i.from.email]);

  const accept = async () => {
    setBusy('accept');
    setError(undefined);
    try {
      const a = await worker.sharing.accept(i.invitationId);
      props.onAccepted(a.albumId);
    } catch (e) {
      setError(e);
      setBusy(undefined);
    }
  };

  const decline = async () => {
    setBusy('decline');
    setError(undefined);
    try {
      await worker.sharing.decline(i.invitationId);
      setConfirmDecline(false);
      props.onDeclined();
    } catch (e) {
      setConfirmDecline(false);
      setError(e);
      setBusy(undefined);
    }
  };

  return (
    <article className="invitation card" aria-labelledby={titleId}>
      <H id={titleId} className="invitation-title">
        <span className="badge badge-kind">{i.kind === 'photo' ? 'Photo' : 'Album'}</span> {i.albumName !== undefined ? `“${i.albumName}”` : 'Unverified invitation'}
      </H>
      <dl className="invitation-facts">
        <dt>From</dt>
        <dd>
          <strong>{i.from.displayName}</strong> <span className="invitation-email">&lt;{i.from.email}&gt;</span>
          <span className="invitation-fp">
            <span className="hint">Fingerprint</span> <Fingerprint label={`Fingerprint of ${i.from.email}`} value={i.from.fingerprint} />
            <button type="button" className="link-button" aria-expanded={verify} aria-controls={verifyId} onClick={() => setVerify((v) => !v)}>
              {verify ? 'Hide' : 'Verify'}
            </button>
          </span>
        </dd>
        <dt>Your access</dt>
        <dd>{ROLE_TEXT[i.kind][i.role]}</dd>
        {i.message !== undefined && (
          <>
            <dt>Message</dt>
            <dd><blockquote className="invitation-message">{i.message}</blockquote></dd>
          </>
        )}
        <dt>Sent</dt>
        <dd>{formatDateTime(i.invitedAt)}</dd>
      </dl>
      <div id={verifyId} hidden={!verify}>{verify && <FingerprintPair them={{ displayName: i.from.displayName, email: i.from.email, fingerprint: i.from.fingerprint }} />}</div>
      {i.problem && (
        <p className="error" role="alert">This invitation did not verify and cannot be accepted: {i.problem}.</p>
      )}
      {i.problem && keysChanged && (
        <KeyChangeWarning email={i.from.email} action="accepted" onTrusted={props.onReload} />
      )}
      <ErrorMessage error={error} />
      <div className="row invitation-actions">
        {/* A refused invitation (e.g. sealed to keys that are not mine) can only be declined: no Accept to press by mistake. */}
        {i.problem === undefined && (
          <button type="button" className="button button-primary" disabled={busy !== undefined} onClick={() => void accept()}>
            {busy === 'accept' ? 'Accepting…' : 'Accept'}
          </button>
        )}
        <button type="button" className="button" disabled={busy !== undefined} onClick={() => setConfirmDecline(true)}>Decline</button>
      </div>
      <ConfirmDialog title={`Decline this ${noun}?`} open={confirmDecline} busy={busy === 'decline'} confirmLabel="Decline"
        onCancel={() => setConfirmDecline(false)} onConfirm={() => void decline()}>
        <p>You will not see {i.albumName !== undefined ? `“${i.albumName}”` : `this ${noun}`}. {i.from.displayName} can invite you again later.</p>
      </ConfirmDialog>
    </article>
  );
}
