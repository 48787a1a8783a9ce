// SCAFFOLD: replaced by the feature's real screen.
import { PageHeader } from '../../ui/bits.tsx';

export function SettingsPage() {
  return <PageHeader title="Settings" />;
}
