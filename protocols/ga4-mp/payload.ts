/**
 * The JSON body of a Measurement Protocol request, checked field by field. Every problem is
 * reported (the debug endpoint lists them all); a payload with any problem is refused whole.
 */
import { isIP } from 'node:net';
import {
  MAX_BACKDATE_MS,
  MAX_EVENT_NAME_LENGTH,
  MAX_EVENTS_PER_REQUEST,
  MAX_FUTURE_SKEW_MS,
  MAX_ITEMS_PER_EVENT,
  MAX_PARAM_NAME_LENGTH,
  MAX_PARAM_VALUE_LENGTH,
  MAX_PARAMS_PER_EVENT,
  MAX_USER_ID_LENGTH,
  MAX_USER_PROPERTIES,
  MAX_USER_PROPERTY_NAME_LENGTH,
  MAX_USER_PROPERTY_VALUE_LENGTH,
  NAME_PATTERN,
  RESERVED_EVENT_NAMES,
  RESERVED_PARAM_NAMES,
  RESERVED_USER_PROPERTY_NAMES,
  reservedPrefixOf,
} from './limits.js';

/** GA4's validation codes, as the debug endpoint reports them. */
export type ValidationCode =
  | 'VALUE_INVALID'
  | 'VALUE_REQUIRED'
  | 'NAME_INVALID'
  | 'NAME_RESERVED'
  | 'VALUE_OUT_OF_BOUNDS'
  | 'EXCEEDED_MAX_ENTITIES'
  | 'NAME_DUPLICATED';

export interface ValidationMessage {
  fieldPath: string;
  description: string;
  validationCode: ValidationCode;
}

export type ParamValue = string | number;

export interface MpEvent {
  name: string;
  /** Parameters other than `items`, in body order. */
  params: Array<[string, ParamValue]>;
  /** Each item's fields in body order. */
  items: Array<Array<[string, ParamValue]>>;
  timestampMicros: number | undefined;
}

export interface MpUserProperty {
  name: string;
  value: ParamValue;
  setTimestampMicros: number | undefined;
}

export type ConsentValue = 'GRANTED' | 'DENIED';

export interface MpPayload {
  clientId: string;
  userId: string | null;
  timestampMicros: number | undefined;
  userProperties: MpUserProperty[];
  nonPersonalizedAds: boolean;
  consent: { adUserData?: ConsentValue; adPersonalization?: ConsentValue };
  ipOverride: string | undefined;
  device: { language?: string; screenResolution?: string };
  events: MpEvent[];
}

/** Web streams identify the browser by `client_id`, app streams the installation by `app_instance_id`. */
export type StreamKind = 'web' | 'app';

const TOP_LEVEL_FIELDS = new Set([
  'client_id',
  'app_instance_id',
  'user_id',
  'timestamp_micros',
  'user_properties',
  'consent',
  'non_personalized_ads',
  'user_data',
  'events',
  'ip_override',
  'device',
  'user_location',
  'validation_behavior',
]);

const APP_INSTANCE_ID = /^[0-9a-fA-F]{32}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Length in characters (code points), the unit GA4's limits count in. */
function charLength(s: string): number {
  if (s.length <= MAX_PARAM_VALUE_LENGTH / 2) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `the ${typeof v} ${String(v)}`;
}

class Checker {
  readonly messages: ValidationMessage[] = [];

  report(fieldPath: string, validationCode: ValidationCode, description: string): void {
    this.messages.push({ fieldPath, description, validationCode });
  }

