// The sandbox's SendGrid API key: derived from the practice's tenant, so it is the same on every start of the
// same seed (and after --data), shaped like a real one (SG.<22>.<43>), and printed in the ready line.
import { createHash } from 'node:crypto';

export function sandboxSendGridKey(tenantId: string): string {
  const digest = (label: string): string =>
    createHash('sha256').update(`sendgrid:${label}:${tenantId}`).digest('base64url');
  return `SG.${digest('id').slice(0, 22)}.${digest('secret').slice(0, 43)}`;
}
