import type { SessionColumn } from '../../src/schema/column.js';
import type { InterfaceId } from '../../src/schema/interface.js';
import { totalEventsColumn, uniqueEventsColumn } from '../generic/event-counters.js';
import type { DocumentedInterface } from '../generic/documented-interface.js';
import { CoreEvent, CoreSession } from './interfaces.js';

/** A counter the protocol does not support is always null (Matomo has no scroll events, for instance). */
export interface CounterDefinition {
  names: readonly string[];
  /** Event columns that tell two such events apart, for the unique counters. */
  keyFields?: readonly { id: InterfaceId; field: string }[];
}

/** The event names (and distinguishing columns) each core session counter counts, per protocol. */
export interface SessionCounterDefinitions {
  purchases: CounterDefinition | null;
  scrolls: CounterDefinition | null;
  outboundClicks: CounterDefinition | null;
  siteSearches: CounterDefinition | null;
  formInteractions: CounterDefinition | null;
  videoEngagements: CounterDefinition | null;
  fileDownloads: CounterDefinition | null;
}

function total(iface: DocumentedInterface, def: CounterDefinition | null): SessionColumn {
  if (def === null) return totalEventsColumn(iface, [], { cast: () => null });
  return totalEventsColumn(iface, def.names, { dependsOn: [CoreEvent.name.id] });
}

function unique(iface: DocumentedInterface, def: CounterDefinition | null): SessionColumn {
  if (def === null) return uniqueEventsColumn(iface, [], [], { cast: () => null });
  const keys = def.keyFields ?? [];
  // The key columns are listed as dependencies too (the reference drops them; listing them is harmless and honest).
  return uniqueEventsColumn(
    iface,
    def.names,
    keys.map((k) => k.field),
    { dependsOn: [CoreEvent.name.id, ...keys.map((k) => k.id)] },
  );
}

/** The eleven event-name counters of the core session columns, which each protocol defines. */
export function sessionCounterColumns(defs: SessionCounterDefinitions): SessionColumn[] {
  return [
    total(CoreSession.session_total_purchases, defs.purchases),
    total(CoreSession.session_total_scrolls, defs.scrolls),
    total(CoreSession.session_total_outbound_clicks, defs.outboundClicks),
    unique(CoreSession.session_unique_outbound_clicks, defs.outboundClicks),
    total(CoreSession.session_total_site_searches, defs.siteSearches),
    unique(CoreSession.session_unique_site_searches, defs.siteSearches),
    total(CoreSession.session_total_form_interactions, defs.formInteractions),
    unique(CoreSession.session_unique_form_interactions, defs.formInteractions),
    total(CoreSession.session_total_video_engagements, defs.videoEngagements),
    total(CoreSession.session_total_file_downloads, defs.fileDownloads),
    unique(CoreSession.session_unique_file_downloads, defs.fileDownloads),
  ];
}