  /** An integer count of microseconds, as a JSON number or a string of digits (64-bit ids often travel as text). */
  micros(value: unknown, path: string, nowMs: number): number | undefined {
    if (value === undefined || value === null) return undefined;
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,19}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < 0) {
      this.report(path, 'VALUE_INVALID', `${path} must be a whole number of microseconds since the epoch, got ${describe(value)}`);
      return undefined;
    }
    const ms = n / 1000;
    if (ms < nowMs - MAX_BACKDATE_MS) {
      this.report(path, 'VALUE_OUT_OF_BOUNDS', `${path} ${n} is more than 72 hours in the past; events can be backdated by at most 72 hours`);
      return undefined;
    }
    if (ms > nowMs + MAX_FUTURE_SKEW_MS) {
      this.report(path, 'VALUE_OUT_OF_BOUNDS', `${path} ${n} is in the future`);
      return undefined;
    }
    return n;
  }

  /** A name of letters, digits and underscores, within `max` characters and not reserved. */
  name(name: string, path: string, what: string, max: number, reserved: ReadonlySet<string>): boolean {
    if (name.length === 0) {
      this.report(path, 'VALUE_REQUIRED', `${what} name must not be empty`);
      return false;
    }
    if (charLength(name) > max) {
      this.report(path, 'VALUE_OUT_OF_BOUNDS', `${what} name [${name}] is longer than ${max} characters`);
      return false;
    }
    if (!NAME_PATTERN.test(name)) {
      this.report(path, 'NAME_INVALID', `${what} name [${name}] is invalid: names must start with a letter and hold only letters, digits and underscores`);
      return false;
    }
    const prefix = reservedPrefixOf(name);
    if (prefix !== undefined) {
      this.report(path, 'NAME_RESERVED', `${what} name [${name}] starts with the reserved prefix ${prefix}`);
      return false;
    }
    if (reserved.has(name)) {
      this.report(path, 'NAME_RESERVED', `${what} name [${name}] is reserved`);
      return false;
    }
    return true;
  }

  /** A scalar value: text within `maxLength` characters, a finite number, or a boolean (kept as text). */
  scalar(value: unknown, path: string, maxLength: number): ParamValue | undefined {
    if (typeof value === 'string') {
      if (charLength(value) > maxLength) {
        this.report(path, 'VALUE_OUT_OF_BOUNDS', `${path} is longer than ${maxLength} characters`);
        return undefined;
      }
      return value;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        this.report(path, 'VALUE_INVALID', `${path} must be a finite number`);
        return undefined;
      }
      return value;
    }
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    this.report(path, 'VALUE_INVALID', `${path} must be text, a number or a boolean, got ${describe(value)}`);
    return undefined;
  }
}

function readItems(c: Checker, value: unknown, path: string): Array<Array<[string, ParamValue]>> {
  if (!Array.isArray(value)) {
    c.report(path, 'VALUE_INVALID', `${path} must be an array of item objects, got ${describe(value)}`);
    return [];
  }
  if (value.length > MAX_ITEMS_PER_EVENT) {
    c.report(path, 'EXCEEDED_MAX_ENTITIES', `${path} holds ${value.length} items; at most ${MAX_ITEMS_PER_EVENT} are allowed`);
    return [];
  }
  const items: Array<Array<[string, ParamValue]>> = [];
  value.forEach((raw, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(raw)) {
      c.report(at, 'VALUE_INVALID', `${at} must be an object, got ${describe(raw)}`);
      return;
    }
    const fields: Array<[string, ParamValue]> = [];
    for (const [key, v] of Object.entries(raw)) {
      const parsed = c.scalar(v, `${at}.${key}`, MAX_PARAM_VALUE_LENGTH);
      if (parsed !== undefined) fields.push([key, parsed]);
    }
    if (raw['item_id'] === undefined && raw['item_name'] === undefined) {
      c.report(`${at}.item_id`, 'VALUE_REQUIRED', `${at} needs an item_id or an item_name`);
    }
    items.push(fields);
  });
  return items;
}

function readEvent(c: Checker, raw: unknown, index: number, nowMs: number): MpEvent | undefined {
  const path = `events[${index}]`;
  if (!isRecord(raw)) {
    c.report(path, 'VALUE_INVALID', `${path} must be an object with a name and params, got ${describe(raw)}`);
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (key !== 'name' && key !== 'params' && key !== 'timestamp_micros') c.report(`${path}.${key}`, 'VALUE_INVALID', `${path} has an unknown field ${key}`);
  }
  const name = raw['name'];
  let okName = false;
  if (typeof name !== 'string') {
    c.report(`${path}.name`, name === undefined ? 'VALUE_REQUIRED' : 'VALUE_INVALID', `${path}.name is required and must be text`);
  } else {
    okName = c.name(name, `${path}.name`, `Event at index [${index}]: event`, MAX_EVENT_NAME_LENGTH, RESERVED_EVENT_NAMES);
  }
  const event: MpEvent = { name: typeof name === 'string' ? name : '', params: [], items: [], timestampMicros: c.micros(raw['timestamp_micros'], `${path}.timestamp_micros`, nowMs) };
  const params = raw['params'];
  if (params !== undefined && params !== null) {
    if (!isRecord(params)) {
      c.report(`${path}.params`, 'VALUE_INVALID', `${path}.params must be an object, got ${describe(params)}`);
    } else {
      const entries = Object.entries(params);
      if (entries.length > MAX_PARAMS_PER_EVENT) {
        c.report(`${path}.params`, 'EXCEEDED_MAX_ENTITIES', `${path} has ${entries.length} params; at most ${MAX_PARAMS_PER_EVENT} are allowed`);
      }
      for (const [key, value] of entries) {
        const at = `${path}.params.${key}`;
        if (!c.name(key, at, `Event at index [${index}]: param`, MAX_PARAM_NAME_LENGTH, RESERVED_PARAM_NAMES)) continue;
        if (key === 'items') {
          event.items = readItems(c, value, at);
          continue;
        }
        const parsed = c.scalar(value, at, MAX_PARAM_VALUE_LENGTH);
        if (parsed !== undefined) event.params.push([key, parsed]);
      }
    }
  }
  return okName ? event : undefined;
}

