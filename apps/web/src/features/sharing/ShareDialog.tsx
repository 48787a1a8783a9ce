// SCAFFOLD (sharing feature): share an album, or photos of my library, with people by email; links below.
import type { PhotoScope } from '../../shared/types.ts';

export type ShareTarget =
  | { readonly kind: 'album'; readonly albumId: string }
  | { readonly kind: 'photos'; readonly fileIds: readonly string[]; readonly scope: PhotoScope };

export function ShareDialog(_props: { target: ShareTarget; open: boolean; onClose: () => void }) {
  return null;
}
