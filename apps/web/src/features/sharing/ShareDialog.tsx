// The share dialog, for an album or for photos (one, or several as a new album): invite people
// by email as viewers or editors, see and manage who has access, stop sharing, and (below) the
// public links. Opened from an album's header, a photo's menu or a selection.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ALBUM_MEMBERS_MAX, INVITE_EMAIL_MESSAGE_MAX } from '@obscura/protocol';
import type { PhotoScope } from '../../shared/types.ts';
import type { ExternalInvite, Member, ShareResult, ShareTargetInfo } from '../../worker/sharing.ts';
import { worker } from '../../client/worker.ts';
import { AppError, errorText } from '../../shared/rpc.ts';
import { Contained } from './Contained.tsx';
import { ConfirmDialog, Dialog } from '../../ui/Dialog.tsx';
import { ErrorMessage, ProgressBar } from '../../ui/bits.tsx';
import { formatWait, sentence, useRetryCountdown } from '../account/forms.tsx';
import { LinksSection } from '../links/LinksSection.tsx';
import { EmailChips } from './EmailChips.tsx';
import { KeyChangeWarning } from './Fingerprints.tsx';
import { People, isLive } from './People.tsx';
import { isOpenExternal } from './External.tsx';
import { addEmails, links as linkWords, listWords, people as peopleWords, type EmailEntry } from './emails.ts';
import './sharing.css';

export type ShareTarget =
  | { readonly kind: 'album'; readonly albumId: string }
  | { readonly kind: 'photos'; readonly fileIds: readonly string[]; readonly scope: PhotoScope };

type Role = 'viewer' | 'editor';

const defaultAlbumName = (n: number) =>
  `${n} photos, ${new Date().toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' })}`;

