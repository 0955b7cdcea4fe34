import type { Session } from '../schema/session.js';

/**
 * Reshapes one closed session after its event columns are computed: splits it where a split
 * condition holds, drops events that traffic filters exclude. Returns zero or more sessions.
 */
export interface SessionModifier {
  modify(session: Session): Session[];
}

/** The modifier for a property, built from its settings (compiled once at start-up). */
export interface SessionModifierRegistry {
  forProperty(propertyId: string): SessionModifier;
}
