// SCAFFOLD (albums feature): pick an album (or create one) and add the given photos of my library to it.
export function AddToAlbumDialog(_props: { fileIds: readonly string[]; open: boolean; onClose: () => void; onDone?: (albumId: string) => void }) {
  return null;
}