export function ShareDialog({ target, open, onClose }: { target: ShareTarget; open: boolean; onClose: () => void }) {
  const fileIds = target.kind === 'photos' ? target.fileIds : [];
  const scope: PhotoScope = target.kind === 'photos' ? target.scope : 'library';
  const several = fileIds.length > 1;
  const fileId = fileIds.length === 1 ? fileIds[0]! : undefined;
  const targetKey = target.kind === 'album' ? `album:${target.albumId}` : `photos:${target.scope}:${target.fileIds.join(',')}`;
  /** A photo seen in an album: its links open it through the album (it may not be in my library). */
  const albumOfScope = scope.startsWith('album:') ? scope.slice('album:'.length) : undefined;

  /** The album (or one-photo share) managed here: undefined while looking, null when there is none yet. */
  const [shareId, setShareId] = useState<string | null>();
  const [info, setInfo] = useState<ShareTargetInfo>();
  const [members, setMembers] = useState<Member[]>();
  /** Invitations I sent from here to emails without an account (the owner's; others see none). */
  const [external, setExternal] = useState<ExternalInvite[]>([]);
  const [loadError, setLoadError] = useState<unknown>();
  const [linksVersion, setLinksVersion] = useState(0);
  const [stop, setStop] = useState<{ people: number; links: number; invitations: number }>();
  const [stopping, setStopping] = useState(false);
  const [stopError, setStopError] = useState<unknown>();
  /** What stopping did, said in the dialog (see [Note: words inside the dialog]). */
  const [stopSaid, setStopSaid] = useState<string>();

  // Where the people are: the album itself, the photo's earlier one-photo share, or nothing yet.
  useEffect(() => {
    if (!open) return;
    let live = true;
    setShareId(undefined); setInfo(undefined); setMembers(undefined); setExternal([]); setLoadError(undefined); setStopError(undefined);
    const find = target.kind === 'album' ? Promise.resolve(target.albumId)
      : fileId ? worker.sharing.photoShare(fileId).then((s) => s?.albumId ?? null)
      : Promise.resolve(null);
    find.then((id) => { if (live) setShareId(id); }, (e: unknown) => { if (live) { setLoadError(e); setShareId(null); } });
    return () => { live = false; };
  }, [open, targetKey]);

  const reload = useCallback(async (id: string) => {
    setLoadError(undefined);
    try {
      const [i, m, x] = await Promise.all([worker.sharing.target(id), worker.sharing.members(id), worker.sharing.externalInvitations(id)]);
      setInfo(i);
      setMembers(m);
      setExternal(i.myRole === 'owner' ? x : []);
    } catch (e) {
      setLoadError(e);
    }
  }, []);
  useEffect(() => { if (open && shareId) void reload(shareId); }, [open, shareId, reload]);

  const isOwner = shareId ? info?.myRole === 'owner' : target.kind === 'photos';
  const ready = shareId === null || (shareId !== undefined && info !== undefined);
  const canInvite = ready && isOwner && (!info || info.trust === 'verified');
  const kind: 'album' | 'photo' = info?.kind ?? (target.kind === 'album' ? 'album' : several ? 'album' : 'photo');
  const name = info?.name ?? (target.kind === 'album' ? 'this album' : several ? `${fileIds.length} photos` : 'this photo');
  const others = (members ?? []).filter((m) => isLive(m) && m.role !== 'owner');
  /** Invitations to emails without an account that still hold a place (they count toward the 100 people). */
  const openExternal = external.filter(isOpenExternal);

  const title = target.kind === 'album'
    ? `Share “${info?.name ?? 'album'}”`
    : several ? `Share ${fileIds.length} photos` : 'Share photo';

  const askStop = async () => {
    setStopError(undefined);
    setStopSaid(undefined);
    try {
      const links = target.kind === 'album' && shareId ? (await worker.sharing.target(shareId)).linkCount
        : fileId ? await worker.sharing.photoLinkCount(fileId) : 0;
      if (others.length === 0 && external.length === 0 && links === 0) setStopSaid('Nothing to stop: nobody has access and there is no public link.');
      else setStop({ people: others.length, links, invitations: external.length });
    } catch (e) {
      setStopError(e);
    }
  };

  const doStop = async () => {
    setStopping(true);
    try {
      if (target.kind === 'album' && shareId) await worker.sharing.unshare(shareId);
      else if (fileId) await worker.sharing.stopSharingPhoto(fileId, shareId ?? null);
      setStopSaid(`Stopped sharing: ${peopleWords(stop?.people ?? 0)} lost access and ${linkWords(stop?.links ?? 0)} ended${stop?.invitations ? `; ${invitationWords(stop.invitations)} to sign up cancelled` : ''}.`);
      setStop(undefined);
      setLinksVersion((v) => v + 1);
      if (shareId) await reload(shareId);
    } catch (e) {
      setStop(undefined);
      setStopError(e);
    } finally {
      setStopping(false);
    }
  };

  const showStop = isOwner && !several && ready && (info === undefined || info.trust === 'verified');

  return (
    <Dialog title={title} open={open} onClose={onClose} wide>
      {shareId === undefined || (shareId && !info && !loadError) ? (
        <p className="hint" role="status">Loading who has access…</p>
      ) : null}
      {loadError !== undefined && (
        <div className="row">
          <ErrorMessage error={loadError} />
          {shareId && <button type="button" className="button" onClick={() => void reload(shareId)}>Try again</button>}
        </div>
      )}
      {info?.problem && <p className="error" role="alert">This {info.kind} cannot be shared: {info.problem}.</p>}
      {ready && !isOwner && info && (
        <p className="hint">Only {info.owner.displayName} (the owner) can invite people or change who has access.</p>
      )}

      {canInvite && (
        <InviteForm kind={kind} name={name} several={several && !shareId ? fileIds.length : 0}
          current={others.length + openExternal.length}
          share={async (emails, opts) => {
            const r = shareId
              ? await worker.sharing.share(shareId, emails, opts)
              : await worker.sharing.sharePhotos([...fileIds], scope, emails, opts);
            // Load the new share's people before switching to it, so this form (and what it says) stays.
            if (r.albumId) await reload(r.albumId);
            if (r.albumId && r.albumId !== shareId) setShareId(r.albumId);
            return r;
          }} />
      )}

      {shareId && info && members && (
        <People albumId={shareId} kind={info.kind} name={info.name ?? name} members={members} external={external} canManage={isOwner && info.trust === 'verified'}
          onChanged={() => reload(shareId)} />
      )}

      {showStop && (
        <section className="stop-sharing" aria-label="Stop sharing">
          <button type="button" className="button button-danger-outline" onClick={() => void askStop()}>Stop sharing</button>
          <p className="hint">Removes everyone’s access and ends every public link {kind === 'photo' ? 'to this photo' : 'of this album'} at once.</p>
          {stopSaid && <p className="ok" role="status">{stopSaid}</p>}
          <ErrorMessage error={stopError} />
        </section>
      )}
      <Contained>
        <ConfirmDialog title={`Stop sharing ${kind === 'photo' ? 'this photo' : `“${name}”`}?`} open={stop !== undefined} danger busy={stopping}
          confirmLabel="Stop sharing" onCancel={() => setStop(undefined)} onConfirm={() => void doStop()}>
          {stop && (
            <>
              <p><strong>{capitalize(peopleWords(stop.people))}</strong> will lose access and <strong>{linkWords(stop.links)}</strong> will stop working, at once.</p>
              {stop.invitations > 0 && <p>{capitalize(invitationWords(stop.invitations))} to people without an account {stop.invitations === 1 ? 'is' : 'are'} cancelled too.</p>}
              <p className="hint">
                {kind === 'album'
                  ? 'The album key is renewed, so nobody removed can read photos added later. The album and its photos stay yours.'
                  : 'The photo stays in your library.'} You can share again at any time.
              </p>
            </>
          )}
        </ConfirmDialog>
      </Contained>

      {isOwner && ready && !several && (
        <Contained key={linksVersion}>
          {target.kind === 'album'
            ? <LinksSection target={{ kind: 'album', albumId: target.albumId }} />
            : fileId && <LinksSection target={{ kind: 'file', fileId, ...(albumOfScope ? { albumId: albumOfScope } : {}) }} />}
        </Contained>
      )}
      {several && <p className="hint">Public links: share the photos first; then open the new album and make a link to it from its Share button.</p>}
    </Dialog>
  );
}

