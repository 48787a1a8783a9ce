// SCAFFOLD: replaced by the feature's real screen.
import { PageHeader } from '../../ui/bits.tsx';

export function InvitationPage() {
  return <PageHeader title="Invitation" />;
}
