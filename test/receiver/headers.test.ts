import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalHeaderName, headersFromRaw } from '../../src/receiver/headers.js';

const latin1 = (utf8Text: string): string => Buffer.from(utf8Text, 'utf8').toString('latin1');

test('names are canonical, values keep request order', () => {
  const h = headersFromRaw(['sec-ch-ua', 'a', 'USER-AGENT', 'ua', 'Sec-CH-UA', 'b', 'x_y z', 'odd']);
  assert.equal([...h], [
    ['Sec-Ch-Ua', ['a', 'b']],
    ['User-Agent', ['ua']],
    ['x_y z', ['odd']],
  ]);
  assert.is(canonicalHeaderName('accept-language'), 'Accept-Language');
});

test('UTF-8 sent in a header is read as UTF-8, short or long; other bytes are kept as read', () => {
  const long = `Mozilla/5.0 (Linux) AppleWebKit/537.36 ${latin1('żółw ☃')}`;
  const h = headersFromRaw(['user-agent', long, 'referer', latin1('é'), 'x-a', 'Mozilla/5.0 (Linux) \u00ff\u00fe', 'x-b', '\u00ff', 'x-c', 'plain ascii that is long enough']);
  assert.is(h.get('User-Agent')?.[0], 'Mozilla/5.0 (Linux) AppleWebKit/537.36 żółw ☃');
  assert.is(h.get('Referer')?.[0], 'é');
  assert.is(h.get('X-A')?.[0], 'Mozilla/5.0 (Linux) \u00ff\u00fe');
  assert.is(h.get('X-B')?.[0], '\u00ff');
  assert.is(h.get('X-C')?.[0], 'plain ascii that is long enough');
});

test.run();
