/**
 * Host patterns of the referrer lists.
 *
 * - `example.com` matches `example.com` and every subdomain of it (`www.example.com`,
 *   `l.example.com`). Android package names are written the same way (`com.example.app`);
 *   since they grow to the right, each app's package is listed on its own.
 * - `example.*` does the same for every country or generic ending of `example`: one final
 *   label (`example.de`, `example.com`) or a country's second level (`example.co.uk`,
 *   `example.com.br`). Unlike a plain prefix match, `example.attacker.net` is not matched.
 *
 * Patterns are lower case, since hosts are lower-cased before matching.
 */

export class HostPatternError extends Error {
  override readonly name = 'HostPatternError';
}

/** Second-level labels under which countries register names (`co.uk`, `com.br`, `ne.jp`…). */
const COUNTRY_SECOND_LEVELS = new Set(['ac', 'co', 'com', 'edu', 'go', 'gob', 'gov', 'ltd', 'ne', 'net', 'nom', 'or', 'org', 'plc']);
const COUNTRY_CODE = /^[a-z]{2}$/;
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;

/** A stand-in ending no real host has (`zz` is a user-assigned ISO code), for comparing patterns. */
const PROBE_ENDING = 'zz';

function isHostOrSubdomain(host: string, base: string): boolean {
  return host === base || (host.endsWith(base) && host.charCodeAt(host.length - base.length - 1) === 0x2e);
}

export class HostPattern {
  /** How many labels the pattern names, `*` counting as one; more labels means a narrower pattern. */
  readonly specificity: number;
  private readonly base: string;
  private readonly anyEnding: boolean;

  private constructor(readonly text: string) {
    const labels = text.split('.');
    this.anyEnding = labels[labels.length - 1] === '*';
    this.base = this.anyEnding ? labels.slice(0, -1).join('.') : text;
    this.specificity = labels.length;
  }

  /** Throws `HostPatternError` saying what is wrong with the text. */
  static parse(text: string): HostPattern {
    if (text === '') throw new HostPatternError('is empty');
    if (text !== text.toLowerCase()) throw new HostPatternError('must be lower case (hosts are lower-cased before matching)');
    if (/[/:?#@\s]/.test(text)) throw new HostPatternError('must be a bare host name, without scheme, port, path or spaces');
    const labels = text.split('.');
    const literal = labels[labels.length - 1] === '*' ? labels.slice(0, -1) : labels;
    for (const label of literal) {
      if (label === '*') throw new HostPatternError('may hold `*` only as its last label');
      if (!LABEL.test(label)) throw new HostPatternError(`has an invalid label ${JSON.stringify(label)}`);
    }
    // A single label would claim a whole top-level domain (`com`) or every country ending (`*`).
    if (labels.length < 2) throw new HostPatternError('needs at least two labels');
    return new HostPattern(text);
  }

  matches(host: string): boolean {
    if (host === '') return false;
    if (!this.anyEnding) return isHostOrSubdomain(host, this.base);
    const lastDot = host.lastIndexOf('.');
    if (lastDot <= 0) return false;
    const beforeEnding = host.slice(0, lastDot);
    if (isHostOrSubdomain(beforeEnding, this.base)) return true;
    const secondDot = beforeEnding.lastIndexOf('.');
    if (secondDot <= 0) return false;
    const secondLevel = beforeEnding.slice(secondDot + 1);
    const country = host.slice(lastDot + 1);
    return COUNTRY_SECOND_LEVELS.has(secondLevel) && COUNTRY_CODE.test(country) && isHostOrSubdomain(beforeEnding.slice(0, secondDot), this.base);
  }

  /** True when every host `other` matches is matched by this pattern too. */
  covers(other: HostPattern): boolean {
    return this.matches(other.anyEnding ? `${other.base}.${PROBE_ENDING}` : other.base);
  }
}
