import { metrics } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROTOCOL_METADATA_KEY } from '../../src/hits/hit.js';
import type { Event, Session } from '../../src/schema/session.js';
import { findIssue, issues, load } from '../settings/helpers.js';
import { testProperty } from '../support/properties.js';
import { KNOWN_BOTS_FILTER_NAME, KnownBotDetector, KnownBotFilter, userAgentOf } from '../../src/splitter/known-bots.js';
import { buildSessionModifier } from '../../src/splitter/registry.js';
import { TRAFFIC_FILTER_NAME_METADATA_KEY } from '../../src/splitter/traffic-filter.js';
import { makeEvent, makeSession } from './helpers.js';

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}
const reader = new TestReader();
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

const CRAWLERS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
  'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)',
  'DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
  'Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36',
];

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0',
];

function eventWithAgent(userAgent: string | undefined, i: number, propertyId = 'default'): Event {
  const event = makeEvent({ i }, i * 1000, propertyId);
  if (userAgent !== undefined) event.hit.request.headers.set('User-Agent', [userAgent]);
  return event;
}

/** Ten crawler events interleaved with ten browser events, in one session. */
function mixedSession(propertyId = 'default'): Session {
  const events: Event[] = [];
  for (let i = 0; i < 10; i++) {
    events.push(eventWithAgent(BROWSERS[i], 2 * i, propertyId));
    events.push(eventWithAgent(CRAWLERS[i], 2 * i + 1, propertyId));
  }
  return makeSession(events);
}

async function filteredCount(attributes: Record<string, string>): Promise<number> {
  const { resourceMetrics } = await reader.collect();
  let total = 0;
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== 'worker.events.filtered') continue;
      for (const point of metric.dataPoints as DataPoint<number>[]) {
        if (Object.entries(attributes).every(([k, v]) => point.attributes[k] === v)) total += point.value;
      }
    }
  }
  return total;
}

test('isbot tells the ten crawlers and monitors from the ten browsers', () => {
  const detector = new KnownBotDetector();
  for (const ua of CRAWLERS) assert.ok(detector.isBot(ua), ua);
  for (const ua of BROWSERS) assert.not.ok(detector.isBot(ua), ua);
  assert.not.ok(detector.isBot(''), 'no user agent is not evidence of a bot');
});

