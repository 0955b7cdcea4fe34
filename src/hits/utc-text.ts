/**
 * A hit's time as UTC text: the day (`YYYY-MM-DD`, part of session stamps and of the `date_utc`
 * column) and the instant to the second (`timestamp_utc`, `page_load_hash`). Hits arrive in time
 * order as a rule, so the last day and the last second formatted are kept.
 */

const DAY_MS = 86_400_000;
// Beyond ±8.64e15 ms a Date is invalid.
const MAX_DATE_MS = 8.64e15;
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

const pad2 = (n: number): string => TWO_DIGITS[n] ?? String(n).padStart(2, '0');

function formatUtcDate(timeMs: number): string {
  const d = new Date(timeMs);
  const y = d.getUTCFullYear();
  const yyyy = y >= 0 && y <= 9999 ? String(y).padStart(4, '0') : String(y);
  return `${yyyy}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

let lastDay = NaN;
let lastDayText = '';

/** `YYYY-MM-DD` of the instant in UTC. */
export function utcDate(time: number): string {
  // A Date drops a fraction of a millisecond toward zero; the day must be that time's.
  const day = Math.floor(Math.trunc(time) / DAY_MS);
  if (day === lastDay) return lastDayText;
  const text = formatUtcDate(time);
  if (Number.isFinite(day)) {
    lastDay = day;
    lastDayText = text;
  }
  return text;
}

/** RFC 3339 in UTC, whole seconds (`2025-01-01T12:00:00Z`), formatted afresh. */
export function formatUtcTimestamp(time: number): string {
  const d = new Date(time);
  return `${formatUtcDate(time)}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}Z`;
}

let lastSecond = NaN;
let lastTimestamp = '';

/**
 * `formatUtcTimestamp`, with the date part kept per day and the time of day from arithmetic.
 * The events of a session are seconds apart, so the last second alone is rarely the same.
 */
export function utcTimestamp(time: number): string {
  const ms = Math.trunc(time);
  const second = Math.floor(ms / 1000);
  if (second === lastSecond) return lastTimestamp;
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return formatUtcTimestamp(ms);
  const ofDay = ((second % 86_400) + 86_400) % 86_400;
  lastTimestamp = `${utcDate(ms)}T${pad2(Math.floor(ofDay / 3600))}:${pad2(Math.floor(ofDay / 60) % 60)}:${pad2(ofDay % 60)}Z`;
  lastSecond = second;
  return lastTimestamp;
}