/** Chips looked up at most this many at a time: each lookup counts against the server's per-minute allowance, as sharing's own does. */
const CHIP_LOOKUP_MAX = 10;

/**
 * [Note: chips that have no account] Which typed emails have no Obscura account yet, so their
 * chip can say they get an invitation to sign up. Asked once per batch of new chips (after a
 * short pause), only for a few (CHIP_LOOKUP_MAX); a refusal (e.g. rate-limited) leaves the chips
 * as they are: sharing finds out again either way.
 */
function useNoAccount(entries: readonly EmailEntry[]): ReadonlySet<string> {
  const known = useRef(new Map<string, boolean>());
  const [, render] = useState(0);
  const unknown = entries.filter((x) => x.valid && !known.current.has(x.email)).map((x) => x.email);
  const key = unknown.join(' ');
  useEffect(() => {
    if (unknown.length === 0 || unknown.length > CHIP_LOOKUP_MAX) return;
    let live = true;
    const t = setTimeout(() => {
      worker.sharing.accounts(unknown).then((list) => {
        for (const a of list) known.current.set(a.email, a.hasAccount);
        if (live) render((n) => n + 1);
      }, () => undefined);
    }, 250);
    return () => { live = false; clearTimeout(t); };
  }, [key]);
  return new Set(entries.filter((x) => known.current.get(x.email) === false).map((x) => x.email));
}

