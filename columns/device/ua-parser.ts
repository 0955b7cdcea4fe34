import { createRequire } from 'node:module';

/**
 * The boundary to `ua-parser-js` 1.x (MIT; 2.x changed licence to AGPL, so it stays on 1.x).
 * The package ships no types, so it is loaded untyped and its answer is checked here, once,
 * into a plain typed shape; nothing past this file sees the library's objects.
 */

/** What ua-parser read from a User-Agent string, in its own vocabulary (names, `mobile`, `smarttv`…). */
export interface UaParserResult {
  browserName: string | undefined;
  browserVersion: string | undefined;
  osName: string | undefined;
  osVersion: string | undefined;
  deviceVendor: string | undefined;
  deviceModel: string | undefined;
  deviceType: string | undefined;
}

interface UaParserInstance {
  setUA(ua: string): UaParserInstance;
  getResult(): unknown;
}

type UaParserConstructor = new () => UaParserInstance;

function loadConstructor(): UaParserConstructor {
  const required: unknown = createRequire(import.meta.url)('ua-parser-js');
  const candidate: unknown =
    typeof required === 'function' ? required : typeof required === 'object' && required !== null ? (required as { UAParser?: unknown }).UAParser : undefined;
  if (typeof candidate !== 'function') throw new Error('ua-parser-js did not export the UAParser constructor');
  return candidate as UaParserConstructor;
}

function field(record: unknown, section: string, key: string): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const part: unknown = (record as Record<string, unknown>)[section];
  if (typeof part !== 'object' || part === null) return undefined;
  const value: unknown = (part as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** One parser instance, reused: parsing is synchronous, so calls never interleave. */
export class UaParser {
  private readonly parser: UaParserInstance;

  constructor() {
    const Parser = loadConstructor();
    this.parser = new Parser();
  }

  parse(userAgent: string): UaParserResult {
    const raw = this.parser.setUA(userAgent).getResult();
    return {
      browserName: field(raw, 'browser', 'name'),
      browserVersion: field(raw, 'browser', 'version'),
      osName: field(raw, 'os', 'name'),
      osVersion: field(raw, 'os', 'version'),
      deviceVendor: field(raw, 'device', 'vendor'),
      deviceModel: field(raw, 'device', 'model'),
      deviceType: field(raw, 'device', 'type'),
    };
  }
}
