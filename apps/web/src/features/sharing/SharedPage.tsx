// "Shared": the albums and photos I share, each with how many people have access and whether a
// public link exists; "Manage sharing" opens the share dialog (change roles, remove access, stop
// sharing). "Share an album…" picks one of my albums to share from here.
import { useCallback, useEffect, useState } from 'react';
import { worker } from '../../client/worker.ts';
import type { AlbumSummary } from '../../shared/types.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { Empty, ErrorMessage, PageHeader } from '../../ui/bits.tsx';
import { AlbumGridSkeleton, albumName, photoCount } from '../albums/AlbumGrid.tsx';
import { ShareDialog } from './ShareDialog.tsx';
import { SharedCardList } from './SharedCards.tsx';
import { checkToFinish } from './toFinish.ts';
import './sharing.css';

export function SharedPage() {
  const [albums, setAlbums] = useState<AlbumSummary[]>();
  const [error, setError] = useState<unknown>();
  const [managing, setManaging] = useState<AlbumSummary>();
  const [picking, setPicking] = useState(false);

  const load = useCallback(async () => {
    setError(undefined);
    try {
      setAlbums(await worker.sharing.sharedByMe());
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => { void load(); }, [load]);
  // People I invited who signed up since: the app-wide notice offers to finish sharing with them.
  useEffect(() => { void checkToFinish(); }, []);

  const shareButton = <button type="button" className="button button-primary" onClick={() => setPicking(true)}>Share an album…</button>;
  return (
    <>
      <PageHeader title="Shared">{shareButton}</PageHeader>
      <p className="hint page-intro">Albums and photos you share with people or through public links. You can change or remove anyone’s access at any time.</p>
      {error !== undefined ? (
        <div className="row"><ErrorMessage error={error} /><button type="button" className="button" onClick={() => void load()}>Try again</button></div>
      ) : albums === undefined ? (
        <AlbumGridSkeleton count={4} />
      ) : albums.length === 0 ? (
        <Empty title="You are not sharing anything yet">
          <p>Share an album from here, or open an album or select photos and choose Share.</p>
          {shareButton}
        </Empty>
      ) : (
        <SharedCardList albums={albums} label="Albums and photos you share" action={(a) => (
          <button type="button" className="button button-small" aria-label={`Manage sharing of ${a.kind === 'photo' ? 'photo ' : ''}${albumName(a)}`}
            onClick={() => setManaging(a)}>Manage sharing</button>
        )} />
      )}
      {managing && (
        <ShareDialog target={{ kind: 'album', albumId: managing.albumId }} open onClose={() => { setManaging(undefined); void load(); }} />
      )}
      <PickAlbum open={picking} onClose={() => setPicking(false)} onPick={(a) => { setPicking(false); setManaging(a); }} />
    </>
  );
}

/** "Share an album…": one of my albums (verified, mine) to open the share dialog for. */
function PickAlbum({ open, onClose, onPick }: { open: boolean; onClose: () => void; onPick: (a: AlbumSummary) => void }) {
  const [albums, setAlbums] = useState<AlbumSummary[]>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (!open) return;
    let live = true;
    setAlbums(undefined);
    setError(undefined);
    worker.sharing.shareableAlbums().then((a) => { if (live) setAlbums(a); }, (e: unknown) => { if (live) setError(e); });
    return () => { live = false; };
  }, [open]);
  return (
    <Dialog title="Share an album" open={open} onClose={onClose}>
      {error !== undefined ? <ErrorMessage error={error} />
        : albums === undefined ? <p className="hint" role="status">Loading your albums…</p>
        : albums.length === 0 ? <p>You have no album yet. Create one in Albums, then share it.</p>
        : (
          <ul className="pick-list" aria-label="Your albums">
            {albums.map((a) => (
              <li key={a.albumId}>
                <button type="button" className="pick-item" onClick={() => onPick(a)}>
                  <span className="pick-name">{albumName(a)}</span>
                  <span className="hint">{photoCount(a.itemCount)}{a.memberCount > 0 ? ` · shared with ${a.memberCount}` : ''}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
    </Dialog>
  );
}
