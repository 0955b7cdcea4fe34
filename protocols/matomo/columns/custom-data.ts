import type { QueryParams } from '../../../src/hits/hit.js';
import { parseGoInt64, type Int64 } from '../../../src/schema/go-number.js';

/** Matomo's custom variables (`cvar` per page, `_cvar` per visit) and custom dimensions (`dimensionN`). */

export interface CustomVariable {
  name: string;
  value: string;
}

export interface CustomDimension {
  slot: Int64;
  value: string;
}

function compareInt64(a: Int64, b: Int64): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Slot order of custom variables: numeric slots by value first, then the others by text. */
function compareSlots(a: string, b: string): number {
  const x = parseGoInt64(a);
  const y = parseGoInt64(b);
  if (x !== null && y !== null) return compareInt64(x, y) || (a < b ? -1 : a > b ? 1 : 0);
  if (x !== null) return -1;
  if (y !== null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The text pairs of a custom-variable value: `{"1": ["name", "value"], …}`. Anything that is not
 * an object of lists of texts gives null as a whole (a `null` list or list entry reads as empty,
 * as a JSON decoder into texts would); pairs of another length are skipped.
 */
function variablePairs(raw: string): Map<string, string[]> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (parsed === null) return new Map();
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const out = new Map<string, string[]>();
  for (const [slot, entry] of Object.entries(parsed as Record<string, unknown>)) {
    if (entry === null) {
      out.set(slot, []);
      continue;
    }
    if (!Array.isArray(entry)) return null;
    const texts: string[] = [];
    for (const part of entry as unknown[]) {
      if (typeof part === 'string') texts.push(part);
      else if (part === null) texts.push('');
      else return null;
    }
    out.set(slot, texts);
  }
  return out;
}

/** Custom variables of a `cvar` / `_cvar` value in slot order; null when none or unreadable. */
export function parseCustomVariables(raw: string | null | undefined): CustomVariable[] | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const pairs = variablePairs(raw);
  if (pairs === null) return null;
  const slots = [...pairs.keys()].sort(compareSlots);
  const out: CustomVariable[] = [];
  for (const slot of slots) {
    const pair = pairs.get(slot)!;
    if (pair.length === 2) out.push({ name: pair[0]!, value: pair[1]! });
  }
  return out.length === 0 ? null : out;
}

/**
 * Custom dimensions of a hit: every `dimension<N>` parameter whose N is a base-10 integer (a
 * sign and leading zeros allowed, so `dimension01` is slot 1), with the last value of the key;
 * empty values are skipped. Should two keys name the same slot, the later key in the request
 * wins. Sorted by slot; null when there is none.
 */
export function customDimensionsOf(params: QueryParams): CustomDimension[] | null {
  const bySlot = new Map<string, CustomDimension>();
  for (const [key, values] of params) {
    if (!key.startsWith('dimension')) continue;
    const slot = parseGoInt64(key.slice('dimension'.length));
    if (slot === null) continue;
    const value = values[values.length - 1];
    if (value === undefined || value === '') continue;
    bySlot.set(String(slot), { slot, value });
  }
  if (bySlot.size === 0) return null;
  return [...bySlot.values()].sort((a, b) => compareInt64(a.slot, b.slot));
}

/** Merges per-event custom dimensions over a session: a later value of a slot wins; sorted by slot. */
export function mergeCustomDimensions(lists: readonly unknown[]): CustomDimension[] | null {
  const bySlot = new Map<string, CustomDimension>();
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const d of list as CustomDimension[]) bySlot.set(String(d.slot), d);
  }
  if (bySlot.size === 0) return null;
  return [...bySlot.values()].sort((a, b) => compareInt64(a.slot, b.slot));
}

/** Merges per-event custom variables over a session by name: a later value wins; sorted by name. */
export function mergeCustomVariables(lists: readonly (CustomVariable[] | null)[]): CustomVariable[] | null {
  const byName = new Map<string, string>();
  for (const list of lists) {
    if (list === null) continue;
    for (const v of list) byName.set(v.name, v.value);
  }
  if (byName.size === 0) return null;
  return [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((name) => ({ name, value: byName.get(name)! }));
}
