// SCAFFOLD: replaced by the feature's real screen.
import { PageHeader } from '../../ui/bits.tsx';

export function AlbumPage() {
  return <PageHeader title="Album" />;
}
