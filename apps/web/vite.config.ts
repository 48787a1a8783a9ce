// Vite builds the browser app into dist/, which the server serves at `/` (see apps/server/src/http/web-app.ts).
// `npm run dev` serves it with live reload and proxies /api to a local server (OBSCURA_DEV_SERVER, default :8080).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 2048 },
  server: {
    proxy: { '/api': process.env.OBSCURA_DEV_SERVER ?? 'http://127.0.0.1:8080' },
  },
});
