/**
 * Builds each property's session modifier from its settings, once, when the worker starts:
 * the splitter with its conditions in priority order, then the known-bot filter unless the
 * property keeps bots, then the traffic filter when the property has filter conditions. Every
 * filter expression is compiled here, so a bad one stops start-up with a message naming the
 * property and the filter.
 */
import type { Logger } from '../monitoring/logger.js';
import { silentLogger } from '../monitoring/logger.js';
import type { PropertySettings } from '../settings/types.js';
import { compileExpression, ExpressionError } from './expressions/index.js';
import type { SessionModifier, SessionModifierRegistry } from './modifier.js';
import { MultiModifier } from './multi-modifier.js';
import { SessionSplitter } from './session-splitter.js';
import {
  MaxEventsCondition,
  TimeSinceFirstEventCondition,
  userIdChangeCondition,
  utmCampaignChangeCondition,
  type SplitCondition,
} from './split-conditions.js';
import { KnownBotFilter } from './known-bots.js';
import { TrafficFilter, type CompiledFilterCondition } from './traffic-filter.js';

/** The reference's defaults, used for a property id no settings describe. */
export const DEFAULT_SPLIT_SETTINGS = Object.freeze({
  splitByUserId: true,
  splitByCampaign: true,
  splitByTimeSinceFirstEventMs: 12 * 60 * 60 * 1000,
  splitByMaxEvents: 1000,
});

export type SplitSettings = Pick<PropertySettings, 'splitByUserId' | 'splitByCampaign' | 'splitByTimeSinceFirstEventMs' | 'splitByMaxEvents'>;

export class FilterCompileError extends Error {
  override readonly name = 'FilterCompileError';

  constructor(
    readonly propertyId: string,
    readonly filterName: string,
    readonly expressionError: ExpressionError,
  ) {
    super(`property "${propertyId}", filter "${filterName}": ${expressionError.message}`, { cause: expressionError });
  }

  /** Where in the filter's expression the problem starts (0-based). */
  get position(): number {
    return this.expressionError.position;
  }
}

/** Split conditions in the reference's priority order: time, count, user id, campaign. */
export function splitConditions(settings: SplitSettings): SplitCondition[] {
  const conditions: SplitCondition[] = [
    new TimeSinceFirstEventCondition(settings.splitByTimeSinceFirstEventMs),
    new MaxEventsCondition(settings.splitByMaxEvents),
  ];
  if (settings.splitByUserId) conditions.push(userIdChangeCondition());
  if (settings.splitByCampaign) conditions.push(utmCampaignChangeCondition());
  return conditions;
}

/** Compiles a property's filter conditions; throws FilterCompileError on the first bad one. */
export function compileFilterConditions(property: Pick<PropertySettings, 'id' | 'filters'>): CompiledFilterCondition[] {
  return property.filters.conditions.map((condition) => {
    try {
      return { name: condition.name, type: condition.type, testMode: condition.testMode, expression: compileExpression(condition.expression) };
    } catch (error) {
      if (error instanceof ExpressionError) throw new FilterCompileError(property.id, condition.name, error);
      throw error;
    }
  });
}

export function buildSessionModifier(property: PropertySettings, logger: Logger = silentLogger): SessionModifier {
  const splitter = new SessionSplitter(splitConditions(property));
  const conditions = compileFilterConditions(property);
  const modifiers: SessionModifier[] = [splitter];
  const knownBots = property.knownBots ?? 'exclude';
  if (knownBots !== 'keep') modifiers.push(new KnownBotFilter({ mode: knownBots, propertyId: property.id }));
  if (conditions.length > 0) modifiers.push(new TrafficFilter({ fields: property.filters.fields, conditions, logger, propertyId: property.id }));
  return modifiers.length === 1 ? splitter : new MultiModifier(modifiers);
}

export class PropertyModifierRegistry implements SessionModifierRegistry {
  private readonly modifiers = new Map<string, SessionModifier>();
  private readonly unknownPropertyModifier: SessionModifier;
  private readonly reportedUnknown = new Set<string>();

  /** Throws FilterCompileError when any property has a filter expression that does not compile. */
  constructor(
    properties: readonly PropertySettings[],
    private readonly logger: Logger = silentLogger,
  ) {
    for (const property of properties) {
      if (!this.modifiers.has(property.id)) this.modifiers.set(property.id, buildSessionModifier(property, logger));
    }
    this.unknownPropertyModifier = new SessionSplitter(splitConditions(DEFAULT_SPLIT_SETTINGS));
  }

  /**
   * A session of a property the settings no longer describe (queued before a configuration
   * change) is still written: it gets the default splitting and no filters, with one warning.
   */
  forProperty(propertyId: string): SessionModifier {
    const modifier = this.modifiers.get(propertyId);
    if (modifier !== undefined) return modifier;
    if (!this.reportedUnknown.has(propertyId)) {
      this.reportedUnknown.add(propertyId);
      this.logger.warn('sessions of an unconfigured property are split with default settings and not filtered', { property: propertyId });
    }
    return this.unknownPropertyModifier;
  }
}
