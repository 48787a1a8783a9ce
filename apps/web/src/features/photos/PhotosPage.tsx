// SCAFFOLD: replaced by the feature's real screen.
import { PageHeader } from '../../ui/bits.tsx';

export function PhotosPage() {
  return <PageHeader title="Photos" />;
}
export function TrashPage() { return <PageHeader title="Trash" />; }
