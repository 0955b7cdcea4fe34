import type { Hit } from '../hits/hit.js';
import { hitSizeOver } from '../hits/hit.js';
import { layersSizeBound } from './querystring.js';
import type { PropertyRegistry } from '../settings/property-registry.js';
import type { ProtocolId } from '../settings/types.js';

/** One check a hit must pass before it is accepted. Returns a problem, or null. */
export interface HitRule {
  check(hit: Hit, endpointProtocol: ProtocolId): string | null;
}

/** The endpoint received a hit for a property of another protocol; safe to tell the client. */
export class ProtocolMismatch {
  constructor(readonly propertyProtocol: ProtocolId, readonly endpointProtocol: ProtocolId) {}
  get message(): string {
    return `property protocol ${this.propertyProtocol} does not match endpoint protocol ${this.endpointProtocol}`;
  }
}

export interface ValidationFailure {
  problems: string[];
  mismatch: ProtocolMismatch | null;
}

const rule = (check: (hit: Hit) => string | null): HitRule => ({ check: (hit) => check(hit) });

export function defaultHitRules(maxHitBytes: number): HitRule[] {
  return [
    rule((h) => (h.clientId === '' || h.authoritativeClientId === '' ? 'client id is empty' : null)),
    rule((h) => (h.propertyId === '' ? 'property id is empty' : null)),
    rule((h) => (h.request.headers.size === 0 ? 'the request has no headers' : null)),
    rule((h) => (h.request.host === '' ? 'the request has no Host header' : null)),
    rule((h) => (h.request.path === '' ? 'path is empty' : null)),
    rule((h) => (h.request.method === '' ? 'method is empty' : null)),
    rule((h) => {
      const size = hitSizeOver(h, maxHitBytes, layersSizeBound);
      return size === 0 ? null : `hit size ${size} bytes exceeds receiver.max_hit_kbytes (${maxHitBytes} bytes)`;
    }),
    rule((h) => (h.eventName === '' ? 'event name is empty' : null)),
  ];
}

/**
 * Runs every rule on a hit and collects all problems, plus the property / endpoint protocol
 * check, which is the one failure whose text reaches the client verbatim.
 */
export class HitValidator {
  constructor(
    private readonly rules: readonly HitRule[],
    private readonly properties: PropertyRegistry,
  ) {}

  validate(hit: Hit, endpointProtocol: ProtocolId): ValidationFailure | null {
    let problems: string[] | null = null;
    let mismatch: ProtocolMismatch | null = null;
    const rules = this.rules;
    for (let i = 0; i < rules.length; i++) {
      const problem = rules[i]!.check(hit, endpointProtocol);
      if (problem !== null) (problems ??= []).push(problem);
    }
    if (hit.propertyId !== '') {
      const property = this.properties.byPropertyId(hit.propertyId);
      if (property.protocol !== endpointProtocol) {
        mismatch = new ProtocolMismatch(property.protocol, endpointProtocol);
        (problems ??= []).push(mismatch.message);
      }
    }
    return problems === null ? null : { problems, mismatch };
  }
}
