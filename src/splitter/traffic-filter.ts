/**
 * Drops, keeps or tags events by the property's traffic-filter conditions (pipeline §6.2,
 * columns §5): exclude conditions drop what they match; when any non-test allow condition
 * exists, only events some allow condition matched survive; test-mode conditions drop nothing
 * and only name themselves in the event's metadata. A condition that fails at run time or does
 * not yield a boolean is skipped for that event with a warning.
 */
import type { Counter } from '@opentelemetry/api';
import type { Event, Session } from '../schema/session.js';
import type { Logger } from '../monitoring/logger.js';
import type { CompiledExpression } from './expressions/index.js';
import { filterEnvironment } from './filter-environment.js';
import { filteredEventsCounter } from './filter-metrics.js';
import type { SessionModifier } from './modifier.js';

/** Event metadata key naming the last test-mode condition that matched the event. */
export const TRAFFIC_FILTER_NAME_METADATA_KEY = 'traffic_filter_name';

export interface CompiledFilterCondition {
  readonly name: string;
  readonly type: 'exclude' | 'allow';
  readonly testMode: boolean;
  readonly expression: CompiledExpression;
}

export interface TrafficFilterOptions {
  /** Event columns visible to the expressions. */
  fields: readonly string[];
  /** In configuration order. */
  conditions: readonly CompiledFilterCondition[];
  logger: Logger;
  /** Named in warnings. */
  propertyId?: string;
  /** Clock for spacing repeated warnings. */
  now?: () => number;
}

/** One failing condition can fail on every event; its warning is repeated at most this often. */
const WARNING_INTERVAL_MS = 60_000;

interface WarningState {
  lastLoggedAt: number;
  suppressed: number;
}

export class TrafficFilter implements SessionModifier {
  private readonly fields: readonly string[];
  private readonly conditions: readonly CompiledFilterCondition[];
  private readonly logger: Logger;
  private readonly propertyId: string | undefined;
  private readonly now: () => number;
  private readonly allowFiltering: boolean;
  private readonly warnings = new Map<CompiledFilterCondition, WarningState>();
  private readonly filtered: Counter;
  private readonly excludedAttributes: { reason: string; action: string; property_id: string };
  private readonly markedAttributes: { reason: string; action: string; property_id: string };

  constructor(options: TrafficFilterOptions) {
    this.fields = [...options.fields];
    this.conditions = [...options.conditions];
    this.logger = options.logger;
    this.propertyId = options.propertyId;
    this.now = options.now ?? Date.now;
    this.allowFiltering = this.conditions.some((c) => c.type === 'allow' && !c.testMode);
    this.filtered = filteredEventsCounter();
    const property_id = this.propertyId ?? '';
    this.excludedAttributes = { reason: 'traffic_filter', action: 'excluded', property_id };
    this.markedAttributes = { reason: 'traffic_filter', action: 'marked', property_id };
  }

  modify(session: Session): Session[] {
    let marked = 0;
    const kept = session.events.filter((event) => {
      const before = event.metadata[TRAFFIC_FILTER_NAME_METADATA_KEY];
      const keep = this.keeps(event);
      if (keep && event.metadata[TRAFFIC_FILTER_NAME_METADATA_KEY] !== before) marked++;
      return keep;
    });
    const dropped = session.events.length - kept.length;
    if (dropped > 0) this.filtered.add(dropped, this.excludedAttributes);
    if (marked > 0) this.filtered.add(marked, this.markedAttributes);
    if (kept.length === 0) return [];
    if (dropped === 0) return [session];
    return [{ ...session, events: kept }];
  }

  private keeps(event: Event): boolean {
    const env = filterEnvironment(event, this.fields);
    let excluded = false;
    let allowed = false;
    for (const condition of this.conditions) {
      if (!this.matches(condition, env)) continue;
      if (condition.testMode) event.metadata[TRAFFIC_FILTER_NAME_METADATA_KEY] = condition.name;
      else if (condition.type === 'exclude') excluded = true;
      else allowed = true;
    }
    if (excluded) return false;
    return !this.allowFiltering || allowed;
  }

  private matches(condition: CompiledFilterCondition, env: Record<string, unknown>): boolean {
    let result: unknown;
    try {
      result = condition.expression.evaluate(env);
    } catch (error) {
      this.warn(condition, error instanceof Error ? error.message : String(error));
      return false;
    }
    if (typeof result !== 'boolean') {
      this.warn(condition, `the expression gave ${result === null ? 'nil' : Array.isArray(result) ? 'an array' : `a ${typeof result}`}, not a boolean`);
      return false;
    }
    return result;
  }

  private warn(condition: CompiledFilterCondition, reason: string): void {
    const now = this.now();
    const state = this.warnings.get(condition);
    if (state !== undefined && now - state.lastLoggedAt < WARNING_INTERVAL_MS) {
      state.suppressed++;
      return;
    }
    this.logger.warn('traffic filter condition skipped for an event', {
      property: this.propertyId,
      filter: condition.name,
      expression: condition.expression.source,
      error: reason,
      suppressedSinceLastWarning: state?.suppressed ?? 0,
    });
    this.warnings.set(condition, { lastLoggedAt: now, suppressed: 0 });
  }
}
