/**
 * User agents that are not browsers on a device: crawlers and monitors (device category
 * `bot`, the bot's name as brand and its info URL as model, as the reference writes them) and
 * HTTP libraries (a client name and version, nothing else). ua-parser 1.x knows neither.
 *
 * The named bots are the common ones; anything else that calls itself a bot, crawler or
 * spider is a `Generic Bot`. Names are the ones the bots use for themselves.
 */

export interface BotMatch {
  name: string;
  /** The info URL the bot puts in its UA (`+https://…`), when it gives one. */
  url: string | null;
}

export interface LibraryMatch {
  name: string;
  version: string | null;
}

const NAMED_BOTS: readonly { pattern: RegExp; name: string }[] = [
  { pattern: /googlebot|google-inspectiontool|adsbot-google|mediapartners-google|storebot-google/i, name: 'Googlebot' },
  { pattern: /bingbot|bingpreview|adidxbot/i, name: 'BingBot' },
  { pattern: /yandex(?:bot|images|metrika|mobilebot|accessibilitybot)/i, name: 'Yandex Bot' },
  { pattern: /baiduspider/i, name: 'Baidu Spider' },
  { pattern: /duckduckbot|duckassistbot/i, name: 'DuckDuckBot' },
  { pattern: /applebot/i, name: 'Applebot' },
  { pattern: /facebookexternalhit|facebookcatalog|meta-externalagent/i, name: 'Facebook External Hit' },
  { pattern: /twitterbot/i, name: 'Twitterbot' },
  { pattern: /linkedinbot/i, name: 'LinkedIn Bot' },
  { pattern: /slackbot|slack-imgproxy/i, name: 'Slackbot' },
  { pattern: /discordbot/i, name: 'Discord Bot' },
  { pattern: /telegrambot/i, name: 'TelegramBot' },
  { pattern: /whatsapp\//i, name: 'WhatsApp' },
  { pattern: /ahrefs(?:bot|siteaudit)/i, name: 'aHrefs Bot' },
  { pattern: /semrushbot/i, name: 'SemrushBot' },
  { pattern: /mj12bot/i, name: 'MJ12 Bot' },
  { pattern: /dotbot/i, name: 'DotBot' },
  { pattern: /petalbot/i, name: 'PetalBot' },
  { pattern: /gptbot|chatgpt-user|oai-searchbot/i, name: 'GPTBot' },
  { pattern: /claudebot|claude-web|anthropic-ai/i, name: 'ClaudeBot' },
  { pattern: /perplexitybot|perplexity-user/i, name: 'PerplexityBot' },
  { pattern: /ccbot/i, name: 'CCBot' },
  { pattern: /bytespider/i, name: 'ByteSpider' },
  { pattern: /amazonbot/i, name: 'Amazon Bot' },
  { pattern: /uptimerobot/i, name: 'UptimeRobot' },
  { pattern: /pingdom/i, name: 'Pingdom.com' },
  { pattern: /lighthouse|chrome-lighthouse/i, name: 'Lighthouse' },
  { pattern: /seznambot/i, name: 'SeznamBot' },
  { pattern: /qwantify|qwantbot/i, name: 'Qwantify' },
  { pattern: /ia_archiver|archive\.org_bot/i, name: 'Internet Archive' },
];

/**
 * Words bots use to name themselves, as a token of their own (not inside a model name such
 * as `CUBOT`, which is a phone brand: hence the exception).
 */
const GENERIC_BOT = /(?:^|[^a-z])[a-z0-9_.-]*(?:bot|crawler|crawl|spider|slurp|scraper|archiver|fetcher|validator|monitoring|checker)(?:[^a-z]|$)/i;
const NOT_A_BOT = /cubot/i;

const BOT_URL = /\+?(https?:\/\/[^\s;)]+)/i;

export function detectBot(userAgent: string): BotMatch | null {
  const named = NAMED_BOTS.find((bot) => bot.pattern.test(userAgent));
  const name = named?.name ?? (GENERIC_BOT.test(userAgent) && !NOT_A_BOT.test(userAgent) ? 'Generic Bot' : null);
  if (name === null) return null;
  const url = BOT_URL.exec(userAgent)?.[1] ?? null;
  return { name, url };
}

const LIBRARIES: readonly { pattern: RegExp; name: string }[] = [
  { pattern: /^curl\/(\S+)/i, name: 'curl' },
  { pattern: /^wget\/(\S+)/i, name: 'Wget' },
  { pattern: /^python-requests\/(\S+)/i, name: 'Python Requests' },
  { pattern: /^python-urllib\/(\S+)/i, name: 'Python urllib' },
  { pattern: /^python\/\S+ aiohttp\/(\S+)/i, name: 'aiohttp' },
  { pattern: /^go-http-client\/(\S+)/i, name: 'Go-http-client' },
  { pattern: /^okhttp\/(\S+)/i, name: 'OkHttp' },
  { pattern: /^axios\/(\S+)/i, name: 'Axios' },
  { pattern: /^node-fetch(?:\/(\S+))?/i, name: 'Node Fetch' },
  { pattern: /^httpie\/(\S+)/i, name: 'HTTPie' },
  { pattern: /^guzzlehttp\/(\S+)/i, name: 'Guzzle (PHP HTTP Client)' },
  { pattern: /^java\/(\S+)/i, name: 'Java' },
  { pattern: /^apache-httpclient\/(\S+)/i, name: 'Apache HTTP Client' },
];

export function detectLibrary(userAgent: string): LibraryMatch | null {
  for (const library of LIBRARIES) {
    const match = library.pattern.exec(userAgent);
    if (match !== null) return { name: library.name, version: match[1] ?? null };
  }
  return null;
}
