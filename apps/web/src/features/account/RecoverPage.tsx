import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { worker } from '../../client/worker.ts';
import { useAuth } from '../../app/auth.tsx';
import { notify } from '../../ui/notices.tsx';
import { Field, FormError, NewPasswordFields, isRateLimited, newPasswordProblem, nextPath, useRetryCountdown } from './forms.tsx';
import './account.css';

export function RecoverPage() {
  const auth = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [email, setEmail] = useState(() => new URLSearchParams(location.search).get('email') ?? '');
  const [key, setKey] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const retry = useRetryCountdown();
  /** A check of what was typed goes away once the person types again. */
  const clearTyped = () => setError((e: unknown) => (typeof e === 'string' ? undefined : e));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = newPasswordProblem(password, again);
    if (problem) { setError(problem); return; }
    setBusy(true);
    setError(undefined);
    try {
      const { user } = await worker.account.recover(email.trim(), key, password);
      auth.signedIn(user);
      notify('Your new password is set. Every other device was logged out.');
      navigate(nextPath(location.search), { replace: true });
    } catch (err) {
      if (isRateLimited(err)) retry.start(err.info.retryAfterS ?? 60);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card auth-card" onSubmit={submit} aria-labelledby="recover-title">
      <div className="auth-brand" aria-hidden="true"><img src="/icon.svg" alt="" width="40" height="40" /> Obscura</div>
      <h1 id="recover-title">Set a new password with your recovery key</h1>
      <p className="hint">The recovery key was shown once when you created your account (a file named obscura-recovery-key.txt, if you downloaded it). Every other device is logged out; your photos, albums and shares stay as they are.</p>
      <Field label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} disabled={busy} />
      <Field label="Recovery key" required autoComplete="off" autoCapitalize="characters" spellCheck={false} value={key} onChange={(e) => setKey(e.target.value)} disabled={busy}
        hint="56 letters and digits in groups of 4; dashes and spaces do not matter." />
      <NewPasswordFields label="New password" password={password} again={again} onPassword={(v) => { setPassword(v); clearTyped(); }} onAgain={(v) => { setAgain(v); clearTyped(); }} disabled={busy} />
      <FormError error={error} retryLeft={retry.left}
        wrongCredentials="This recovery key does not open the account of this email, or the attempt took too long. Check both and try again; nothing was changed." />
      <button type="submit" className="button button-primary" disabled={busy || (isRateLimited(error) && retry.left > 0)}>{busy ? 'Checking the key…' : 'Set new password'}</button>
      <p className="auth-links"><Link to={`/login${location.search}`}>Back to log in</Link></p>
    </form>
  );
}
