import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SessionSplitter } from '../../src/splitter/session-splitter.js';
import {
  MaxEventsCondition,
  SPLIT_CAUSE_METADATA_KEY,
  TimeSinceFirstEventCondition,
  userIdChangeCondition,
  utmCampaignChangeCondition,
} from '../../src/splitter/split-conditions.js';
import { splitConditions, DEFAULT_SPLIT_SETTINGS } from '../../src/splitter/registry.js';
import { indexes, makeEvent, makeSession, MINUTE_MS, numberedSession } from './helpers.js';

const causes = (sessions: ReturnType<SessionSplitter['modify']>): (string | undefined)[] =>
  sessions.map((s) => s.events[0]?.metadata[SPLIT_CAUSE_METADATA_KEY]);

test('max 3 events: four events become [0,1,2] and [3]', () => {
  const splitter = new SessionSplitter([new MaxEventsCondition(3)]);
  assert.equal(indexes(splitter.modify(numberedSession(4))), [[0, 1, 2], [3]]);
});

test('max 2 events: seven events become [0,1] [2,3] [4,5] [6]', () => {
  const splitter = new SessionSplitter([new MaxEventsCondition(2)]);
  assert.equal(indexes(splitter.modify(numberedSession(7))), [[0, 1], [2, 3], [4, 5], [6]]);
});

test('max 1 event puts every event in its own session', () => {
  const splitter = new SessionSplitter([new MaxEventsCondition(1)]);
  assert.equal(indexes(splitter.modify(numberedSession(3))), [[0], [1], [2]]);
});

test('a 5-minute limit splits events at 0, 2, 5, 7 minutes into [0,2] and [5,7]', () => {
  const splitter = new SessionSplitter([new TimeSinceFirstEventCondition(5 * MINUTE_MS)]);
  const session = makeSession([0, 2, 5, 7].map((m) => makeEvent({ i: m }, m * MINUTE_MS)));
  assert.equal(indexes(splitter.modify(session)), [[0, 2], [5, 7]]);
});

test('the time limit counts from the first event of the current slice, on hit time', () => {
  const splitter = new SessionSplitter([new TimeSinceFirstEventCondition(5 * MINUTE_MS)]);
  const session = makeSession([0, 4, 6, 10, 11].map((m) => makeEvent({ i: m }, m * MINUTE_MS)));
  // 6 is 6 min after 0 → split; 10 is only 4 min after 6; 11 is exactly 5 min after 6 → split.
  assert.equal(indexes(splitter.modify(session)), [[0, 4], [6, 10], [11]]);
});

test('user id –, –, u2, u3 gives [0,1,2] and [3]', () => {
  const splitter = new SessionSplitter([userIdChangeCondition()]);
  const session = numberedSession(4, (i) => (i === 2 ? { user_id: 'u2' } : i === 3 ? { user_id: 'u3' } : {}));
  assert.equal(indexes(splitter.modify(session)), [[0, 1, 2], [3]]);
});

test('user id: an empty string or null is no value; a reappearing same id does not split', () => {
  const splitter = new SessionSplitter([userIdChangeCondition()]);
  const values = [{ user_id: 'a' }, { user_id: '' }, { user_id: null }, {}, { user_id: 'a' }, { user_id: 42 }];
  assert.equal(indexes(splitter.modify(numberedSession(values.length, (i) => values[i] ?? {}))), [[0, 1, 2, 3, 4, 5]]);
});

test('user id A, –, B splits at B; –, A does not split', () => {
  const splitter = new SessionSplitter([userIdChangeCondition()]);
  const abc = [{ user_id: 'A' }, {}, { user_id: 'B' }];
  assert.equal(indexes(splitter.modify(numberedSession(3, (i) => abc[i] ?? {}))), [[0, 1], [2]]);
  const late = [{}, { user_id: 'A' }];
  assert.equal(indexes(splitter.modify(numberedSession(2, (i) => late[i] ?? {}))), [[0, 1]]);
});

test('utm_campaign c1, –, "", – gives [0,1] and [2,3]: an empty campaign counts', () => {
  const splitter = new SessionSplitter([utmCampaignChangeCondition()]);
  const values = [{ utm_campaign: 'c1' }, {}, { utm_campaign: '' }, {}];
  assert.equal(indexes(splitter.modify(numberedSession(4, (i) => values[i] ?? {}))), [[0, 1], [2, 3]]);
});

test('utm_campaign c1, –, null, – stays one session', () => {
  const splitter = new SessionSplitter([utmCampaignChangeCondition()]);
  const values = [{ utm_campaign: 'c1' }, {}, { utm_campaign: null }, {}];
  const result = splitter.modify(numberedSession(4, (i) => values[i] ?? {}));
  assert.equal(indexes(result), [[0, 1, 2, 3]]);
});

