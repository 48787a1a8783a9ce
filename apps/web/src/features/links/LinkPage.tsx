// SCAFFOLD: replaced by the feature's real screen.
import { PageHeader } from '../../ui/bits.tsx';

export function LinkPage() {
  return <PageHeader title="Shared link" />;
}
