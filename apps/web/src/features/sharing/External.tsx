// Invitations to people who had no Obscura account when they were invited (the sharer's side):
// a row in the share dialog's people ("invited — no account yet", "signed up — waiting for you
// to confirm their key", "expired"), with Re-send, Cancel and Finish sharing; the app-wide
// notice when people signed up and wait; and its Review dialog. Finishing seals the album to
// the new account's key, so it happens only when the person presses the button, next to the
// fingerprint they can compare ([Note: finishing is asked, not done] in worker/sharing.ts).
import { useEffect, useId, useState, type ReactNode } from 'react';
import { worker } from '../../client/worker.ts';
import type { ExternalInvite } from '../../worker/sharing.ts';
import { errorText } from '../../shared/rpc.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { formatDate } from '../../ui/format.ts';
import { Contained } from './Contained.tsx';
import { Fingerprint, KeyChangeWarning } from './Fingerprints.tsx';
import { checkToFinish, forgetToFinish, notNowToFinish, useToFinish } from './toFinish.ts';

export const EXTERNAL_STATUS = {
  pending: 'invited — no account yet',
  'signed-up': 'signed up — waiting for you to confirm their key',
  expired: 'expired',
} as const;

/** Pending (unexpired) or signed up: counts toward the album's 100 people. */
export const isOpenExternal = (x: ExternalInvite) => x.status !== 'expired';

const whoOf = (x: ExternalInvite) => (x.invitee ? `${x.invitee.displayName} <${x.email}>` : x.email);
const whatOf = (x: ExternalInvite) =>
  x.albumName !== undefined ? `${x.albumKind === 'photo' ? 'the photo' : 'the album'} “${x.albumName}”` : x.albumKind === 'photo' ? 'the photo' : 'the album';
const bareSentence = (t: string) => t.trim().replace(/[.\s]+$/, '');

/** Presses "Finish sharing" for one invitation: the words for what happened, and whether it is done. */
async function finishOne(x: ExternalInvite): Promise<{ done: boolean; text: string }> {
  if (!x.invitee) return { done: false, text: `Nobody has signed up with ${x.email} yet.` };
  const r = await worker.sharing.finishSharing([{ id: x.id, fingerprint: x.invitee.fingerprint }]);
  if (r.completed.length > 0) {
    return { done: true, text: `Shared ${whatOf(x)} with ${whoOf(x)}. ${x.invitee.displayName} can now accept the invitation.` };
  }
  const failed = r.failed[0];
  if (failed) return { done: false, text: `Not shared with ${x.email}: ${bareSentence(failed.problem)}.` };
  const skipped = r.skipped[0];
  if (skipped) return { done: false, text: `Not shared with ${x.email}: ${bareSentence(skipped.reason)}.` };
  return { done: false, text: `Nothing to finish: the invitation to ${x.email} is no longer waiting.` };
}

/** A refused invitation whose invitee's key changed since this browser pinned it: offer to compare and trust. */
function useKeyChanged(x: ExternalInvite): boolean {
  const [changed, setChanged] = useState(false);
  useEffect(() => {
    if (!x.problem || !x.invitee) return;
    let live = true;
    worker.sharing.person(x.email).then((p) => { if (live) setChanged(p.pin === 'changed'); }, () => undefined);
    return () => { live = false; };
  }, [x.problem, x.email, x.invitee]);
  return changed;
}