test('an unsplit session is returned as it is, an empty one too', () => {
  const splitter = new SessionSplitter(splitConditions(DEFAULT_SPLIT_SETTINGS));
  const session = numberedSession(5);
  const result = splitter.modify(session);
  assert.is(result.length, 1);
  assert.is(result[0], session);
  const empty = makeSession([]);
  assert.equal(splitter.modify(empty), [empty]);
});

test('each split cause is written on the first event of the new session only', () => {
  const timeSplitter = new SessionSplitter(splitConditions({ ...DEFAULT_SPLIT_SETTINGS, splitByTimeSinceFirstEventMs: MINUTE_MS }));
  const byTime = timeSplitter.modify(makeSession([makeEvent({}, 0), makeEvent({}, 2 * MINUTE_MS)]));
  assert.equal(causes(byTime), [undefined, 'max_time_since_first_event_reached']);

  const countSplitter = new SessionSplitter(splitConditions({ ...DEFAULT_SPLIT_SETTINGS, splitByMaxEvents: 2 }));
  const byCount = countSplitter.modify(numberedSession(3));
  assert.equal(causes(byCount), [undefined, 'max_events_reached']);
  assert.is(byCount[1]?.events.length, 1);

  const defaults = new SessionSplitter(splitConditions(DEFAULT_SPLIT_SETTINGS));
  const byUser = defaults.modify(numberedSession(2, (i) => ({ user_id: `u${i}` })));
  assert.equal(causes(byUser), [undefined, 'user_id_changed']);

  const byCampaign = defaults.modify(numberedSession(2, (i) => ({ utm_campaign: `c${i}` })));
  assert.equal(causes(byCampaign), [undefined, 'utm_campaign_changed']);
  assert.is(byCampaign[1]?.events[0]?.metadata[SPLIT_CAUSE_METADATA_KEY], 'utm_campaign_changed');
});

test('conditions are asked in priority order: time beats count beats user id beats campaign', () => {
  const splitter = new SessionSplitter(
    splitConditions({ splitByTimeSinceFirstEventMs: MINUTE_MS, splitByMaxEvents: 1, splitByUserId: true, splitByCampaign: true }),
  );
  const everything = makeSession([makeEvent({ user_id: 'a', utm_campaign: 'x' }, 0), makeEvent({ user_id: 'b', utm_campaign: 'y' }, 2 * MINUTE_MS)]);
  assert.equal(causes(splitter.modify(everything)), [undefined, 'max_time_since_first_event_reached']);

  const noTime = new SessionSplitter(splitConditions({ ...DEFAULT_SPLIT_SETTINGS, splitByMaxEvents: 1 }));
  const both = makeSession([makeEvent({ user_id: 'a', utm_campaign: 'x' }, 0), makeEvent({ user_id: 'b', utm_campaign: 'y' }, 1000)]);
  assert.equal(causes(noTime.modify(both)), [undefined, 'max_events_reached']);

  const userAndCampaign = new SessionSplitter(splitConditions(DEFAULT_SPLIT_SETTINGS));
  const again = makeSession([makeEvent({ user_id: 'a', utm_campaign: 'x' }, 0), makeEvent({ user_id: 'b', utm_campaign: 'y' }, 1000)]);
  assert.equal(causes(userAndCampaign.modify(again)), [undefined, 'user_id_changed']);
});

test('disabled value conditions do not split', () => {
  const splitter = new SessionSplitter(splitConditions({ ...DEFAULT_SPLIT_SETTINGS, splitByUserId: false, splitByCampaign: false }));
  const session = numberedSession(3, (i) => ({ user_id: `u${i}`, utm_campaign: `c${i}` }));
  assert.equal(indexes(splitter.modify(session)), [[0, 1, 2]]);
});

test('after a split, the new slice starts its count, clock and remembered values afresh', () => {
  const splitter = new SessionSplitter(splitConditions({ ...DEFAULT_SPLIT_SETTINGS, splitByMaxEvents: 3 }));
  // u1 u1 u2 | u2 u2 u2 | u2: the user change opens slice 2, which then fills up to 3 events.
  const users = ['u1', 'u1', 'u2', 'u2', 'u2', 'u2'];
  const session = numberedSession(users.length, (i) => ({ user_id: users[i] }));
  const result = splitter.modify(session);
  assert.equal(indexes(result), [[0, 1], [2, 3, 4], [5]]);
  assert.equal(causes(result), [undefined, 'user_id_changed', 'max_events_reached']);
});

test('pieces are fresh sessions of the same property holding the original event objects', () => {
  const splitter = new SessionSplitter([new MaxEventsCondition(1)]);
  const session = makeSession([makeEvent({ i: 0 }, 0, 'shop'), makeEvent({ i: 1 }, 1, 'shop')]);
  session.values['session_x'] = 1;
  const [first, second] = splitter.modify(session);
  assert.is(first?.propertyId, 'shop');
  assert.is(second?.propertyId, 'shop');
  assert.is(first?.events[0], session.events[0]);
  assert.equal(Object.keys(first?.values ?? { x: 1 }), []);
  assert.is(first?.brokenReason, null);
});

test.run();
