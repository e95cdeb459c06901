// The Message-ID a reminder's mail carries on every attempt: derived from its stableId, so a message that was
// handed over twice (a person resending after a check) shows as the same message in the recipient's mailbox
// and in the provider's logs, and a person checking can search for it.

const FALLBACK_DOMAIN = 'life-cockpit.invalid';
/** A dot-atom domain (RFC 5322 §3.2.3): what may stand right of the @ of a Message-ID. */
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const ID_LEFT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;

/** `<stableId@sender's domain>`, or `@life-cockpit.invalid` when the sender has no usable domain. */
export function stableMessageId(stableId: string, from: string): string {
  const left = ID_LEFT.test(stableId) ? stableId : encodeURIComponent(stableId).replace(/%/g, '=');
  const domain = from.includes('@') ? from.slice(from.lastIndexOf('@') + 1).toLowerCase() : '';
  return `<${left}@${DOMAIN.test(domain) ? domain : FALLBACK_DOMAIN}>`;
}