function readUserProperties(c: Checker, raw: unknown, nowMs: number): MpUserProperty[] {
  if (raw === undefined || raw === null) return [];
  if (!isRecord(raw)) {
    c.report('user_properties', 'VALUE_INVALID', `user_properties must be an object of {"name": {"value": ...}}, got ${describe(raw)}`);
    return [];
  }
  const entries = Object.entries(raw);
  if (entries.length > MAX_USER_PROPERTIES) {
    c.report('user_properties', 'EXCEEDED_MAX_ENTITIES', `user_properties has ${entries.length} entries; at most ${MAX_USER_PROPERTIES} are allowed`);
  }
  const out: MpUserProperty[] = [];
  for (const [name, entry] of entries) {
    const at = `user_properties.${name}`;
    if (!c.name(name, at, 'User property', MAX_USER_PROPERTY_NAME_LENGTH, RESERVED_USER_PROPERTY_NAMES)) continue;
    if (!isRecord(entry)) {
      c.report(at, 'VALUE_INVALID', `${at} must be an object like {"value": "premium"}, got ${describe(entry)}`);
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (key !== 'value' && key !== 'set_timestamp_micros') c.report(`${at}.${key}`, 'VALUE_INVALID', `${at} has an unknown field ${key}`);
    }
    if (entry['value'] === undefined || entry['value'] === null) {
      c.report(`${at}.value`, 'VALUE_REQUIRED', `${at}.value is required`);
      continue;
    }
    const value = c.scalar(entry['value'], `${at}.value`, MAX_USER_PROPERTY_VALUE_LENGTH);
    const setTimestampMicros = c.micros(entry['set_timestamp_micros'], `${at}.set_timestamp_micros`, nowMs);
    if (value !== undefined) out.push({ name, value, setTimestampMicros });
  }
  return out;
}

function readConsent(c: Checker, raw: unknown): MpPayload['consent'] {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) {
    c.report('consent', 'VALUE_INVALID', `consent must be an object, got ${describe(raw)}`);
    return {};
  }
  const out: MpPayload['consent'] = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key !== 'ad_user_data' && key !== 'ad_personalization') {
      c.report(`consent.${key}`, 'VALUE_INVALID', `consent has an unknown field ${key}; known: ad_user_data, ad_personalization`);
      continue;
    }
    if (value !== 'GRANTED' && value !== 'DENIED') {
      c.report(`consent.${key}`, 'VALUE_INVALID', `consent.${key} must be GRANTED or DENIED, got ${describe(value)}`);
      continue;
    }
    if (key === 'ad_user_data') out.adUserData = value;
    else out.adPersonalization = value;
  }
  return out;
}

function optionalText(c: Checker, raw: Record<string, unknown>, key: string, path: string): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    c.report(path, 'VALUE_INVALID', `${path} must be text, got ${describe(v)}`);
    return undefined;
  }
  return v;
}

/**
 * Checks a request body against the Measurement Protocol's rules. `nowMs` is the server-received
 * time: backdating is measured from it, so a replay judges a request as it was judged live.
 */
