import { decodeComponent } from '../../src/receiver/querystring.js';

/**
 * The parameters the receiver itself reads from a Matomo request: routing, identity and the
 * event name. Columns read the rest later, from the hit's parsed parameters.
 */
export const RECEIVER_PARAMS: ReadonlySet<string> = new Set([
  'idsite',
  '_id',
  'cid',
  'uid',
  'idgoal',
  'ec_id',
  'ma_id',
  'ma_mt',
  'download',
  'link',
  'search',
  'c_i',
  'c_n',
  'e_c',
  'e_a',
]);

/** First values of some parameters, looked up by name; absent names give undefined. */
export type PickedParams = ReadonlyMap<string, string>;

function needsDecoding(s: string): boolean {
  return s.includes('%') || s.includes('+');
}

/**
 * The first value of each wanted parameter across raw query strings, where a later string's
 * parameters win over an earlier one's (Matomo: the URL over a form body). One pass per string
 * and only the wanted values are decoded, so the receiver never builds the whole map.
 * The strings must already have passed `assertDecodable`.
 */
export function pickParams(layers: readonly string[], wanted: ReadonlySet<string> = RECEIVER_PARAMS): PickedParams {
  const found = new Map<string, string>();
  for (let l = layers.length - 1; l >= 0; l--) {
    const raw = layers[l]!;
    let start = 0;
    while (start <= raw.length) {
      let end = raw.indexOf('&', start);
      if (end === -1) end = raw.length;
      if (end > start) {
        let eq = raw.indexOf('=', start);
        if (eq === -1 || eq > end) eq = end;
        const rawKey = raw.slice(start, eq);
        const key = needsDecoding(rawKey) ? decodeComponent(rawKey, () => 'a parameter name') : rawKey;
        // Within a string the first value wins; a later string was read first, so it wins too.
        if (wanted.has(key) && !found.has(key)) {
          found.set(key, eq < end ? decodeComponent(raw.slice(eq + 1, end), () => `query parameter \`${key}\``) : '');
        }
      }
      start = end + 1;
    }
  }
  return found;
}