test('by default a property drops the bot events and keeps every browser event, counted by reason', async () => {
  const before = await filteredCount({ reason: 'known_bot', action: 'excluded', property_id: 'shop' });
  const modifier = buildSessionModifier(testProperty({ id: 'shop' }));
  const out = modifier.modify(mixedSession('shop'));
  assert.is(out.length, 1);
  const agents = out[0]!.events.map(userAgentOf);
  assert.equal(agents, BROWSERS);
  assert.equal(out[0]!.events.map((e) => e.values['i']), [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  assert.is((await filteredCount({ reason: 'known_bot', action: 'excluded', property_id: 'shop' })) - before, 10);
});

test('a session of bots only leaves nothing to write', () => {
  const filter = new KnownBotFilter({ mode: 'exclude', propertyId: 'default' });
  const session = makeSession(CRAWLERS.slice(0, 3).map((ua, i) => eventWithAgent(ua, i)));
  assert.equal(filter.modify(session), []);
});

test('exclude_known_bots: false keeps every event untouched', () => {
  const modifier = buildSessionModifier(testProperty({ knownBots: 'keep' }));
  const out = modifier.modify(mixedSession());
  assert.is(out[0]!.events.length, 20);
  assert.ok(out[0]!.events.every((e) => e.metadata[TRAFFIC_FILTER_NAME_METADATA_KEY] === undefined));
});

test('exclude_known_bots: test keeps bot events and names them in traffic_filter_name', async () => {
  const before = await filteredCount({ reason: 'known_bot', action: 'marked' });
  const modifier = buildSessionModifier(testProperty({ knownBots: 'mark' }));
  const out = modifier.modify(mixedSession());
  const events = out[0]!.events;
  assert.is(events.length, 20);
  for (const e of events) {
    const bot = CRAWLERS.includes(userAgentOf(e));
    assert.is(e.metadata[TRAFFIC_FILTER_NAME_METADATA_KEY], bot ? KNOWN_BOTS_FILTER_NAME : undefined, userAgentOf(e));
  }
  assert.is((await filteredCount({ reason: 'known_bot', action: 'marked' })) - before, 10);
});

test("a user's matching test-mode filter has the last word in traffic_filter_name", () => {
  const property = testProperty({
    knownBots: 'mark',
    filters: { fields: ['ip_address'], conditions: [{ name: 'office', type: 'exclude', testMode: true, expression: 'ip_address == "203.0.113.7"' }] },
  });
  const session = makeSession([eventWithAgent(CRAWLERS[0], 0), eventWithAgent(BROWSERS[0], 1)]);
  for (const e of session.events) e.values['ip_address'] = '203.0.113.7';
  const out = buildSessionModifier(property).modify(session);
  assert.equal(out[0]!.events.map((e) => e.metadata[TRAFFIC_FILTER_NAME_METADATA_KEY]), ['office', 'office']);
});

test("Matomo hits are judged by the visitor's user agent in ua, not the tracking server's", () => {
  const event = eventWithAgent('PHP', 0);
  event.hit.metadata[PROTOCOL_METADATA_KEY] = 'matomo';
  event.hit.request.queryParams.set('ua', [BROWSERS[2]!]);
  assert.is(userAgentOf(event), BROWSERS[2]);
  const filter = new KnownBotFilter({ mode: 'exclude', propertyId: 'default' });
  assert.is(filter.modify(makeSession([event]))[0]?.events.length, 1);
});

test('traffic-filter exclusions are counted under their own reason', async () => {
  const before = await filteredCount({ reason: 'traffic_filter', action: 'excluded' });
  const property = testProperty({
    knownBots: 'keep',
    filters: { fields: ['ip_address'], conditions: [{ name: 'office', type: 'exclude', testMode: false, expression: 'ip_address == "203.0.113.7"' }] },
  });
  const session = makeSession([eventWithAgent(BROWSERS[0], 0), eventWithAgent(BROWSERS[1], 1)]);
  session.events[0]!.values['ip_address'] = '203.0.113.7';
  const out = buildSessionModifier(property).modify(session);
  assert.is(out[0]!.events.length, 1);
  assert.is((await filteredCount({ reason: 'traffic_filter', action: 'excluded' })) - before, 1);
});

test('the setting: true by default, false and test accepted, per property under properties[].settings', () => {
  assert.is(load({ yaml: 'property: {id: a}\n' }).properties[0]!.knownBots, 'exclude');
  assert.is(load({ yaml: 'property: {settings: {exclude_known_bots: false}}\n' }).properties[0]!.knownBots, 'keep');
  assert.is(load({ env: { PROPERTY_SETTINGS_EXCLUDE_KNOWN_BOTS: 'TEST' } }).properties[0]!.knownBots, 'mark');
  const listed = load({
    yaml: [
      'property: {settings: {exclude_known_bots: test}}',
      'properties:',
      '  - {id: a, measurement_ids: [G-A]}',
      '  - {id: b, measurement_ids: [G-B], settings: {exclude_known_bots: false}}',
      '',
    ].join('\n'),
  }).properties;
  assert.equal(
    listed.map((p) => [p.id, p.knownBots]),
    [
      ['a', 'mark'],
      ['b', 'keep'],
    ],
  );
});

test('any other value of the setting is a configuration error that names the choices', () => {
  findIssue(issues({ yaml: 'property: {settings: {exclude_known_bots: sometimes}}\n' }), 'property.settings.exclude_known_bots', 'true, false, test');
});

test.run();
