import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import type { User } from '@obscura/protocol';
import { worker } from '../../client/worker.ts';
import { useAuth } from '../../app/auth.tsx';
import { ErrorMessage } from '../../ui/bits.tsx';
import { Field, nextPath, passwordStrength } from './forms.tsx';
import { loginErrorText } from './LoginPage.tsx';
import { RecoveryKeyStep } from './RecoveryKeyStep.tsx';

export function SignupPage() {
  const auth = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [email, setEmail] = useState(() => new URLSearchParams(location.search).get('email') ?? '');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<{ user: User; recoveryKey: string }>();
  if (auth.status === 'in' && !done) return <Navigate to={nextPath(location.search)} replace />;

  const strength = passwordStrength(password);
  const mismatch = again.length > 0 && again !== password ? 'The two passwords differ' : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== again) { setError('The two passwords differ: type the same password twice.'); return; }
    if (strength.score === 0) { setError(strength.text); return; }
    setBusy(true);
    setError(undefined);
    try {
      setDone(await worker.account.signup(email.trim(), name.trim(), password));
    } catch (err) {
      setError(loginErrorText(err));
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
      <h1 id="signup-title">Create your Obscura account</h1>
      <p className="hint">Your photos are encrypted on this device before they are uploaded. Nobody else, not even the server, can see them.</p>
      <Field label="Email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <Field label="Your name" autoComplete="name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} hint="Shown to the people you share with." />
      <Field label="Password" type="password" autoComplete="new-password" required minLength={8} value={password} onChange={(e) => setPassword(e.target.value)}
        hint={password ? `Strength: ${strength.text}` : 'At least 8 characters; a passphrase of four random words is strong.'} />
      <meter className="strength" min={0} max={3} low={1.5} high={2.5} optimum={3} value={strength.score} aria-label="Password strength" />
      <Field label="Password again" type="password" autoComplete="new-password" required value={again} onChange={(e) => setAgain(e.target.value)} {...(mismatch ? { error: mismatch } : {})} />
      {error && <ErrorMessage error={error} />}
      <button type="submit" className="button button-primary" disabled={busy}>{busy ? 'Creating your keys…' : 'Create account'}</button>
      <p className="auth-links"><Link to={`/login${location.search}`}>I already have an account</Link></p>
    </form>
  );
}
