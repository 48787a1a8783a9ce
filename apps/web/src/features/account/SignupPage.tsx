// Sign-up. [Note: confirming the email at sign-up] An invitation mail for an address without an
// account links here as /signup?email=<address>&invited=1: the email is filled in, and the page
// asks for the 8-digit code the server mails to that address ("Send code"), which proves it is
// theirs, so the invitations sent to it reach the new account. The code is also asked for when
// the server requires it of every account (its health says 'required'); otherwise sign-up works
// without one. The code is checked by the server when the account is created: a wrong or
// expired one is said at the code field (with the tries left, as the server says), and nothing
// was created.
import { useEffect, useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { EMAIL_CODE_DIGITS } from '@obscura/protocol';
import type { User } from '@obscura/protocol';
import { worker } from '../../client/worker.ts';
import { useAuth } from '../../app/auth.tsx';
import { Field, FormError, NewPasswordFields, accountErrorText, isRateLimited, newPasswordProblem, nextPath, useRetryCountdown } from './forms.tsx';
import { RecoveryKeyStep } from './RecoveryKeyStep.tsx';
import { CodeField, isCodeError, useEmailCode, type EmailCodeState } from './EmailCode.tsx';
import './account.css';

export function SignupPage() {
  const auth = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const params = new URLSearchParams(location.search);
  const invited = params.get('invited') === '1';
  const [email, setEmail] = useState(() => params.get('email') ?? '');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<{ user: User; recoveryKey: string }>();
  const [required, setRequired] = useState(false);
  const code = useEmailCode(email);
  const retry = useRetryCountdown();
  const needsCode = invited || required;

  useEffect(() => {
    let live = true;
    worker.account.serverInfo().then((i) => { if (live) setRequired(i.emailVerification === 'required'); }, () => undefined);
    return () => { live = false; };
  }, []);

  /** A check of what was typed goes away once the person types again. */
  const clearTyped = () => setError((e: unknown) => (typeof e === 'string' ? undefined : e));
  if (auth.status === 'in' && !done) return <Navigate to={nextPath(location.search)} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = newPasswordProblem(password, again);
    if (problem) { setError(problem); return; }
    if (needsCode && !code.sent) { code.setProblem(`Send a code to ${email.trim() || 'your email'} first, then type it here.`); return; }
    if (needsCode && !code.value.trim()) { code.setProblem(`Type the ${EMAIL_CODE_DIGITS}-digit code from the email.`); return; }
    setBusy(true);
    setError(undefined);
    code.setProblem(undefined);
    try {
      const verification = needsCode && code.sent ? { verificationId: code.sent.verificationId, code: code.value.trim() } : undefined;
      setDone(await worker.account.signup(email.trim(), name.trim(), password, verification));
    } catch (err) {
      if (isRateLimited(err)) retry.start(err.info.retryAfterS ?? 60);
      if (isCodeError(err)) code.setProblem(accountErrorText(err));
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <RecoveryKeyStep recoveryKey={done.recoveryKey} email={done.user.email} onConfirmed={() => {
        auth.signedIn(done.user);
        // Invited: Shared with me shows the invitation waiting for its sender.
        navigate(params.get('next') || !invited ? nextPath(location.search) : '/shared-with-me', { replace: true });
      }} />
    );
  }

  return (
    <form className="card auth-card" onSubmit={submit} aria-labelledby="signup-title">
      <div className="auth-brand" aria-hidden="true"><img src="/icon.svg" alt="" width="40" height="40" /> Obscura</div>
      <h1 id="signup-title">Create your Obscura account</h1>
      {invited && (
        <p className="auth-notice" role="note">
          Someone shared photos with this address. Create your account with it; once you confirm the address, they can finish sharing with you.
        </p>
      )}
      <p className="hint">Your photos are encrypted on this device before they are uploaded. Nobody else, not even the server, can see them.</p>
      <Field label="Email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} disabled={busy} />
      {needsCode && <CodeStep code={code} email={email} disabled={busy} invited={invited} />}
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

function CodeStep({ code, email, disabled, invited }: { code: EmailCodeState; email: string; disabled: boolean; invited: boolean }) {
  return (
    <fieldset className="code-fieldset">
      <legend>Confirm your email</legend>
      <p className="hint">
        We mail a {EMAIL_CODE_DIGITS}-digit code to this address to check that it is yours{invited ? ': the invitations sent to it then reach your new account' : ''}.
      </p>
      <CodeField code={code} email={email} disabled={disabled} request={() => worker.account.requestSignupCode(email.trim())} />
    </fieldset>
  );
}
