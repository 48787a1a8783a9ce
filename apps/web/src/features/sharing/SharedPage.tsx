// SCAFFOLD: replaced by the feature's real screen.
import { PageHeader } from '../../ui/bits.tsx';

export function SharedPage() {
  return <PageHeader title="Shared" />;
}
