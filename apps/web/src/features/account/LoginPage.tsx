import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { worker } from '../../client/worker.ts';
import { useAuth } from '../../app/auth.tsx';
import { Field, FormError, accountErrorText, isRateLimited, nextPath, useRetryCountdown } from './forms.tsx';
import './account.css';

/** Tells apart a wrong password, too many attempts and an unreachable server ([Note: three login failures told apart]). */
export const loginErrorText = (e: unknown): string => accountErrorText(e);

export function LoginPage() {
  const auth = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [email, setEmail] = useState(() => new URLSearchParams(location.search).get('email') ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const retry = useRetryCountdown();
  if (auth.status === 'in') return <Navigate to={nextPath(location.search)} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { user } = await worker.account.login(email.trim(), password);
      auth.signedIn(user);
      navigate(nextPath(location.search), { replace: true });
    } catch (err) {
      if (isRateLimited(err)) retry.start(err.info.retryAfterS ?? 60);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const waiting = isRateLimited(error) && retry.left > 0;

  return (
    <form className="card auth-card" onSubmit={submit} aria-labelledby="login-title">
      <div className="auth-brand" aria-hidden="true"><img src="/icon.svg" alt="" width="40" height="40" /> Obscura</div>
      <h1 id="login-title">Log in to Obscura</h1>
      {auth.endedReason && <p className="auth-notice" role="status">You were logged out: {auth.endedReason}.</p>}
      <Field label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <Field label="Password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      <FormError error={error} retryLeft={retry.left} />
      <button type="submit" className="button button-primary" disabled={busy || waiting}>{busy ? 'Logging in…' : 'Log in'}</button>
      <p className="auth-links">
        <Link to={`/signup${location.search}`}>Create an account</Link>
        <Link to={`/recover${location.search}`}>Forgot your password?</Link>
      </p>
    </form>
  );
}
