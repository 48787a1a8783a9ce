// Words for albums shared by the album screens (and re-exported for the Shared pages).
import type { AlbumSummary } from '../../shared/types.ts';

export const photoCount = (n: number) => `${n} ${n === 1 ? 'photo' : 'photos'}`;
export const albumName = (a: Pick<AlbumSummary, 'name'>) => a.name ?? 'Unverified album';
export const roleLabel = (role: AlbumSummary['myRole']) => (role === 'owner' ? 'Owner' : role === 'editor' ? 'Editor' : 'Viewer');