function InviteForm(props: {
  kind: 'album' | 'photo';
  name: string;
  /** >0: several photos, shared as a new album of this many photos. */
  several: number;
  /** People who have access already, or an open invitation (the owner aside). */
  current: number;
  share: (emails: string[], opts: { role: Role; message?: string; includeNameInEmail: boolean; albumName?: string }) => Promise<ShareResult>;
}) {
  const [entries, setEntries] = useState<EmailEntry[]>([]);
  const [draft, setDraft] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [message, setMessage] = useState('');
  const [inEmail, setInEmail] = useState(false);
  const [albumName, setAlbumName] = useState(() => defaultAlbumName(props.several));
  const [busy, setBusy] = useState(false);
  /** What is wrong with what was typed (said at the addresses). */
  const [error, setError] = useState<string>();
  /** The server's (or the SDK's) refusal of the share: said next to the Share button, where the person looks. */
  const [refusal, setRefusal] = useState<unknown>();
  const [result, setResult] = useState<ShareResult>();
  const [keyChange, setKeyChange] = useState<string>();
  const [trusted, setTrusted] = useState<string>();
  const noAccount = useNoAccount(entries);
  const roleName = useId();
  const messageId = useId();
  const messageHint = useId();
  const optHint = useId();
  const nameId = useId();
  const retry = useRetryCountdown();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const all = draft.trim() ? addEmails(entries, draft) : entries;
    setEntries(all);
    setDraft('');
    setResult(undefined);
    setKeyChange(undefined);
    setTrusted(undefined);
    setRefusal(undefined);
    const bad = all.filter((x) => !x.valid).map((x) => x.email);
    if (all.length === 0) { setError('Add at least one email address.'); return; }
    if (bad.length > 0) { setError(`Fix or remove ${listWords(bad)}: ${bad.length === 1 ? 'it is not an email address' : 'these are not email addresses'}.`); return; }
    if (props.current + all.length > ALBUM_MEMBERS_MAX) {
      setError(`A${props.kind === 'photo' ? ' photo' : 'n album'} can be shared with at most ${ALBUM_MEMBERS_MAX} people (invitations to people without an account count too): ${props.current} already have access or an invitation and you are adding ${all.length}.`);
      return;
    }
    if (props.several > 0 && !albumName.trim()) { setError('Give the new album a name.'); return; }
    setError(undefined);
    setBusy(true);
    try {
      const r = await props.share(all.map((x) => x.email), {
        role, includeNameInEmail: inEmail, ...(message.trim() ? { message: message.trim() } : {}),
        ...(props.several > 0 ? { albumName: albumName.trim() } : {}),
      });
      setResult(r);
      setEntries([]);
      if (r.invited.length > 0 || r.invitedWithoutAccount.length > 0) { setMessage(''); setInEmail(false); }
    } catch (err) {
      if (err instanceof AppError && err.kind === 'key-changed' && err.info.person?.email) setKeyChange(err.info.person.email);
      else {
        if (err instanceof AppError && err.kind === 'rate-limited') retry.start(err.info.retryAfterS ?? 60);
        setRefusal(err);
      }
    } finally {
      setBusy(false);
    }
  };

  const noun = props.kind === 'photo' ? 'photo' : 'album';
  const waiting = refusal instanceof AppError && refusal.kind === 'rate-limited' && retry.left > 0;
  return (
    <form className="invite" onSubmit={(e) => void submit(e)} aria-label="Invite people">
      {props.several > 0 && (
        <div className="several-note">
          <p>These {props.several} photos are shared as a <strong>new album</strong> that holds them (nothing is uploaded again). The people you invite see that album; you can add or remove photos later.</p>
          <div className="field">
            <label htmlFor={nameId}>Name of the new album</label>
            <input id={nameId} type="text" value={albumName} maxLength={200} required disabled={busy} onChange={(e) => setAlbumName(e.target.value)} />
          </div>
        </div>
      )}
      <EmailChips entries={entries} onChange={(n) => { setEntries(n); setError(undefined); }} draft={draft} onDraft={setDraft} disabled={busy}
        noAccount={noAccount} {...(error ? { error } : {})} />

      <fieldset className="roles" disabled={busy}>
        <legend>Access</legend>
        <label className="role-option">
          <input type="radio" name={roleName} value="viewer" checked={role === 'viewer'} onChange={() => setRole('viewer')} />
          <span><strong>Viewer</strong><span className="role-text">Can see and download {props.kind === 'photo' ? 'it' : 'its photos'}.</span></span>
        </label>
        <label className="role-option">
          <input type="radio" name={roleName} value="editor" checked={role === 'editor'} onChange={() => setRole('editor')} />
          <span><strong>Editor</strong><span className="role-text">
            {props.kind === 'photo'
              ? 'Can also change its caption.'
              : 'Can also add photos (they count against your storage) and remove the ones they added. Cannot rename the album or change its cover.'}
          </span></span>
        </label>
      </fieldset>

      <div className="field">
        <label htmlFor={messageId}>Message (optional)</label>
        <textarea id={messageId} rows={2} maxLength={INVITE_EMAIL_MESSAGE_MAX} value={message} disabled={busy}
          aria-describedby={messageHint} onChange={(e) => setMessage(e.target.value)} />
        <p id={messageHint} className="field-hint">Shown to them with the invitation in Obscura, end-to-end encrypted.</p>
      </div>
      <label className="check">
        <input type="checkbox" checked={inEmail} disabled={busy} aria-describedby={optHint} onChange={(e) => setInEmail(e.target.checked)} />
        <span>Include the {noun} name and the message in the invitation email</span>
      </label>
      <p id={optHint} className="field-hint opt-hint">
        {inEmail
          ? `The email goes through your Obscura server: the server can then read the ${noun} name “${props.name}”${message.trim() ? ' and your message' : ''}. It does not keep them.`
          : `Off: the email only says who shared a${props.kind === 'photo' ? ' photo' : 'n album'} with them. The server never learns the ${noun} name or your message.`}
      </p>

      {keyChange && (
        <KeyChangeWarning email={keyChange} action="shared" onTrusted={() => { setTrusted(keyChange); setKeyChange(undefined); setError(undefined); setResult(undefined); }}
          onDismiss={() => setKeyChange(undefined)} />
      )}
      {trusted && <p className="ok" role="status">You now trust the new keys of {trusted}. Click Share to invite them.</p>}

      <div className="invite-actions">
        <button type="submit" className="button button-primary" disabled={busy || waiting}>{busy ? 'Sharing…' : 'Share'}</button>
        {busy && <ProgressBar value={0} max={0} label="Sharing" />}
        {busy && <span className="hint" role="status">Sealing the {noun} key to each person…</span>}
      </div>
      {refusal !== undefined && <Refusal error={refusal} retryLeft={retry.left} />}
      {result && <ResultNote result={result} noun={noun} />}
    </form>
  );
}

