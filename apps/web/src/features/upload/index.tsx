// SCAFFOLD (replaced by the upload feature): the upload queue for the whole app.
import type { ReactNode } from 'react';

/** Holds the upload queue and its panel; accepts files dropped anywhere on the app. */
export function UploadProvider({ children }: { children: ReactNode }) {
  return <>{children}</>;
}

/** "Upload" (files or a folder) into my library, or into `albumId` when given. */
export function UploadButton(_props: { albumId?: string; label?: string }) {
  return null;
}