/** The fingerprint of the new account, and Finish sharing (with what it does), or why it cannot be finished. */
function FinishPart(props: { x: ExternalInvite; busy: boolean; onFinish: () => void; onTrusted: () => void; extra?: ReactNode }) {
  const { x } = props;
  const hintId = useId();
  const keyChanged = useKeyChanged(x);
  if (!x.invitee) return null;
  const name = x.invitee.displayName;
  return (
    <div className="finish">
      <p className="finish-fp">
        <span className="hint">Their key fingerprint</span> <Fingerprint label={`Fingerprint of ${x.email}`} value={x.invitee.fingerprint} />
      </p>
      {x.problem ? (
        <>
          <p className="error" role="alert">This cannot be finished: {bareSentence(x.problem)}.</p>
          {keyChanged && <KeyChangeWarning email={x.email} action="shared" onTrusted={props.onTrusted} />}
        </>
      ) : (
        <>
          <p id={hintId} className="hint">
            Finish sharing checks this key and seals {whatOf(x)} to it; {name} then gets an invitation to accept.
            Compare the fingerprint with {name} first (in person or on a call): their Obscura shows the same number.
          </p>
          <div className="row">
            <button type="button" className="button button-primary button-small" disabled={props.busy} aria-describedby={hintId}
              aria-label={`Finish sharing with ${x.email}`} onClick={props.onFinish}>
              {props.busy ? 'Sealing…' : 'Finish sharing'}
            </button>
            {props.extra}
          </div>
        </>
      )}
    </div>
  );
}

/** One invitation to an email without an account, in the share dialog's people (owner only). */
export function ExternalRow(props: { invitation: ExternalInvite; canManage: boolean; onChanged: () => Promise<void>; onSaid: (text: string) => void }) {
  const x = props.invitation;
  const [busy, setBusy] = useState<'resend' | 'cancel' | 'finish'>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const nameId = useId();

  const run = async (what: 'resend' | 'cancel' | 'finish') => {
    setBusy(what);
    setError(undefined);
    setDone(undefined);
    try {
      if (what === 'resend') {
        const again = await worker.sharing.resendExternal(x.id);
        setDone(`Invitation sent again to ${x.email}; it now expires on ${formatDate(again.expiresAt)}.`);
        await props.onChanged();
      } else if (what === 'cancel') {
        await worker.sharing.cancelExternal(x.id);
        forgetToFinish(x.id);
        props.onSaid(`The invitation to ${x.email} was cancelled.`);
        await props.onChanged();
      } else {
        const r = await finishOne(x);
        if (r.done) {
          forgetToFinish(x.id);
          props.onSaid(r.text);
          await props.onChanged();
        } else {
          setError(r.text);
        }
      }
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(undefined);
    }
  };

  const dateText = x.status === 'expired' ? `expired on ${formatDate(x.expiresAt)}` : x.status === 'pending' ? `expires on ${formatDate(x.expiresAt)}` : `invited ${formatDate(x.invitedAt)}`;
  return (
    <li className="person person-external" aria-labelledby={nameId}>
      <div className="person-main">
        <span className="person-avatar person-avatar-external" aria-hidden="true">{x.invitee ? initial(x.invitee.displayName) : '@'}</span>
        <div className="person-text">
          <span id={nameId} className="person-name">{x.invitee ? x.invitee.displayName : x.email}</span>
          {x.invitee && <span className="person-email">{x.email}</span>}
          <span className="person-facts">
            <span className={`badge badge-external-${x.status}`}>{EXTERNAL_STATUS[x.status]}</span>
            <span className="person-when">{x.role === 'editor' ? 'Editor' : 'Viewer'} · {dateText}</span>
          </span>
        </div>
        {props.canManage && (
          <div className="person-actions">
            {x.status !== 'signed-up' && (
              <button type="button" className="button button-small" disabled={busy !== undefined} aria-label={`Re-send the invitation to ${x.email}`}
                onClick={() => void run('resend')}>{busy === 'resend' ? 'Sending…' : 'Re-send'}</button>
            )}
            <button type="button" className="button button-small" disabled={busy !== undefined} aria-label={`Cancel the invitation to ${x.email}`}
              onClick={() => void run('cancel')}>{busy === 'cancel' ? 'Cancelling…' : 'Cancel'}</button>
          </div>
        )}
      </div>
      {x.status === 'signed-up' && props.canManage && (
        <FinishPart x={x} busy={busy === 'finish'} onFinish={() => void run('finish')} onTrusted={() => void props.onChanged()} />
      )}
      {done && <p className="ok person-done" role="status">{done}</p>}
      {error && <p className="error" role="alert">{error}</p>}
    </li>
  );
}