/** Why the share did not happen, next to the Share button; a rate limit counts down to "try again now". */
function Refusal({ error, retryLeft }: { error: unknown; retryLeft: number }) {
  if (error instanceof AppError && error.kind === 'rate-limited') {
    if (retryLeft <= 0) return <p className="hint invite-refusal" role="status">You can share again now.</p>;
    return (
      <p className="error invite-refusal" role="alert">
        Nothing was shared: {error.message.replace(/[;,]?\s*try again in .*$/, '')}. Share again in <span role="timer">{formatWait(retryLeft)}</span>.
      </p>
    );
  }
  return <p className="error invite-refusal" role="alert">Nothing was shared: {sentence(errorText(error))}</p>;
}

function ResultNote({ result, noun }: { result: ShareResult; noun: string }) {
  const without = result.invitedWithoutAccount;
  return (
    <div className="share-result" role="status">
      {result.createdAlbum && (
        <p>Shared as the new album <Link to={`/albums/${result.createdAlbum.albumId}`}>“{result.createdAlbum.name}”</Link>.</p>
      )}
      {result.invited.length > 0 && <p className="ok">Invited {listWords(result.invited)}. They see the invitation in Obscura and by email.</p>}
      {without.length > 0 && (
        <p className="ok">
          Invited {listWords(without)} to sign up: {without.length === 1 ? 'this address has' : 'these addresses have'} no Obscura account yet.
          Once they sign up, you finish sharing here by confirming their key.
        </p>
      )}
      {result.alreadyIn.length > 0 && <p className="hint">{listWords(result.alreadyIn)} already {result.alreadyIn.length === 1 ? 'has' : 'have'} access to this {noun}, or an invitation.</p>}
    </div>
  );
}

const invitationWords = (n: number) => `${n} ${n === 1 ? 'invitation' : 'invitations'}`;
const capitalize = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
