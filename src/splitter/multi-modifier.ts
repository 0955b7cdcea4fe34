import type { Session } from '../schema/session.js';
import type { SessionModifier } from './modifier.js';

/** Applies modifiers one after another, each to every session the previous one produced. */
export class MultiModifier implements SessionModifier {
  constructor(private readonly modifiers: readonly SessionModifier[]) {}

  modify(session: Session): Session[] {
    let sessions = [session];
    for (const modifier of this.modifiers) {
      const next: Session[] = [];
      for (const s of sessions) next.push(...modifier.modify(s));
      sessions = next;
    }
    return sessions;
  }
}

/** Returns every session unchanged (properties that split and filter nothing, and tests). */
export class NoopModifier implements SessionModifier {
  modify(session: Session): Session[] {
    return [session];
  }
}
