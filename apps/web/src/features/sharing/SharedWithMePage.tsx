// "Shared with me": pending invitations first (what, from whom with their verified identity,
// the role and message; Accept or Decline), then invitations sent to me before I had an account
// (waiting for their senders to finish sharing), then the albums and photos I accepted.
import { useCallback, useEffect, useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { worker } from '../../client/worker.ts';
import type { AlbumSummary } from '../../shared/types.ts';
import type { Invitation, WaitingInvite } from '../../worker/sharing.ts';
import { Empty, ErrorMessage, PageHeader } from '../../ui/bits.tsx';
import { notify } from '../../ui/notices.tsx';
import { AlbumGridSkeleton } from '../albums/AlbumGrid.tsx';
import { InvitationCard } from './InvitationCard.tsx';
import { SharedCardList } from './SharedCards.tsx';
import { WaitingInvitations } from './Waiting.tsx';
import { checkToFinish } from './toFinish.ts';
import './sharing.css';

export function SharedWithMePage() {
  const navigate = useNavigate();
  const [invitations, setInvitations] = useState<Invitation[]>();
  const [albums, setAlbums] = useState<AlbumSummary[]>();
  const [waiting, setWaiting] = useState<WaitingInvite[]>([]);
  const waitingId = useId();
  const [error, setError] = useState<unknown>();
  const invitesId = useId();
  const albumsId = useId();

  const load = useCallback(async () => {
    setError(undefined);
    try {
      const [i, a, w] = await Promise.all([worker.sharing.invitations(), worker.sharing.sharedWithMe(), worker.sharing.waitingInvitations()]);
      setInvitations(i);
      setAlbums(a);
      setWaiting(w);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => { void load(); }, [load]);
  useEffect(() => { void checkToFinish(); }, []);

  return (
    <>
      <PageHeader title="Shared with me" />
      {error !== undefined && (
        <div className="row"><ErrorMessage error={error} /><button type="button" className="button" onClick={() => void load()}>Try again</button></div>
      )}
      {invitations === undefined || albums === undefined ? (
        error === undefined && <AlbumGridSkeleton count={4} />
      ) : (
        <>
          {invitations.length > 0 && (
            <section aria-labelledby={invitesId} className="invitations">
              <h2 id={invitesId}>Invitations ({invitations.length})</h2>
              <div className="invitation-list">
                {invitations.map((i) => (
                  <InvitationCard key={i.invitationId} invitation={i}
                    onAccepted={(albumId) => { notify(`Accepted: ${i.albumName !== undefined ? `“${i.albumName}”` : `the ${i.kind}`} is in Shared with me`); navigate(`/albums/${albumId}`); }}
                    onDeclined={() => { notify('Invitation declined'); void load(); }}
                    onReload={() => void load()} />
                ))}
              </div>
            </section>
          )}
          <WaitingInvitations waiting={waiting} headingId={waitingId} />
          <section aria-labelledby={albumsId}>
            <h2 id={albumsId}>Albums and photos</h2>
            {albums.length === 0 ? (
              <Empty title="Nothing shared with you yet">
                <p>When someone shares an album or a photo with you, the invitation appears here{invitations.length + waiting.length > 0 ? ', above' : ''}.</p>
              </Empty>
            ) : (
              <SharedCardList albums={albums} label="Albums and photos shared with you" />
            )}
          </section>
        </>
      )}
    </>
  );
}
