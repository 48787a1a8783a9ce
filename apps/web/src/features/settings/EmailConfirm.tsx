// Settings → Account: "Email: confirmed", or "not confirmed — Confirm": a code mailed to my
// address, typed here, proves it; invitations sent to it before I had an account become mine
// (they then wait for their senders to finish sharing, in Shared with me).
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { EMAIL_CODE_DIGITS } from '@obscura/protocol';
import { worker } from '../../client/worker.ts';
import { accountErrorText } from '../account/forms.tsx';
import { CodeField, isCodeError, useEmailCode } from '../account/EmailCode.tsx';

export function EmailConfirm({ email, confirmed, onConfirmed }: { email: string; confirmed: boolean; onConfirmed: () => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [claimed, setClaimed] = useState<number>();
  const code = useEmailCode(email);

  if (claimed !== undefined) {
    return (
      <div className="email-confirm">
        <p className="ok" role="status">
          Your email is confirmed. {claimed === 0 ? 'No invitations were waiting for it.'
            : `${claimed} ${claimed === 1 ? 'invitation is' : 'invitations are'} now yours: ${claimed === 1 ? 'it waits' : 'they wait'} for ${claimed === 1 ? 'its sender' : 'their senders'} to finish sharing.`}
        </p>
        {claimed > 0 && <Link to="/shared-with-me">Shared with me</Link>}
      </div>
    );
  }
  if (confirmed) return null;
  if (!open) {
    return (
      <div className="email-confirm">
        <p className="hint">Confirm it to receive invitations that were sent to this address before you had an account.</p>
        <div className="row"><button type="button" className="button" onClick={() => setOpen(true)}>Confirm</button></div>
      </div>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!code.sent) return;
    if (!code.value.trim()) { code.setProblem(`Type the ${EMAIL_CODE_DIGITS}-digit code from the email.`); return; }
    setBusy(true);
    setError(undefined);
    try {
      const r = await worker.account.verifyEmail(code.sent.verificationId, code.value.trim());
      setClaimed(r.claimedInvitations);
      await onConfirmed();
    } catch (err) {
      if (isCodeError(err)) code.setProblem(accountErrorText(err));
      else setError(accountErrorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="email-confirm" onSubmit={(e) => void submit(e)} aria-label="Confirm your email">
      <p className="hint">We mail a {EMAIL_CODE_DIGITS}-digit code to {email}; type it here.</p>
      <CodeField code={code} email={email} disabled={busy} request={() => worker.account.requestEmailCode()} />
      {error && <p className="error" role="alert">{error}</p>}
      {code.sent && (
        <div className="row">
          <button type="submit" className="button button-primary" disabled={busy}>{busy ? 'Confirming…' : 'Confirm email'}</button>
        </div>
      )}
    </form>
  );
}
