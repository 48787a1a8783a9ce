export { buildApp, createServices, type AppDeps, type ObscuraApp } from './app.ts';
export { startServer, type RunningServer } from './server.ts';
export { loadConfig, type ServerConfig } from './config.ts';
export { openDatabase, type DbTarget } from './db/index.ts';
export { DiskBlobStore } from './blob/disk-blob-store.ts';
export type { BlobStore, BlobKey } from './blob/blob-store.ts';
export { ManualClock, systemClock, type Clock } from './ports/clock.ts';
export { MemoryLogger, consoleLogger, type Logger } from './ports/logger.ts';
export { systemRandom, type Random } from './ports/random.ts';
