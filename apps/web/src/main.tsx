import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { router } from './app/routes.tsx';
import { AuthProvider } from './app/auth.tsx';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AuthProvider>
      <RouterProvider router={router} />
    </AuthProvider>
  </StrictMode>,
);

// The app shell's service worker (public/sw.js, [Note: the service worker keeps the shell, never
// data]): production builds only, so `npm run dev` always serves fresh files. A file of this
// origin, so the CSP (worker-src 'self', no inline script) allows it.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  const register = () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/', updateViaCache: 'none' }).catch((e: unknown) => {
      console.warn(`Obscura works without its offline shell: ${(e as Error).message}`);
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
