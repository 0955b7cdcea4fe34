/**
 * Identifier isolation: every identifier the worker joins or groups by is hashed together with
 * the property id, so the same client id, user id or device fingerprint in two properties never
 * meets. The formulas are fixed by the reference (SHA-256, lowercase hex) because the values
 * end up in hit metadata and so in output columns.
 */
import { hash } from 'node:crypto';
import type { Headers, Hit } from '../hits/hit.js';
import { firstParam, unparsedLayers } from '../hits/hit.js';
import { SealedHeadersMemo } from '../hits/sealed-headers.js';
import { utcDate } from '../hits/utc-text.js';
import { PairMap } from '../storage/pair-map.js';
import { firstValueInLayers } from '../receiver/querystring.js';

export const ISOLATED_CLIENT_ID = 'isolated_client_id';
export const ISOLATED_USER_ID_STAMP = 'isolated_user_id_stamp';
export const ISOLATED_SESSION_STAMP = 'isolated_session_stamp';
export const ISOLATED_GA_SESSION_STAMP = 'isolated_ga_session_stamp';
/** Set on a hit that was moved into another client's proto-session by a shared identifier. */
export const ORIGINAL_AUTHORITATIVE_CLIENT_ID = 'original_authoritative_client_id';
export const MARKED_FOR_EVICTION = 'marked_for_eviction';

/** The request headers that make up the computed session stamp, in formula order. */
export const SESSION_STAMP_HEADERS: readonly string[] = [
  'Accept',
  'Accept-Encoding',
  'Accept-Language',
  'User-Agent',
  'Sec-CH-UA',
  'Sec-CH-UA-Mobile',
  'Sec-CH-UA-Platform',
  'Sec-CH-UA-Platform-Version',
  'Sec-CH-UA-Model',
  'Sec-CH-UA-Full-Version',
];

/** Query parameter carrying a client-provided session stamp. */
export const CLIENT_SESSION_STAMP_PARAM = 'fss';

/**
 * Intake hashes two or three short texts per hit; the one-shot `hash` takes about a third of
 * the time of a `Hash` object and allocates far less.
 */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

export function isolatedClientId(propertyId: string, authoritativeClientId: string): string {
  return sha256Hex(`${propertyId}|${authoritativeClientId}`);
}

export function isolatedUserIdStamp(propertyId: string, userId: string): string {
  return sha256Hex(`${propertyId}|${userId}`);
}

/** One parameter of a hit, without parsing all of them when they are still raw. */
function paramOf(hit: Hit, key: string): string | undefined {
  const layers = unparsedLayers(hit.request);
  return layers !== undefined ? firstValueInLayers(layers, key) : firstParam(hit.request.queryParams, key);
}

/** Go's canonical MIME header form (`sec-ch-ua` → `Sec-Ch-Ua`), the form the receiver stores. */
export function canonicalHeaderName(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((part) => (part.length === 0 ? part : part[0]!.toUpperCase() + part.slice(1)))
    .join('-');
}

// Every hit looks up the same ten names; their canonical forms are worth remembering.
const canonicalNames = new Map<string, string>();

/**
 * First value of a header, looked up without regard to case: the receiver stores canonical
 * names, but hits built elsewhere (tests, other protocols) may not.
 */
export function firstHeaderValue(headers: Headers, name: string): string {
  let canonical = canonicalNames.get(name);
  if (canonical === undefined) {
    canonical = canonicalHeaderName(name);
    if (canonicalNames.size < 64) canonicalNames.set(name, canonical);
  }
  const direct = headers.get(canonical) ?? headers.get(name);
  if (direct !== undefined) return direct[0] ?? '';
  // Most of the stamp's headers are absent from most hits: compare lengths before case-folding.
  const lower = name.toLowerCase();
  for (const [key, values] of headers) if (key.length === lower.length && key.toLowerCase() === lower) return values[0] ?? '';
  return '';
}

/**
 * The isolated session stamp: from `fss` when the client sent a non-empty one (no date, so it
 * holds across midnight), otherwise a fingerprint of the browser headers, the masked IP as the
 * receiver stored it, the property and the UTC day.
 */
export function isolatedSessionStamp(hit: Hit): string {
  const fss = paramOf(hit, CLIENT_SESSION_STAMP_PARAM);
  if (fss !== undefined && fss !== '') return sha256Hex(`fss=${fss}|${hit.propertyId}`);
  const headerPart = stampHeaderPart(hit.request.headers);
  const { ip, serverReceivedTime } = hit.request;
  const day = Math.floor(serverReceivedTime / DAY_MS);
  const recent = recentStamps.get(headerPart, ip);
  if (recent !== undefined && recent.propertyId === hit.propertyId && recent.day === day) return recent.stamp;
  const stamp = sha256Hex(`${headerPart}|${ip}|${hit.propertyId}|${utcDate(serverReceivedTime)}`);
  recentStamps.set(headerPart, ip, { propertyId: hit.propertyId, day, stamp });
  return stamp;
}

/**
 * Fingerprint stamps of recent inputs, by header part (one string per sealed header map, the
 * same object for a visitor's hits) and address, each kept with the property and UTC day it was
 * made for: every hit of a visitor's day has the same input, and looking it up costs a fraction
 * of hashing it again, without building the few hundred characters of the input (or a key
 * joined from its parts) first.
 */
const recentStamps = new PairMap<{ propertyId: string; day: number; stamp: string }>(4096);
const DAY_MS = 86_400_000;

// The hits of one client share a sealed header map: its part of the stamp is read once.
const headerParts = new SealedHeadersMemo<string>();

/** The stamp's header values joined with `|`. */
function stampHeaderPart(headers: Headers): string {
  return headerParts.get(headers, (h) => SESSION_STAMP_HEADERS.map((name) => firstHeaderValue(h, name)).join('|'));
}

/** The GA4 session id parameter: gtag's `sid`, which Measurement Protocol events carry as `session_id`. */
export const GA_SESSION_ID_PARAM = 'sid';

/**
 * The stamp of a client's GA4 session (`sid`), or undefined without one. Web hits and
 * Measurement Protocol events of the same client and session id share it, which is how a
 * server event finds the web session it belongs to.
 */
export function isolatedGaSessionStamp(hit: Hit): string | undefined {
  const sid = paramOf(hit, GA_SESSION_ID_PARAM);
  if (sid === undefined || sid === '') return undefined;
  return sha256Hex(`ga_session|${hit.propertyId}|${hit.clientId}|${sid}`);
}

/** The proto-session a hit belongs to; falls back to the raw id for hits not yet isolated. */
export function protoSessionIdOf(hit: Hit): string {
  return hit.metadata[ISOLATED_CLIENT_ID] ?? hit.authoritativeClientId;
}
