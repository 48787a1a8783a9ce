#!/usr/bin/env node
// `npm run dev`: the server on :8080 (SQLite + blobs in ./data, as `npm start`) and Vite's dev
// server with live reload on :5173, which proxies /api to it. Ctrl-C stops both.
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const port = process.env.PORT ?? '8080';
const children = [
  spawn(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', 'serve'], { cwd: root, stdio: 'inherit', env: { ...process.env, PORT: port } }),
  spawn('npx', ['vite', '--host', '127.0.0.1'], { cwd: `${root}apps/web`, stdio: 'inherit', env: { ...process.env, OBSCURA_DEV_SERVER: `http://127.0.0.1:${port}` } }),
];
console.log('obscura dev: open http://127.0.0.1:5173 (live reload); the API server is on port', port);
const stop = () => { for (const c of children) if (c.exitCode === null) c.kill('SIGTERM'); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) c.on('exit', (code) => { stop(); process.exitCode ||= code ?? 0; });
