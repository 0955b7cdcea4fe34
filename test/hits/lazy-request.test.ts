import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { forgetParsedParams, lazyRequest, unparsedLayers, type QueryParams } from '../../src/hits/hit.js';

function request(parses: { count: number }) {
  return lazyRequest(
    { ip: '10.0.0.1', host: 'example.com', serverReceivedTime: 0, body: new Uint8Array(0), path: '/g/collect', method: 'GET', headers: new Map(), paramLayers: ['en=page_view&dl=x'] },
    (layers) => {
      parses.count++;
      const map: QueryParams = new Map();
      for (const pair of layers.join('&').split('&')) {
        const [k, v] = pair.split('=');
        map.set(k!, [v ?? '']);
      }
      return map;
    },
  );
}

test('a parsed parameter map that is let go is parsed again, to an equal map, when read', () => {
  const parses = { count: 0 };
  const r = request(parses);
  assert.ok(unparsedLayers(r), 'nothing is parsed before the first read');
  const first = r.queryParams;
  assert.is(r.queryParams, first, 'the map is kept between reads');
  forgetParsedParams(r);
  assert.ok(unparsedLayers(r), 'the layers are all that is held again');
  const second = r.queryParams;
  assert.is.not(second, first);
  assert.equal([...second], [...first]);
  assert.is(parses.count, 2);
});

test('a map that was set on the request is kept: it may differ from what the layers say', () => {
  const r = request({ count: 0 });
  const set: QueryParams = new Map([['en', ['changed']]]);
  r.queryParams = set;
  forgetParsedParams(r);
  assert.is(r.queryParams, set);
});

test('a request without raw layers keeps its map', () => {
  const map: QueryParams = new Map([['en', ['x']]]);
  const r = { ip: '', host: '', serverReceivedTime: 0, body: new Uint8Array(0), path: '/', method: 'GET', headers: new Map(), queryParams: map };
  forgetParsedParams(r);
  assert.is(r.queryParams, map);
});

test.run();
