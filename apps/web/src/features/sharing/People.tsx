// "People with access": the owner and everyone invited or in, with role, status and "Verify";
// the owner changes roles and removes access here. Others see the list read-only. Invitations
// to emails without an account follow (the owner's own list; see External.tsx).
import { useId, useState } from 'react';
import { worker } from '../../client/worker.ts';
import type { ExternalInvite, Member } from '../../worker/sharing.ts';
import { Contained } from './Contained.tsx';
import { ConfirmDialog } from '../../ui/Dialog.tsx';
import { ErrorMessage } from '../../ui/bits.tsx';
import { errorText } from '../../shared/rpc.ts';
import { FingerprintPair } from './Fingerprints.tsx';
import { ExternalRow } from './External.tsx';

const ROLE = { owner: 'Owner', editor: 'Editor', viewer: 'Viewer' } as const;
const STATUS = { pending: 'Invited', active: 'Active', declined: 'Declined', removed: 'Removed', left: 'Left' } as const;

export const isLive = (m: Member) => m.status === 'active' || m.status === 'pending';

export function People(props: {
  albumId: string;
  kind: 'album' | 'photo';
  /** Album or photo name, for the confirmations. */
  name: string;
  members: readonly Member[];
  /** Invitations I sent to emails without an account (empty for people other than the owner). */
  external?: readonly ExternalInvite[];
  canManage: boolean;
  /** Reloads the people (resolves when the list shows the change). */
  onChanged: () => Promise<void>;
}) {
  const titleId = useId();
  // [Note: words inside the dialog] notices at the foot of the page sit behind a modal dialog,
  // so what an action in the dialog did is said in the dialog itself.
  const [said, setSaid] = useState<string>();
  const live = props.members.filter(isLive).sort((a, b) => (a.role === 'owner' ? -1 : b.role === 'owner' ? 1 : a.email.localeCompare(b.email)));
  const others = live.filter((m) => m.role !== 'owner');
  const external = props.external ?? [];
  return (
    <section className="people" aria-labelledby={titleId}>
      <h3 id={titleId}>People with access</h3>
      {others.length === 0 && external.length === 0 && <p className="hint">Nobody else yet: only you can see this {props.kind}.</p>}
      {said && <p className="ok" role="status">{said}</p>}
      <ul className="people-list">
        {live.map((m) => <PersonRow key={m.invitationId} member={m} {...props} onSaid={setSaid} />)}
        {external.map((x) => <ExternalRow key={x.id} invitation={x} canManage={props.canManage} onChanged={props.onChanged} onSaid={setSaid} />)}
      </ul>
    </section>
  );
}

function PersonRow(props: {
  member: Member; albumId: string; kind: 'album' | 'photo'; name: string; canManage: boolean; onChanged: () => Promise<void>; onSaid: (text: string) => void;
}) {
  const m = props.member;
  const [verifying, setVerifying] = useState(false);
  const [busy, setBusy] = useState<'role' | 'remove'>();
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<unknown>();
  /** The role being saved (shown meanwhile), then what was done, in words. */
  const [pendingRole, setPendingRole] = useState<'viewer' | 'editor'>();
  const [done, setDone] = useState<string>();
  const nameId = useId();
  const verifyId = useId();
  const manageable = props.canManage && m.role !== 'owner';

  const setRole = async (role: 'viewer' | 'editor') => {
    setBusy('role');
    setPendingRole(role);
    setError(undefined);
    setDone(undefined);
    try {
      await worker.sharing.setRole(props.albumId, m.email, role);
      await props.onChanged();
      setDone(`${m.displayName} is now ${role === 'editor' ? 'an editor' : 'a viewer'}.`);
      props.onSaid('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
      setPendingRole(undefined);
    }
  };

  const remove = async () => {
    setBusy('remove');
    setError(undefined);
    try {
      await worker.sharing.revoke(props.albumId, m.email);
      setConfirm(false);
      props.onSaid(`${m.displayName} <${m.email}> no longer has access.`);
      await props.onChanged();
    } catch (e) {
      setConfirm(false);
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <li className="person" aria-labelledby={nameId}>
      <div className="person-main">
        <span className="person-avatar" aria-hidden="true">{initial(m.displayName)}</span>
        <div className="person-text">
          <span id={nameId} className="person-name">{m.displayName}{m.isMe ? ' (you)' : ''}</span>
          <span className="person-email">{m.email}</span>
          <span className="person-facts">
            {m.role !== 'owner' && <span className={`badge badge-${m.status}`}>{STATUS[m.status]}</span>}
            {!m.inRoster && <span className="badge badge-problem" title="The server lists this person, but the owner never signed them in: nothing was sealed to them">Not added by the owner</span>}
          </span>
        </div>
        <div className="person-actions">
          {manageable ? (
            <select aria-label={`Access for ${m.email}`} value={pendingRole ?? m.role} disabled={busy !== undefined || !m.inRoster}
              onChange={(e) => void setRole(e.target.value as 'viewer' | 'editor')}>
              <option value="viewer">Viewer</option>
              <option value="editor">Editor</option>
            </select>
          ) : (
            <span className="person-role">{ROLE[m.role]}</span>
          )}
          {!m.isMe && (
            <button type="button" className="button button-small" aria-expanded={verifying} aria-controls={verifyId}
              aria-label={`Verify ${m.email}`} onClick={() => setVerifying((v) => !v)}>Verify</button>
          )}
          {manageable && (
            <button type="button" className="button button-small" aria-label={`Remove access for ${m.email}`} disabled={busy !== undefined}
              onClick={() => setConfirm(true)}>{busy === 'remove' ? 'Removing…' : 'Remove access'}</button>
          )}
        </div>
      </div>
      {busy === 'role' && <p className="hint" role="status">Changing access…</p>}
      {done && busy === undefined && <p className="ok person-done" role="status">{done}</p>}
      {error !== undefined && <ErrorMessage error={errorText(error)} />}
      <div id={verifyId} hidden={!verifying}>
        {verifying && <FingerprintPair them={m} />}
      </div>
      <Contained>
        <ConfirmDialog title={`Remove access for ${m.displayName}?`} open={confirm} danger busy={busy === 'remove'} confirmLabel="Remove access"
          onCancel={() => setConfirm(false)} onConfirm={() => void remove()}>
          <p>{m.displayName} &lt;{m.email}&gt; will no longer see “{props.name}”{m.status === 'pending' ? ', and their invitation is withdrawn' : ''}.</p>
          <p className="hint">
            The {props.kind} key is renewed at once, so they cannot read {props.kind === 'album' ? 'photos added from now on' : 'it again through Obscura'}.
            Copies they already saved stay with them.
          </p>
        </ConfirmDialog>
      </Contained>
    </li>
  );
}

const initial = (name: string) => ([...name.trim()][0] ?? '?').toUpperCase();
