import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { worker } from '../../client/worker.ts';
import { useAuth } from '../../app/auth.tsx';
import { ErrorMessage } from '../../ui/bits.tsx';
import { Field, nextPath, passwordStrength } from './forms.tsx';
import { loginErrorText } from './LoginPage.tsx';

export function RecoverPage() {
  const auth = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [email, setEmail] = useState(() => new URLSearchParams(location.search).get('email') ?? '');
  const [key, setKey] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const strength = passwordStrength(password);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== again) { setError('The two passwords differ: type the same password twice.'); return; }
    if (strength.score === 0) { setError(strength.text); return; }
    setBusy(true);
    setError(undefined);
    try {
      const { user } = await worker.account.recover(email.trim(), key, password);
      auth.signedIn(user);
      navigate(nextPath(location.search), { replace: true });
    } catch (err) {
      setError(/recovery key/i.test(String((err as Error).message)) ? (err as Error).message : loginErrorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card auth-card" onSubmit={submit} aria-labelledby="recover-title">
      <h1 id="recover-title">Set a new password with your recovery key</h1>
      <p className="hint">Every other device is logged out. Your photos, albums and shares stay as they are.</p>
      <Field label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <Field label="Recovery key" required autoComplete="off" spellCheck={false} value={key} onChange={(e) => setKey(e.target.value)} />
      <Field label="New password" type="password" autoComplete="new-password" required minLength={8} value={password} onChange={(e) => setPassword(e.target.value)}
        hint={password ? `Strength: ${strength.text}` : 'At least 8 characters.'} />
      <Field label="New password again" type="password" autoComplete="new-password" required value={again} onChange={(e) => setAgain(e.target.value)} />
      {error && <ErrorMessage error={error} />}
      <button type="submit" className="button button-primary" disabled={busy}>{busy ? 'Checking the key…' : 'Set new password'}</button>
      <p className="auth-links"><Link to={`/login${location.search}`}>Back to log in</Link></p>
    </form>
  );
}
