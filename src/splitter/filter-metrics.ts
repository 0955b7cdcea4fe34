import { metrics, type Counter } from '@opentelemetry/api';

/**
 * Events that a filter dropped or marked, by reason (`known_bot`, `traffic_filter`), action
 * (`excluded`, `marked`) and property. Taken from the global meter when a modifier is built,
 * which is after monitoring has registered its provider.
 */
export function filteredEventsCounter(): Counter {
  return metrics.getMeter('cairn').createCounter('worker.events.filtered', {
    description: 'Events dropped or marked by the bot filter and the traffic filters, by reason, action and property',
  });
}
