import type { CustomEndpoint, Protocol } from '../../protocols/protocol.js';

/** What a path and method lead to. */
export type Route =
  | { kind: 'hits'; protocol: Protocol }
  | { kind: 'custom'; endpoint: CustomEndpoint }
  | { kind: 'health' }
  | { kind: 'ready' }
  | { kind: 'auto-options'; allow: string }
  | { kind: 'method-not-allowed'; allow: string }
  | { kind: 'redirect'; location: string }
  | { kind: 'not-found' };

interface PathEntry {
  byMethod: Map<string, Route>;
  allow: string;
}

/**
 * Exact-path routing on the raw request path, with the conveniences trackers' clients rely on:
 * an automatic OPTIONS answer, 405 with `Allow`, and a redirect when only a trailing slash,
 * letter case or duplicate slashes differ from a known path.
 */
export class Router {
  private readonly paths = new Map<string, PathEntry>();
  private readonly folded = new Map<string, string>();

  constructor(protocols: readonly Protocol[], extraHitPaths: ReadonlyMap<string, Protocol> = new Map()) {
    const add = (path: string, method: string, route: Route): void => {
      let entry = this.paths.get(path);
      if (entry === undefined) {
        entry = { byMethod: new Map(), allow: '' };
        this.paths.set(path, entry);
      }
      entry.byMethod.set(method, route);
    };
    for (const protocol of protocols) {
      for (const e of protocol.hitEndpoints()) for (const m of e.methods) add(e.path, m, { kind: 'hits', protocol });
      for (const e of protocol.customEndpoints()) for (const m of e.methods) add(e.path, m, { kind: 'custom', endpoint: e });
    }
    for (const [path, protocol] of extraHitPaths) for (const m of ['GET', 'POST']) add(path, m, { kind: 'hits', protocol });
    for (const m of ['GET', 'HEAD', 'OPTIONS']) add('/healthz', m, { kind: 'health' });
    for (const m of ['GET', 'HEAD']) add('/readyz', m, { kind: 'ready' });
    for (const [path, entry] of this.paths) {
      const methods = new Set(entry.byMethod.keys());
      methods.add('OPTIONS');
      entry.allow = [...methods].sort().join(', ');
      this.folded.set(path.toLowerCase(), path);
    }
  }

  /** `rawQuery` includes its leading `?` (or is empty) and is kept on redirects. */
  route(method: string, rawPath: string, rawQuery: string): Route {
    const entry = this.paths.get(rawPath);
    if (entry !== undefined) {
      const route = entry.byMethod.get(method);
      if (route !== undefined) return route;
      if (method === 'OPTIONS') return { kind: 'auto-options', allow: entry.allow };
      return { kind: 'method-not-allowed', allow: entry.allow };
    }
    const fixed = this.fix(rawPath);
    if (fixed !== null) return { kind: 'redirect', location: fixed + rawQuery };
    return { kind: 'not-found' };
  }

  private fix(rawPath: string): string | null {
    const toggled = rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath + '/';
    if (this.paths.has(toggled)) return toggled;
    const cleaned = cleanPath(rawPath);
    const candidates = [cleaned, cleaned.endsWith('/') ? cleaned.slice(0, -1) : cleaned];
    for (const c of candidates) {
      const known = this.folded.get(c.toLowerCase());
      if (known !== undefined && known !== rawPath) return known;
    }
    return null;
  }
}

/** Resolves `.`/`..` segments and duplicate slashes the way a URL path is normally cleaned. */
export function cleanPath(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/') + (path.endsWith('/') && out.length > 0 ? '/' : '');
}