const initial = (name: string) => ([...name.trim()][0] ?? '?').toUpperCase();

/**
 * App-wide: people I invited signed up and wait for me to confirm their key. A notice with
 * "Review", which opens the list (album, name, email, fingerprint; Finish sharing / Not now).
 */
export function ToFinishNotice() {
  const { shown } = useToFinish();
  const [open, setOpen] = useState(false);
  if (shown.length === 0 && !open) return null;
  const first = shown[0];
  return (
    <>
      {first && (
        <section className="finish-notice" aria-label="Sharing to finish">
          <p>
            {shown.length === 1
              ? <><strong>{whoOf(first)}</strong> signed up and waits for you to finish sharing {whatOf(first)}.</>
              : <><strong>{shown.length} people</strong> you invited signed up and wait for you to finish sharing.</>}
          </p>
          <button type="button" className="button button-primary button-small" onClick={() => setOpen(true)}>Review</button>
        </section>
      )}
      <Contained>
        <FinishReviewDialog open={open} onClose={() => setOpen(false)} />
      </Contained>
    </>
  );
}

function FinishReviewDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { shown } = useToFinish();
  /** What was done, said in the dialog ([Note: words inside the dialog] in People.tsx). */
  const [said, setSaid] = useState<string[]>([]);
  useEffect(() => { if (open) setSaid([]); }, [open]);
  return (
    <Dialog title="Finish sharing" open={open} onClose={onClose} wide>
      <p className="hint">
        These people signed up after you invited them. Check each fingerprint with them, then finish sharing: your browser checks their key and
        seals the album to it, and they get an invitation to accept. Nothing is shared until you press the button.
      </p>
      {said.map((t, i) => <p key={i} className="ok" role="status">{t}</p>)}
      {shown.length === 0 ? (
        <p>Nobody else is waiting.</p>
      ) : (
        <ul className="finish-list" aria-label="People waiting for you">
          {shown.map((x) => <ReviewItem key={x.id} x={x} onSaid={(t) => setSaid((s) => [...s, t])} />)}
        </ul>
      )}
    </Dialog>
  );
}

function ReviewItem({ x, onSaid }: { x: ExternalInvite; onSaid: (text: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const nameId = useId();
  const finish = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await finishOne(x);
      if (r.done) { onSaid(r.text); forgetToFinish(x.id); } else setError(r.text);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="finish-item card" aria-labelledby={nameId}>
      <p className="finish-album"><span className="badge badge-kind">{x.albumKind === 'photo' ? 'Photo' : 'Album'}</span> {x.albumName !== undefined ? `“${x.albumName}”` : `An ${x.albumKind === 'photo' ? 'unnamed photo' : 'unnamed album'}`}</p>
      <p className="finish-who">
        <strong id={nameId}>{x.invitee?.displayName ?? x.email}</strong> <span className="invitation-email">&lt;{x.email}&gt;</span>
        <span className="hint"> · {x.role === 'editor' ? 'as an editor' : 'as a viewer'}</span>
      </p>
      <FinishPart x={x} busy={busy} onFinish={() => void finish()} onTrusted={() => void checkToFinish()}
        extra={<button type="button" className="button button-small" disabled={busy} aria-label={`Not now: ${x.email}`} onClick={() => notNowToFinish(x.id)}>Not now</button>} />
      {x.problem && (
        <div className="row"><button type="button" className="button button-small" onClick={() => notNowToFinish(x.id)} aria-label={`Not now: ${x.email}`}>Not now</button></div>
      )}
      {error && <p className="error" role="alert">{error}</p>}
    </li>
  );
}
