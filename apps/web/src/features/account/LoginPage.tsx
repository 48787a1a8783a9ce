import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { worker } from '../../client/worker.ts';
import { useAuth } from '../../app/auth.tsx';
import { AppError } from '../../shared/rpc.ts';
import { ErrorMessage } from '../../ui/bits.tsx';
import { Field, nextPath } from './forms.tsx';

/** Tells apart a wrong password, too many attempts and an unreachable server. */
export function loginErrorText(e: unknown): string {
  if (e instanceof AppError) {
    if (e.kind === 'rate-limited') return `Too many attempts, try again in ${e.info.retryAfterS ?? 60} s.`;
    if (e.kind === 'network') return 'Cannot reach the server. Check your connection and try again.';
    if (e.info.status === 401) return 'Wrong email or password.';
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

export function LoginPage() {
  const auth = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [email, setEmail] = useState(() => new URLSearchParams(location.search).get('email') ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
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
      setError(loginErrorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card auth-card" onSubmit={submit} aria-labelledby="login-title">
      <h1 id="login-title">Log in to Obscura</h1>
      {auth.endedReason && <p className="hint">Logged out: {auth.endedReason}.</p>}
      <Field label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <Field label="Password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      {error && <ErrorMessage error={error} />}
      <button type="submit" className="button button-primary" disabled={busy}>{busy ? 'Logging in…' : 'Log in'}</button>
      <p className="auth-links">
        <Link to={`/signup${location.search}`}>Create an account</Link>
        <Link to={`/recover${location.search}`}>Forgot your password?</Link>
      </p>
    </form>
  );
}
