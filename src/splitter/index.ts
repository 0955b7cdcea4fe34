export type { SessionModifier, SessionModifierRegistry } from './modifier.js';
export { SessionSplitter } from './session-splitter.js';
export {
  MaxEventsCondition,
  SPLIT_CAUSE_METADATA_KEY,
  TimeSinceFirstEventCondition,
  ValueChangeCondition,
  userIdChangeCondition,
  utmCampaignChangeCondition,
  type SliceState,
  type SplitCause,
  type SplitCondition,
} from './split-conditions.js';
export { TrafficFilter, TRAFFIC_FILTER_NAME_METADATA_KEY, type CompiledFilterCondition, type TrafficFilterOptions } from './traffic-filter.js';
export { filterEnvironment, formatFieldValue } from './filter-environment.js';
export { KnownBotDetector, KnownBotFilter, KNOWN_BOTS_FILTER_NAME, userAgentOf, type KnownBotFilterOptions } from './known-bots.js';
export { MultiModifier, NoopModifier } from './multi-modifier.js';
export {
  PropertyModifierRegistry,
  FilterCompileError,
  buildSessionModifier,
  compileFilterConditions,
  splitConditions,
  DEFAULT_SPLIT_SETTINGS,
  type SplitSettings,
} from './registry.js';
export { compileExpression, ExpressionError, ExpressionRuntimeError, type CompiledExpression } from './expressions/index.js';
