/**
 * Cuts a closed session into slices wherever a split condition holds (pipeline §6.1): the
 * conditions are asked in priority order, the first yes wins, and the event it fired on opens
 * the next slice carrying the cause in its metadata.
 */
import { newSession, type Event, type Session } from '../schema/session.js';
import type { SessionModifier } from './modifier.js';
import { SPLIT_CAUSE_METADATA_KEY, type SplitCause, type SplitCondition, type SliceState } from './split-conditions.js';

export class SessionSplitter implements SessionModifier {
  constructor(private readonly conditions: readonly SplitCondition[]) {}

  modify(session: Session): Session[] {
    const events = session.events;
    const first = events[0];
    if (first === undefined) return [session];

    let slice = this.openSlice(first);
    let sliceStart = 0;
    const slices: Event[][] = [];
    for (let i = 1; i < events.length; i++) {
      const event = events[i] as Event;
      const cause = this.splitCause(event, slice);
      if (cause === null) {
        slice.eventCount++;
        continue;
      }
      slices.push(events.slice(sliceStart, i));
      sliceStart = i;
      event.metadata[SPLIT_CAUSE_METADATA_KEY] = cause;
      slice = this.openSlice(event);
    }
    if (slices.length === 0) return [session];
    slices.push(events.slice(sliceStart));
    return slices.map((sliceEvents) => {
      const piece = newSession(sliceEvents);
      // Every piece stays in the table and settings of the session it came from.
      piece.propertyId = session.propertyId;
      return piece;
    });
  }

  private openSlice(first: Event): SliceState {
    const slice: SliceState = { firstEvent: first, eventCount: 1, lastValues: new Map() };
    // Seeds what the conditions remember; no condition can split a slice at its first event.
    for (const condition of this.conditions) condition.shouldSplit(first, slice);
    return slice;
  }

  /** The first condition that splits; later ones are not asked (and remember nothing) for this event. */
  private splitCause(event: Event, slice: SliceState): SplitCause | null {
    for (const condition of this.conditions) {
      if (condition.shouldSplit(event, slice)) return condition.cause;
    }
    return null;
  }
}
