import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  defaultReferrerListDirectory,
  loadReferrerLists,
  parseReferrerList,
  REFERRER_LIST_FILES,
  ReferrerListError,
  shippedReferrerLists,
} from '../../columns/attribution/referrer-list-files.js';
import { ReferrerList } from '../../columns/attribution/referrer-list.js';
import { withoutWww } from '../../columns/attribution/attribution-input.js';

const parse = (text: string, withTermParams = false) => parseReferrerList(text, 'list.yaml', { withTermParams });

function refused(text: string, message: RegExp, withTermParams = false): void {
  assert.throws(
    () => parse(text, withTermParams),
    (err: unknown) => err instanceof ReferrerListError && err.message.startsWith('list.yaml: ') && message.test(err.message),
    text,
  );
}

test('a valid list keeps file order, names and term parameters', () => {
  const list = parse('- name: Seznam Videa\n  hosts: [videa.seznam.cz]\n- name: Seznam\n  hosts: [seznam.cz]\n  term_params: [q]\n', true);
  assert.equal(
    list.entries.map((e) => [e.name, e.hosts.map((h) => h.text), e.termParams]),
    [
      ['Seznam Videa', ['videa.seznam.cz'], []],
      ['Seznam', ['seznam.cz'], ['q']],
    ],
  );
});

test('malformed YAML and wrong shapes are refused, naming the file and the entry', () => {
  refused('- name: A\n  hosts: [a.com\n', /not valid YAML/);
  refused('- name: A\n  name: B\n  hosts: [a.com]\n', /not valid YAML/);
  refused('A: [a.com]\n', /must be a list of entries/);
  refused('', /must be a list of entries/);
  refused('[]\n', /holds no entries/);
  refused('- a.com\n', /entry 1 must be a mapping/);
  refused('- name: A\n  host: [a.com]\n', /entry 1 \(A\): unknown key "host"/);
  refused('- name: A\n', /entry 1 \(A\): hosts is missing/);
  refused('- name: A\n  hosts: a.com\n', /entry 1 \(A\): hosts must be a list/);
  refused('- name: A\n  hosts: []\n', /entry 1 \(A\): hosts is empty/);
  refused('- name: A\n  hosts: [a.com, 7]\n', /hosts\[1\] must be a non-empty string/);
  refused('- name: A\n  hosts: [A.com]\n', /entry 1 \(A\): hosts\[0\] "A.com" must be lower case/);
  refused('- name: A\n  hosts: [a.com]\n- name: ""\n  hosts: [b.com]\n', /entry 2: name must be a non-empty string/);
  refused('- name: 7\n  hosts: [b.com]\n', /entry 1: name must be a non-empty string/);
  refused('- name: " A"\n  hosts: [a.com]\n', /surrounding white space/);
  refused('- name: "/?"\n  hosts: [a.com]\n', /nothing once normalised/);
  refused('- name: A\n  hosts: [a.com]\n  term_params: [q]\n', /unknown key "term_params"/);
  refused('- name: A\n  hosts: [a.com]\n  term_params: q\n', /term_params must be a list/, true);
  refused('- name: A\n  hosts: [a.com]\n  term_params: [""]\n', /term_params\[0\] must be a non-empty string/, true);
});

test('two entries with the same source are refused', () => {
  refused('- name: Yahoo Mail\n  hosts: [a.com]\n- name: yahoo mail\n  hosts: [b.com]\n', /entry 2 \(yahoo mail\): source "yahoo-mail" is already used by "Yahoo Mail"/);
});

test('a host an earlier entry covers is refused: it could never match', () => {
  refused('- name: Seznam\n  hosts: [seznam.cz]\n- name: Seznam Videa\n  hosts: [videa.seznam.cz]\n', /entry 2 \(Seznam Videa\): host "videa.seznam.cz" can never match, "seznam.cz" of "Seznam" comes first/);
  refused('- name: Google\n  hosts: [google.*]\n- name: Google Images\n  hosts: [images.google.com]\n', /can never match/);
  refused('- name: A\n  hosts: [a.com]\n- name: B\n  hosts: [a.com]\n', /can never match/);
  // The narrower entry first is fine, and so is overlap inside one entry.
  parse('- name: Google Images\n  hosts: [images.google.com]\n- name: Google\n  hosts: [google.*, google.com]\n');
});

test('the shipped lists load, and only once', () => {
  const lists = shippedReferrerLists();
  assert.is(shippedReferrerLists(), lists);
  for (const list of Object.values(lists)) assert.ok(list.entries.length > 0);
  assert.ok(lists.searchEngines.entries.some((e) => e.name === 'Google' && e.termParams.includes('q')));
});

test('the list directory holds the six files', () => {
  const directory = defaultReferrerListDirectory();
  for (const name of Object.values(REFERRER_LIST_FILES)) assert.ok(readFileSync(new URL(name, directory), 'utf8').length > 0, name);
});

test('loading from another directory: a missing or malformed file is named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-lists-'));
  try {
    const url = pathToFileURL(dir + '/');
    assert.throws(() => loadReferrerLists(url), (err: unknown) => err instanceof ReferrerListError && /search-engines\.yaml: cannot be read/.test(err.message));
    const source = defaultReferrerListDirectory();
    for (const name of Object.values(REFERRER_LIST_FILES)) writeFileSync(join(dir, name), readFileSync(new URL(name, source)));
    assert.is(loadReferrerLists(url).socials.entries.length, shippedReferrerLists().socials.entries.length);
    writeFileSync(join(dir, REFERRER_LIST_FILES.socials), '- name: Broken\n  hosts: [Broken.COM]\n');
    assert.throws(() => loadReferrerLists(url), (err: unknown) => err instanceof ReferrerListError && /^socials\.yaml: entry 1 \(Broken\): hosts\[0\]/.test(err.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('answers kept per host are the answers of a list asked for the first time', () => {
  const facts = (host: string) => ({ raw: `https://${host}/`, host, hostWithoutWww: withoutWww(host), query: new Map<string, string[]>() });
  for (const [kind, shipped] of Object.entries(shippedReferrerLists())) {
    const warm = new ReferrerList(shipped.entries);
    const hosts: string[] = [];
    for (const entry of shipped.entries) {
      for (const pattern of entry.hosts) {
        const base = pattern.text.endsWith('.*') ? pattern.text.slice(0, -2) : pattern.text;
        for (const ending of pattern.text.endsWith('.*') ? ['de', 'co.uk', 'attacker.net'] : ['']) {
          const host = ending === '' ? base : `${base}.${ending}`;
          hosts.push(host, `www.${host}`, `l.${host}`, `not${host}`);
        }
      }
    }
    // More distinct hosts than a list keeps, so kept answers are dropped and gathered again.
    for (let i = 0; i < 5000; i++) hosts.push(`site${i}.example`);
    const asked = [...hosts, ...hosts.slice().reverse(), ...hosts.filter((_, i) => i % 3 === 0)];
    for (const host of asked) {
      const got = warm.match(facts(host));
      const fresh = new ReferrerList(shipped.entries).match(facts(host));
      assert.is(got?.entry.name, fresh?.entry.name, `${kind}: ${host}`);
      assert.is(got?.specificity, fresh?.specificity, `${kind}: ${host}`);
    }
  }
});

test.run();
