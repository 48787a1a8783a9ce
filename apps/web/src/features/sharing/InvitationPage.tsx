// The page an invitation mail links to: /invitations/:invitationId?email=<invitee>. Logged out,
// the app's frame sends the person to log in (or sign up) and back here. Logged in, it shows
// the invitation, verified, with Accept (then the album opens) and Decline.
import { useCallback, useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { worker } from '../../client/worker.ts';
import { useAuth } from '../../app/auth.tsx';
import type { Invitation } from '../../worker/sharing.ts';
import { Empty, ErrorMessage, PageHeader } from '../../ui/bits.tsx';
import { notify } from '../../ui/notices.tsx';
import { normalizeEmail } from './emails.ts';
import { InvitationCard } from './InvitationCard.tsx';
import './sharing.css';

export function InvitationPage() {
  const { invitationId = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const auth = useAuth();
  const [invitation, setInvitation] = useState<Invitation | null>();
  const [error, setError] = useState<unknown>();
  const [declined, setDeclined] = useState(false);
  const sentTo = new URLSearchParams(location.search).get('email');
  const me = auth.user?.email;
  const otherAccount = sentTo && me && normalizeEmail(sentTo) !== normalizeEmail(me) ? sentTo : undefined;

  const load = useCallback(async () => {
    setError(undefined);
    try {
      setInvitation(await worker.sharing.invitation(invitationId));
    } catch (e) {
      setError(e);
    }
  }, [invitationId]);
  useEffect(() => { void load(); }, [load]);

  const switchAccount = async () => {
    await auth.logout();
    const here = location.pathname + location.search;
    navigate(`/login?next=${encodeURIComponent(here)}${sentTo ? `&email=${encodeURIComponent(sentTo)}` : ''}`, { replace: true });
  };

  const title = invitation ? `Invitation to ${invitation.kind === 'photo' ? 'a photo' : 'an album'}` : 'Invitation';
  return (
    <div className="invitation-page">
      <PageHeader title={title} />
      {otherAccount && (
        <div className="card account-mismatch" role="note">
          <p>This invitation was sent to <strong>{otherAccount}</strong>, but you are logged in as <strong>{me}</strong>.</p>
          <button type="button" className="button" onClick={() => void switchAccount()}>Log in as {otherAccount}</button>
        </div>
      )}
      {error !== undefined ? (
        <div className="row"><ErrorMessage error={error} /><button type="button" className="button" onClick={() => void load()}>Try again</button></div>
      ) : invitation === undefined ? (
        <p className="hint" role="status">Checking the invitation…</p>
      ) : declined ? (
        <Empty title="Invitation declined">
          <p>Nothing was shared with you. The sender can invite you again.</p>
          <Link to="/shared-with-me">Shared with me</Link>
        </Empty>
      ) : invitation === null ? (
        <Empty title="This invitation is no longer waiting">
          <p>
            It was accepted, declined or withdrawn{otherAccount ? ', or it is for another account' : ''}.
            What others share with you and you accepted is under Shared with me.
          </p>
          <Link to="/shared-with-me">Shared with me</Link>
        </Empty>
      ) : (
        <InvitationCard invitation={invitation} headingLevel={2}
          onAccepted={(albumId) => {
            notify(`Accepted: ${invitation.albumName !== undefined ? `“${invitation.albumName}”` : `the ${invitation.kind}`} is in Shared with me`);
            navigate(`/albums/${albumId}`, { replace: true });
          }}
          onDeclined={() => setDeclined(true)}
          onReload={() => void load()} />
      )}
    </div>
  );
}
