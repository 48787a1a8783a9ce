// SCAFFOLD: replaced by the feature's real screen.
import { PageHeader } from '../../ui/bits.tsx';

export function AlbumsPage() {
  return <PageHeader title="Albums" />;
}
