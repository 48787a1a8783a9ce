// One album (/albums/:albumId): its photos with each uploader's name, and what my role allows.
// [Note: album roles in the page] Owner: rename, set cover, share, delete, add/upload, remove any
// photo. Editor: add/upload, remove only photos they added; no rename, no cover, no share.
// Viewer: looks and downloads. Non-owners may leave. The server and the SDK refuse the same
// things on their own; the page only does not offer them.
// [Note: sharing one photo of an album] The owner shares a single photo from here (the viewer's
// Share, or Share with one photo selected): by email, as a one-photo share, or by public link,
// the photo opened through this album (it may be in no one's library: uploaded straight in).
// Editors may do so for photos they added themselves (the server lets a photo's owner share it
// onward; someone else's photo only its album's owner).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { worker } from '../../client/worker.ts';
import { useWorkerEvent } from '../../client/events.ts';
import { useAuth } from '../../app/auth.tsx';
import type { AlbumSummary, PhotoItem } from '../../shared/types.ts';
import type { AlbumPhotoItem } from '../../worker/albums.ts';
import { AppError, errorText, type AppErrorInfo } from '../../shared/rpc.ts';
import { Empty, ErrorMessage, PageHeader, Skeleton } from '../../ui/bits.tsx';
import { notify } from '../../ui/notices.tsx';
import { UploadButton } from '../upload/index.tsx';
import { ShareDialog } from '../sharing/ShareDialog.tsx';
import { albumName, photoCount, roleLabel } from './words.ts';
import { AddPhotosDialog, DeleteAlbumDialog, LeaveAlbumDialog, RemovePhotosDialog, RenameAlbumDialog } from './AlbumDialogs.tsx';
import { MoreMenu, type MenuItem } from './Menu.tsx';
import { PhotoGrid, type PhotoGridHandle } from '../photos/PhotoGrid.tsx';
import { Viewer } from '../photos/Viewer.tsx';
import './albums.css';

/** A button in the viewer's top bar (its words hide at phone width; the name stays for screen readers). */
function ViewerAction(props: { icon: string; label: string; onClick: () => void; disabled?: boolean }) {
  return (
    <button type="button" className="viewer-button" aria-label={props.label} title={props.label} onClick={props.onClick} disabled={props.disabled}>
      <span aria-hidden="true">{props.icon}</span><span className="viewer-button-text">{props.label}</span>
    </button>
  );
}

const REFUSALS = new Set<AppErrorInfo['kind']>(['album-trust', 'key-changed', 'integrity']);

type Open = 'rename' | 'delete' | 'leave' | 'share' | 'add' | 'remove' | null;

