import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import type { User } from '@obscura/protocol';
import { worker } from '../../client/worker.ts';
import { useAuth } from '../../app/auth.tsx';
import { Field, FormError, NewPasswordFields, isRateLimited, newPasswordProblem, nextPath, useRetryCountdown } from './forms.tsx';
import { RecoveryKeyStep } from './RecoveryKeyStep.tsx';
import './account.css';

export function SignupPage() {
  const auth = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [email, setEmail] = useState(() => new URLSearchParams(location.search).get('email') ?? '');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<{ user: User; recoveryKey: string }>();
  const retry = useRetryCountdown();
  /** A check of what was typed goes away once the person types again. */
  const clearTyped = () => setError((e: unknown) => (typeof e === 'string' ? undefined : e));
  if (auth.status === 'in' && !done) return <Navigate to={nextPath(location.search)} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = newPasswordProblem(password, again);
    if (problem) { setError(problem); return; }
    setBusy(true);
    setError(undefined);
    try {
      setDone(await worker.account.signup(email.trim(), name.trim(), password));
    } catch (err) {
      if (isRateLimited(err)) retry.start(err.info.retryAfterS ?? 60);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <RecoveryKeyStep recoveryKey={done.recoveryKey} email={done.user.email} onConfirmed={() => {
        auth.signedIn(done.user);
        navigate(nextPath(location.search), { replace: true });
      }} />
    );
  }

  return (
    <form className="card auth-card" onSubmit={submit} aria-labelledby="signup-title">
      <div className="auth-brand" aria-hidden="true"><img src="/icon.svg" alt="" width="40" height="40" /> Obscura</div>
      <h1 id="signup-title">Create your Obscura account</h1>
      <p className="hint">Your photos are encrypted on this device before they are uploaded. Nobody else, not even the server, can see them.</p>
      <Field label="Email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} disabled={busy} />
      <Field label="Your name" autoComplete="name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} disabled={busy}
        hint="Shown to the people you share with." />
      <NewPasswordFields label="Password" password={password} again={again} onPassword={(v) => { setPassword(v); clearTyped(); }} onAgain={(v) => { setAgain(v); clearTyped(); }} disabled={busy} />
      <FormError error={error} retryLeft={retry.left} wrongCredentials="No account was created: check the email and try again." />
      {busy && <p className="hint" role="status">Creating your keys on this device… this takes a few seconds.</p>}
      <button type="submit" className="button button-primary" disabled={busy || (isRateLimited(error) && retry.left > 0)}>
        {busy ? 'Creating your keys…' : 'Create account'}
      </button>
      <p className="auth-links"><Link to={`/login${location.search}`}>I already have an account</Link></p>
    </form>
  );
}
