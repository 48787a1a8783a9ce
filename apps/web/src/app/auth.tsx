// Who is logged in (as the worker says), for every screen.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { User } from '@obscura/protocol';
import { proxy, worker } from '../client/worker.ts';
import { notify } from '../ui/notices.tsx';
import { emitWorkerEvent } from '../client/events.ts';

/** Developer setting for tests: weak password stretching (see docs/web.md). The page warns when on. */
export const insecureFastKdf = (() => {
  try {
    return localStorage.getItem('obscura.insecureFastKdf') === '1';
  } catch {
    return false;
  }
})();

export interface Auth {
  readonly status: 'loading' | 'in' | 'out';
  readonly user: User | undefined;
  /** Why the last session ended, when it ended on its own. */
  readonly endedReason: string | undefined;
  signedIn(user: User): void;
  logout(): Promise<void>;
}

const AuthContext = createContext<Auth | undefined>(undefined);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User>();
  const [status, setStatus] = useState<Auth['status']>('loading');
  const [endedReason, setEndedReason] = useState<string>();

  useEffect(() => {
    let live = true;
    void worker.events.subscribe(proxy((e) => {
      if (e.type === 'logged-out') { setUser(undefined); setStatus('out'); setEndedReason(e.reason); }
      if (e.type === 'notice') notify(e.text);
      emitWorkerEvent(e);
    }));
    worker.account.init({ insecureFastKdf }).then((r) => {
      if (!live) return;
      setUser(r?.user);
      setStatus(r ? 'in' : 'out');
    }, () => { if (live) setStatus('out'); });
    return () => { live = false; };
  }, []);

  const signedIn = useCallback((u: User) => { setUser(u); setStatus('in'); setEndedReason(undefined); }, []);
  const logout = useCallback(async () => {
    await worker.account.logout().catch(() => undefined);
    setUser(undefined);
    setStatus('out');
  }, []);

  const value = useMemo<Auth>(() => ({ status, user, endedReason, signedIn, logout }), [status, user, endedReason, signedIn, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const a = useContext(AuthContext);
  if (!a) throw new Error('useAuth outside AuthProvider');
  return a;
}