export function readPayload(body: Uint8Array, stream: StreamKind, nowMs: number): { payload: MpPayload | null; messages: ValidationMessage[] } {
  const c = new Checker();
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (err) {
    const why = err instanceof SyntaxError ? err.message : 'the body is not valid UTF-8';
    c.report('', 'VALUE_INVALID', body.length === 0 ? 'the request body is empty; expected a JSON object with events' : `the request body is not valid JSON: ${why}`);
    return { payload: null, messages: c.messages };
  }
  if (!isRecord(json)) {
    c.report('', 'VALUE_INVALID', `the request body must be a JSON object, got ${describe(json)}`);
    return { payload: null, messages: c.messages };
  }
  for (const key of Object.keys(json)) {
    if (!TOP_LEVEL_FIELDS.has(key)) c.report(key, 'VALUE_INVALID', `unknown field ${key} in the request body`);
  }

  const idField = stream === 'web' ? 'client_id' : 'app_instance_id';
  const otherId = stream === 'web' ? 'app_instance_id' : 'client_id';
  if (json[otherId] !== undefined) {
    c.report(otherId, 'VALUE_INVALID', `${otherId} belongs to ${stream === 'web' ? 'app streams (firebase_app_id)' : 'web streams (measurement_id)'}; this request uses ${idField}`);
  }
  const clientId = optionalText(c, json, idField, idField) ?? '';
  if (json[idField] === undefined || json[idField] === null || (typeof json[idField] === 'string' && clientId === '')) {
    c.report(idField, 'VALUE_REQUIRED', `${idField} is required`);
  } else if (stream === 'app' && clientId !== '' && !APP_INSTANCE_ID.test(clientId)) {
    c.report(idField, 'VALUE_INVALID', `app_instance_id must be 32 hexadecimal digits, got ${describe(clientId)}`);
  }

  const userId = optionalText(c, json, 'user_id', 'user_id');
  if (userId !== undefined && charLength(userId) > MAX_USER_ID_LENGTH) c.report('user_id', 'VALUE_OUT_OF_BOUNDS', `user_id is longer than ${MAX_USER_ID_LENGTH} characters`);

  const npa = json['non_personalized_ads'];
  if (npa !== undefined && npa !== null && typeof npa !== 'boolean') c.report('non_personalized_ads', 'VALUE_INVALID', `non_personalized_ads must be true or false, got ${describe(npa)}`);

  for (const key of ['user_data', 'user_location'] as const) {
    const v = json[key];
    if (v !== undefined && v !== null && !isRecord(v)) c.report(key, 'VALUE_INVALID', `${key} must be an object, got ${describe(v)}`);
  }
  optionalText(c, json, 'validation_behavior', 'validation_behavior');

  const ipOverride = optionalText(c, json, 'ip_override', 'ip_override');
  if (ipOverride !== undefined && isIP(ipOverride) === 0) c.report('ip_override', 'VALUE_INVALID', `ip_override must be an IPv4 or IPv6 address, got ${describe(ipOverride)}`);

  const device: MpPayload['device'] = {};
  const rawDevice = json['device'];
  if (rawDevice !== undefined && rawDevice !== null) {
    if (!isRecord(rawDevice)) c.report('device', 'VALUE_INVALID', `device must be an object, got ${describe(rawDevice)}`);
    else {
      const language = optionalText(c, rawDevice, 'language', 'device.language');
      const resolution = optionalText(c, rawDevice, 'screen_resolution', 'device.screen_resolution');
      if (language !== undefined) device.language = language;
      if (resolution !== undefined) device.screenResolution = resolution;
    }
  }

  const timestampMicros = c.micros(json['timestamp_micros'], 'timestamp_micros', nowMs);
  const userProperties = readUserProperties(c, json['user_properties'], nowMs);
  const consent = readConsent(c, json['consent']);

  const events: MpEvent[] = [];
  const rawEvents = json['events'];
  if (!Array.isArray(rawEvents)) {
    c.report('events', rawEvents === undefined ? 'VALUE_REQUIRED' : 'VALUE_INVALID', 'events is required and must be an array of {name, params} objects');
  } else if (rawEvents.length === 0) {
    c.report('events', 'VALUE_REQUIRED', 'events must hold at least one event');
  } else if (rawEvents.length > MAX_EVENTS_PER_REQUEST) {
    c.report('events', 'EXCEEDED_MAX_ENTITIES', `events holds ${rawEvents.length} events; at most ${MAX_EVENTS_PER_REQUEST} are allowed per request`);
  } else {
    rawEvents.forEach((raw, i) => {
      const e = readEvent(c, raw, i, nowMs);
      if (e !== undefined) events.push(e);
    });
  }

  if (c.messages.length > 0) return { payload: null, messages: c.messages };
  return {
    payload: {
      clientId,
      userId: userId === undefined || userId === '' ? null : userId,
      timestampMicros,
      userProperties,
      nonPersonalizedAds: npa === true,
      consent,
      ipOverride,
      device,
      events,
    },
    messages: [],
  };
}
