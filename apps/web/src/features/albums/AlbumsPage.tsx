// My albums (/albums): every album I own or was shared with me and accepted, as cards.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { worker } from '../../client/worker.ts';
import { useWorkerEvent } from '../../client/events.ts';
import type { AlbumSummary } from '../../shared/types.ts';
import { ErrorMessage, PageHeader } from '../../ui/bits.tsx';
import { AlbumGrid, AlbumGridSkeleton } from './AlbumGrid.tsx';
import { NewAlbumDialog } from './NewAlbumDialog.tsx';
import './albums.css';

/** Mine first, then those shared with me; otherwise in the server's order. */
const byOwnership = (a: AlbumSummary, b: AlbumSummary) => Number(a.myRole !== 'owner') - Number(b.myRole !== 'owner');

export function AlbumsPage() {
  const navigate = useNavigate();
  const [albums, setAlbums] = useState<AlbumSummary[]>();
  const [error, setError] = useState<unknown>();
  const [creating, setCreating] = useState(false);
  const loads = useRef(0);

  const load = useCallback(async () => {
    const n = ++loads.current;
    try {
      const list = await worker.albums.list();
      if (n !== loads.current) return;
      // Single-photo shares are listed under Shared / Shared with me, not as albums.
      setAlbums(list.filter((a) => a.kind === 'album').sort(byOwnership));
      setError(undefined);
    } catch (e) {
      if (n === loads.current) setError(e);
    }
  }, []);

  useEffect(() => { void load(); }, [load]);
  useWorkerEvent('library-changed', () => { void load(); });

  const newButton = <button type="button" className="button button-primary" onClick={() => setCreating(true)}>New album</button>;
  return (
    <>
      <PageHeader title="Albums">{newButton}</PageHeader>
      <ErrorMessage error={error} />
      {error !== undefined && albums === undefined && <button type="button" className="button" onClick={() => void load()}>Try again</button>}
      {albums === undefined
        ? error === undefined && <AlbumGridSkeleton />
        : <AlbumGrid albums={albums} emptyText="No albums yet" emptyAction={<p>Make an album, then add photos from your timeline or upload straight into it.</p>}
            onChanged={() => void load()} />}
      <NewAlbumDialog open={creating} onClose={() => setCreating(false)}
        onCreated={(a) => { setCreating(false); navigate(`/albums/${a.albumId}`); }} />
    </>
  );
}
