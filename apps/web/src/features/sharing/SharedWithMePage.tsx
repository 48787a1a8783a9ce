// SCAFFOLD: replaced by the feature's real screen.
import { PageHeader } from '../../ui/bits.tsx';

export function SharedWithMePage() {
  return <PageHeader title="Shared with me" />;
}
