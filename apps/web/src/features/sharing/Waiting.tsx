// The invitee's side of an invitation sent before they had an account: it waits until the
// sharer's app checks their new key and seals the album to it. Shown with my own fingerprint,
// the number the sharer sees when they finish, so the two can compare it.
import { useId } from 'react';
import type { WaitingInvite } from '../../worker/sharing.ts';
import { formatDateTime } from '../../ui/format.ts';
import { Fingerprint, useMyFingerprint } from './Fingerprints.tsx';

export function WaitingInvitations({ waiting, headingId }: { waiting: readonly WaitingInvite[]; headingId: string }) {
  if (waiting.length === 0) return null;
  return (
    <section aria-labelledby={headingId} className="invitations">
      <h2 id={headingId}>Waiting for the sender ({waiting.length})</h2>
      <div className="invitation-list">
        {waiting.map((w) => <WaitingCard key={w.id} w={w} />)}
      </div>
    </section>
  );
}

function WaitingCard({ w }: { w: WaitingInvite }) {
  const me = useMyFingerprint();
  const titleId = useId();
  const name = w.from.displayName;
  return (
    <article className="invitation card waiting" aria-labelledby={titleId}>
      <h3 id={titleId} className="invitation-title">
        <span className="badge badge-pending">Waiting</span> {name} invited you to {w.kind === 'photo' ? 'a photo' : 'an album'}
      </h3>
      <p>
        <strong>{name}</strong> <span className="invitation-email">&lt;{w.from.email}&gt;</span> invited you to {w.kind === 'photo' ? 'a photo' : 'an album'} — waiting
        for {name} to finish sharing. Their Obscura seals it to your new key the next time they open it; then you can accept it here.
      </p>
      <p className="invitation-fp">
        <span className="hint">Your key fingerprint</span>{' '}
        {me ? <Fingerprint label="Your key fingerprint" value={me.fingerprint} /> : <span className="hint" role="status">Loading…</span>}
        <span className="hint">(they see the same one when they finish)</span>
      </p>
      <p className="hint">Invited {formatDateTime(w.invitedAt)} as {w.role === 'editor' ? 'an editor' : 'a viewer'}.</p>
    </article>
  );
}
