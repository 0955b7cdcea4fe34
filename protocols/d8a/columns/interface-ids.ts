import type { InterfaceId } from '../../../src/schema/interface.js';

/**
 * The native protocol's id for a GA4 interface: the first `ga4.` becomes `d8a.`, so
 * `ga4.protocols.d8a.tech/event/params` is `d8a.protocols.d8a.tech/event/params`. Core ids
 * (`core.d8a.tech/…`) hold no `ga4.` and stay as they are.
 */
export function d8aInterfaceId(id: InterfaceId): InterfaceId {
  return id.replace('ga4.', 'd8a.');
}
