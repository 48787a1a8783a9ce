// Change password: the current one (proven to the server), the new one twice with the strength hint.
import { useId, useState, type FormEvent } from 'react';
import { worker } from '../../client/worker.ts';
import { AppError } from '../../shared/rpc.ts';
import { notify } from '../../ui/notices.tsx';
import { Field, FormError, NewPasswordFields, isRateLimited, newPasswordProblem, useRetryCountdown } from '../account/forms.tsx';

export function PasswordSection({ onChanged }: { onChanged: () => void }) {
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const retry = useRetryCountdown();
  const titleId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    const problem = newPasswordProblem(password, again);
    if (problem) { setError(problem); return; }
    if (password === current) { setError('The new password is the same as the current one.'); return; }
    setBusy(true);
    setError(undefined);
    try {
      await worker.account.changePassword(current, password);
      setCurrent(''); setPassword(''); setAgain('');
      setDone(true);
      notify('Password changed. Every other device was logged out.');
      onChanged();
    } catch (err) {
      if (isRateLimited(err)) retry.start(err.info.retryAfterS ?? 60);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  // A wrong current password is a 403 from the server, or seen on this device by OPAQUE (also 403).
  const wrong = error instanceof AppError && error.info.status === 403;
  return (
    <form className="card settings-card settings-order-4" onSubmit={submit} aria-labelledby={titleId}>
      <h2 id={titleId}>Change password</h2>
      <p className="hint">Your keys stay the same, so nothing needs to be re-encrypted. <strong>Every other device is logged out</strong>; this one stays logged in.</p>
      <Field label="Current password" type="password" autoComplete="current-password" required value={current} disabled={busy}
        onChange={(e) => setCurrent(e.target.value)} {...(wrong ? { error: 'This is not your current password.' } : {})} />
      <NewPasswordFields label="New password" password={password} again={again} onPassword={setPassword} onAgain={setAgain} disabled={busy} />
      {wrong
        ? <p className="error" role="alert">The current password is wrong; nothing was changed.</p>
        : <FormError error={error} retryLeft={retry.left} wrongCredentials="Your session has ended; log in again." />}
      {done && <p className="ok" role="status">Your password was changed. Other devices must log in with the new one.</p>}
      <div className="row">
        <button type="submit" className="button button-primary" disabled={busy || (isRateLimited(error) && retry.left > 0)}>
          {busy ? 'Changing the password…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}