export function AlbumPage() {
  const { albumId = '' } = useParams();
  const navigate = useNavigate();
  const me = useAuth().user?.id;
  const [album, setAlbum] = useState<AlbumSummary>();
  const [items, setItems] = useState<AlbumPhotoItem[]>();
  const [error, setError] = useState<unknown>();
  const [selection, setSelection] = useState<ReadonlySet<string>>(new Set());
  const [viewing, setViewing] = useState<number>();
  const [open, setOpen] = useState<Open>(null);
  const [removing, setRemoving] = useState<readonly AlbumPhotoItem[]>([]);
  /** The photo the single-photo share dialog is for (distinct from the album's own Share). */
  const [sharingPhoto, setSharingPhoto] = useState<string | null>(null);
  const loads = useRef(0);
  const grid = useRef<PhotoGridHandle>(null);

  const load = useCallback(async () => {
    const n = ++loads.current;
    try {
      let a: AlbumSummary;
      try {
        a = await worker.albums.get(albumId);
      } catch (e) {
        // A refused album stays listed with its problem, so its owner can still delete it and a member leave it.
        const listed = e instanceof AppError && REFUSALS.has(e.kind) ? (await worker.albums.list()).find((x) => x.albumId === albumId) : undefined;
        if (!listed) throw e;
        if (n !== loads.current) return;
        setAlbum(listed);
        setItems(undefined);
        setError(listed.problem ? undefined : e);
        return;
      }
      if (n !== loads.current) return;
      setAlbum(a);
      const list = await worker.albums.photos(albumId);
      if (n !== loads.current) return;
      setItems(list);
      setError(undefined);
      // drop from the selection what is no longer here
      setSelection((s) => (s.size === 0 ? s : new Set(list.filter((i) => s.has(i.fileId)).map((i) => i.fileId))));
    } catch (e) {
      if (n === loads.current) setError(e);
    }
  }, [albumId]);

  useEffect(() => {
    setAlbum(undefined); setItems(undefined); setError(undefined); setSelection(new Set()); setViewing(undefined);
    void load();
  }, [load]);
  // Uploads into this album (and saves to my library) report a library change.
  useWorkerEvent('library-changed', () => { void load(); });

  const present = useMemo(() => new Set((items ?? []).map((i) => i.fileId)), [items]);

  if (!album) {
    return (
      <>
        <PageHeader title="Album" />
        {error !== undefined
          ? <><ErrorMessage error={error} /><p><Link to="/albums">Back to albums</Link></p></>
          : <Skeleton label="Loading album" />}
      </>
    );
  }

  const name = albumName(album);
  const isOwner = album.myRole === 'owner';
  const trusted = album.trust === 'verified';
  const canAdd = (isOwner || album.myRole === 'editor') && trusted && album.kind === 'album';
  /** A one-photo share opens here too; its menus say "share", not "album". */
  const noun = album.kind === 'photo' ? 'share' : 'album';
  const canRemove = (i: PhotoItem) => isOwner || (album.myRole === 'editor' && i.addedBy?.id === me);
  const selected = (items ?? []).filter((i) => selection.has(i.fileId));
  const notMine = selected.filter((i) => !canRemove(i)).length;
  const toSave = selected.filter((i) => !i.inMyLibrary && !i.problem);
  const canShareOne = (i: PhotoItem) => trusted && album.kind === 'album' && !i.problem && (isOwner || (album.myRole === 'editor' && i.addedBy?.id === me));
  const mayShareOne = trusted && album.kind === 'album' && (isOwner || album.myRole === 'editor');

  async function setCover(fileId: string) {
    try {
      setAlbum(await worker.albums.setCover(albumId, fileId));
      notify('Cover set');
    } catch (e) {
      notify(errorText(e), 'error');
    }
  }

  async function saveToLibrary(list: readonly AlbumPhotoItem[]) {
    try {
      const n = await worker.albums.saveToLibrary(albumId, list.map((i) => i.fileId));
      notify(n === 0 ? 'Already in your library' : `${photoCount(n)} saved to your library`);
      void load();
    } catch (e) {
      notify(errorText(e), 'error');
    }
  }

  const menu: MenuItem[] = isOwner
    ? [
        ...(album.kind === 'album' ? [{ label: 'Rename', onSelect: () => setOpen('rename'), disabled: !trusted }] : []),
        { label: `Delete ${noun}`, onSelect: () => setOpen('delete'), danger: true },
      ]
    : [{ label: `Leave ${noun}`, onSelect: () => setOpen('leave'), danger: true }];

  const viewerItem = viewing !== undefined ? items?.[viewing] : undefined;
  return (
    <>
      <PageHeader title={name}>
        {canAdd && <button type="button" className="button" onClick={() => setOpen('add')}>Add photos</button>}
        {canAdd && <UploadButton albumId={albumId} />}
        {isOwner && <button type="button" className="button" disabled={!trusted} onClick={() => setOpen('share')}>Share</button>}
        <MoreMenu items={menu} />
      </PageHeader>
      <p className="album-subtitle">
        <span>{photoCount(album.itemCount)}</span>
        {isOwner && album.sharedByMe && <span className="badge badge-shared">Shared{album.memberCount > 0 ? ` with ${album.memberCount} ${album.memberCount === 1 ? 'person' : 'people'}` : ''}</span>}
        {!isOwner && <span>Shared by {album.owner.displayName} ({album.owner.email})</span>}
        {!isOwner && <span className="badge">You are {album.myRole === 'editor' ? 'an' : 'a'} {roleLabel(album.myRole).toLowerCase()}</span>}
      </p>
      {!trusted && album.problem && (
        <p className="album-problem" role="note"><strong>{album.trust === 'refused' ? 'This album was refused: ' : 'Read-only for now: '}</strong>{album.problem}</p>
      )}
      <ErrorMessage error={error} />

      {selected.length > 0 && (
        <div className="selection-bar" role="region" aria-label="Selection">
          <strong>{photoCount(selected.length)} selected</strong>
          {isOwner && trusted && selected.length === 1 && !selected[0]!.problem && (
            <button type="button" className="button" onClick={() => void setCover(selected[0]!.fileId)}>Set as cover</button>
          )}
          {selected.length === 1 && canShareOne(selected[0]!) && (
            <button type="button" className="button" onClick={() => setSharingPhoto(selected[0]!.fileId)}>Share</button>
          )}
          {toSave.length > 0 && <button type="button" className="button" onClick={() => void saveToLibrary(toSave)}>Save to my library</button>}
          {(isOwner || album.myRole === 'editor') && (
            <button type="button" className="button" disabled={notMine > 0} onClick={() => { setRemoving(selected); setOpen('remove'); }}>Remove from album</button>
          )}
          <button type="button" className="button" onClick={() => setSelection(new Set())}>Clear selection</button>
          {notMine > 0 && <p className="selection-note">Editors can remove only photos they added; {notMine} of the selected {notMine === 1 ? 'was' : 'were'} added by others.</p>}
        </div>
      )}

      {items === undefined
        ? error === undefined && album.trust !== 'refused' && <Skeleton label="Loading photos" />
        : items.length === 0
          ? <Empty title="This album is empty">{canAdd && <p>Add photos from your timeline, or upload straight into this album.</p>}</Empty>
          : <PhotoGrid ref={grid} scope={`album:${albumId}`} items={items} groupBy="none" onOpen={setViewing} label={`Photos of “${name}”`}
              selection={selection} onSelectionChange={setSelection} caption={(i) => i.uploader.displayName} />}

      {viewerItem && items && viewing !== undefined && (
        <Viewer scope={`album:${albumId}`} items={items} index={viewing} onIndexChange={setViewing} onClose={() => setViewing(undefined)}
          afterClose={(i) => grid.current?.focusItem(i)}
          actions={(item) => {
            const full = items.find((i) => i.fileId === item.fileId);
            return (
              <>
                {isOwner && trusted && !item.problem && (
                  <ViewerAction icon="★" label={album.coverFileId === item.fileId ? 'The cover' : 'Set as cover'}
                    disabled={album.coverFileId === item.fileId} onClick={() => void setCover(item.fileId)} />
                )}
                {canShareOne(item) && <ViewerAction icon="↗" label="Share" onClick={() => setSharingPhoto(item.fileId)} />}
                {full && !full.inMyLibrary && !full.problem && <ViewerAction icon="⊕" label="Save to my library" onClick={() => void saveToLibrary([full])} />}
                {full && canRemove(full) && <ViewerAction icon="⊖" label="Remove from album" onClick={() => { setRemoving([full]); setOpen('remove'); }} />}
              </>
            );
          }} />
      )}

      <RenameAlbumDialog album={album} open={open === 'rename'} onClose={() => setOpen(null)}
        onRenamed={(a) => { setAlbum(a); setOpen(null); notify(`Renamed to “${albumName(a)}”`); }} />
      <DeleteAlbumDialog album={album} open={open === 'delete'} onClose={() => setOpen(null)}
        onDeleted={(n) => {
          setOpen(null);
          notify(`Deleted “${name}”${n > 0 ? `; ${photoCount(n)} that nobody else kept ${n === 1 ? 'was' : 'were'} deleted for good` : ''}`);
          navigate('/albums');
        }} />
      {!isOwner && (
        <LeaveAlbumDialog album={album} open={open === 'leave'} onClose={() => setOpen(null)}
          onLeft={(saved) => {
            setOpen(null);
            notify(`You left “${name}”${saved > 0 ? `; ${photoCount(saved)} saved to your library` : ''}`);
            navigate('/albums');
          }} />
      )}
      <RemovePhotosDialog album={album} items={removing} open={open === 'remove'} onClose={() => setOpen(null)}
        onRemoved={(n) => {
          setOpen(null);
          setViewing(undefined);
          setSelection(new Set());
          notify(`${photoCount(n)} removed from “${name}”`);
          void load();
        }} />
      {canAdd && (
        <AddPhotosDialog album={album} present={present} open={open === 'add'} onClose={() => setOpen(null)}
          onAdded={(added, asked) => {
            setOpen(null);
            notify(`${photoCount(added)} added to “${name}”${asked > added ? ` (${asked - added} ${asked - added === 1 ? 'was' : 'were'} already in it)` : ''}`);
            void load();
          }} />
      )}
      {isOwner && <ShareDialog target={{ kind: 'album', albumId }} open={open === 'share'} onClose={() => { setOpen(null); void load(); }} />}
      {mayShareOne && (
        <ShareDialog target={{ kind: 'photos', fileIds: sharingPhoto ? [sharingPhoto] : [], scope: `album:${albumId}` }} open={sharingPhoto !== null}
          onClose={() => setSharingPhoto(null)} />
      )}
    </>
  );
}
