/**
 * The `/status` page: one self-contained HTML document (inline style and script, no build
 * step, nothing fetched from elsewhere). The script polls `/status.json` and follows a client
 * id's debug events over server-sent events from `/debug/events`. Every value is inserted as
 * text, never as markup, since hit fields come from the open internet.
 */

export interface StatusPageOptions {
  /** Per-response nonce that the Content-Security-Policy allows for the inline style and script. */
  nonce: string;
  /** The client id to follow at once (from `?debug_cid=` or its cookie), or empty. */
  debugClientId: string;
  role: string;
  version: string;
  /** How often the page asks for a new snapshot. */
  refreshMs: number;
}

/** JSON that is safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
:root { --fg: #1d232a; --muted: #5f6b76; --line: #d9dee3; --bg: #f6f7f9; --card: #fff; --hits: #1f6feb; --rejected: #d1242f; --ok: #1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: baseline; gap: 1rem; padding: .8rem 1.2rem; background: #20262d; color: #fff; }
header h1 { margin: 0; font-size: 1.15rem; }
header .meta { color: #b9c2cb; font-size: .85rem; }
header .live { margin-left: auto; font-size: .85rem; }
header .live.stale { color: #ffb4b4; }
main { padding: 1rem 1.2rem; display: grid; gap: 1rem; max-width: 1200px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; }
section h2 { margin: 0 0 .6rem; font-size: 1rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .6rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .7rem; }
.card .label { color: var(--muted); font-size: .8rem; }
.card .value { font-size: 1.4rem; font-variant-numeric: tabular-nums; }
.chart svg { width: 100%; height: 180px; display: block; }
.legend { display: flex; gap: 1rem; font-size: .8rem; color: var(--muted); }
.legend .hits::before, .legend .rejected::before { content: ""; display: inline-block; width: 10px; height: 3px; margin-right: 4px; vertical-align: middle; }
.legend .hits::before { background: var(--hits); }
.legend .rejected::before { background: var(--rejected); }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: .8rem; }
.empty { color: var(--muted); font-style: italic; }
form { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
input[type=text] { font: inherit; padding: .3rem .5rem; min-width: 18rem; border: 1px solid var(--line); border-radius: 4px; }
button { font: inherit; padding: .3rem .8rem; border: 1px solid #1f6feb; background: #1f6feb; color: #fff; border-radius: 4px; cursor: pointer; }
button.secondary { background: #fff; color: #1f6feb; }
.recent { display: flex; gap: .4rem; flex-wrap: wrap; margin-top: .5rem; }
.recent button { background: #eef3fb; color: var(--fg); border-color: var(--line); font-size: .8rem; padding: .1rem .5rem; }
.events { list-style: none; margin: .8rem 0 0; padding: 0; display: grid; gap: .5rem; max-height: 32rem; overflow: auto; }
.event { border: 1px solid var(--line); border-left: 4px solid var(--hits); border-radius: 4px; padding: .4rem .6rem; }
.event.row { border-left-color: var(--ok); }
.event .title { font-weight: 600; }
.event .when { color: var(--muted); font-size: .8rem; margin-left: .5rem; }
.event details { margin-top: .3rem; }
.event td:first-child { color: var(--muted); white-space: nowrap; width: 14rem; }
.event td { word-break: break-all; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .8rem; }
.status-line { color: var(--muted); font-size: .85rem; margin-top: .4rem; }
`;

const SCRIPT = `
'use strict';
const config = JSON.parse(document.getElementById('config').textContent);
const $ = (id) => document.getElementById(id);
const fmt = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

function text(el, value) { el.textContent = value; }
function bytes(n) {
  if (n < 1024) return n + ' B';
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return fmt.format(v) + ' ' + units[u];
}
function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 60) return fmt.format(seconds) + ' s';
  if (seconds < 3600) return fmt.format(seconds / 60) + ' min';
  return fmt.format(seconds / 3600) + ' h';
}
function ago(ms) { return duration(Math.max(0, (Date.now() - ms) / 1000)) + ' ago'; }
function cell(row, value) { const td = document.createElement('td'); td.textContent = value; row.appendChild(td); return td; }
function fillTable(tbody, rows, columns, emptyText) {
  const fresh = document.createDocumentFragment();
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = cell(tr, emptyText); td.colSpan = columns.length; td.className = 'empty';
    fresh.appendChild(tr);
  }
  for (const r of rows) {
    const tr = document.createElement('tr');
    for (const c of columns) cell(tr, c(r));
    fresh.appendChild(tr);
  }
  tbody.replaceChildren(fresh);
}

// ---- overview ------------------------------------------------------------------------------

function recentRate(series, seconds) {
  // The current second is still filling up, so it is left out of the average.
  const end = series.length - 1;
  let sum = 0;
  for (let i = Math.max(0, end - seconds); i < end; i++) sum += series[i];
  return sum / seconds;
}

function drawChart(traffic) {
  const svg = $('traffic-chart');
  const w = 900, h = 160;
  const hits = traffic.hits, rejected = traffic.rejected;
  let max = 1;
  for (let i = 0; i < hits.length; i++) max = Math.max(max, hits[i], rejected[i]);
  const step = w / Math.max(1, hits.length - 1);
  const path = (values) => {
    let d = '';
    for (let i = 0; i < values.length; i++) d += (i === 0 ? 'M' : 'L') + (i * step).toFixed(1) + ' ' + (h - (values[i] / max) * (h - 4)).toFixed(1);
    return d;
  };
  $('chart-hits').setAttribute('d', path(hits));
  $('chart-rejected').setAttribute('d', path(rejected));
  text($('chart-max'), fmt.format(max) + '/s');
}

function render(s) {
  text($('meta'), s.role + ' · v' + s.version + ' · up ' + duration(s.uptimeSeconds) + ' · RSS ' + bytes(s.rssBytes));
  if (s.traffic) {
    $('traffic').hidden = false;
    text($('hits-rate'), fmt.format(recentRate(s.traffic.hits, 10)));
    text($('rejected-rate'), fmt.format(recentRate(s.traffic.rejected, 10)));
    drawChart(s.traffic);
  }
  const ps = s.protoSessions;
  text($('open-protosessions'), ps ? fmt.format(ps.open) : '–');
  text($('oldest-protosession'), ps ? duration(ps.oldestAgeSeconds) : '–');
  text($('processing-lag'), ps ? duration(ps.lagSeconds) : '–');
  text($('queue-depth'), s.queue ? fmt.format(s.queue.depth) : '–');
  text($('dead-letters'), s.queue ? fmt.format(s.queue.deadLetters) : '–');
  if (s.spools) fillTable($('spools'), s.spools, [(r) => r.dir, (r) => bytes(r.bytes), (r) => String(r.files), (r) => r.quarantinedFiles + ' (' + bytes(r.quarantinedBytes) + ')'], 'no spooled data');
  if (s.writes) fillTable($('writes'), s.writes, [(r) => r.table, (r) => ago(r.at), (r) => fmt.format(r.rows), (r) => fmt.format(r.totalRows)], 'nothing written since start');
  if (s.recentClients) renderRecent(s.recentClients);
  text($('last-update'), 'updated ' + new Date(s.generatedAt).toLocaleTimeString());
  $('last-update').classList.remove('stale');
}

let polling = null;
async function poll() {
  try {
    const res = await fetch('status.json', { cache: 'no-store' });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    render(await res.json());
  } catch (err) {
    text($('last-update'), 'cannot reach Cairn (' + err.message + ')');
    $('last-update').classList.add('stale');
  } finally {
    polling = setTimeout(poll, config.refreshMs);
  }
}

// ---- debug view ----------------------------------------------------------------------------

let source = null;
let pending = [];
let scheduled = false;
const MAX_EVENTS = 200;

function renderRecent(clients) {
  const box = $('recent-clients');
  const fresh = document.createDocumentFragment();
  for (const c of clients.slice(0, 15)) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = c.clientId;
    b.title = c.propertyId + ' · ' + c.hits + ' hits · ' + ago(c.lastSeen);
    b.addEventListener('click', () => { $('debug-cid').value = c.clientId; follow(c.clientId); });
    fresh.appendChild(b);
  }
  box.replaceChildren(fresh);
}

function fieldsTable(pairs) {
  const table = document.createElement('table');
  const tbody = document.createElement('tbody');
  for (const [k, v] of pairs) {
    const tr = document.createElement('tr');
    cell(tr, k);
    cell(tr, typeof v === 'string' ? v : JSON.stringify(v));
    tbody.appendChild(tr);
  }
  table.appendChild(tbody);
  return table;
}

function eventItem(e) {
  const li = document.createElement('li');
  const title = document.createElement('span');
  title.className = 'title';
  const when = document.createElement('span');
  when.className = 'when';
  when.textContent = new Date(e.at).toLocaleTimeString();
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  if (e.kind === 'hit') {
    li.className = 'event hit';
    li.dataset.kind = 'hit';
    title.textContent = e.hit.eventName || '(no event name)';
    summary.textContent = e.hit.protocol + ' hit · property ' + e.hit.propertyId + ' · ' + e.hit.method + ' ' + e.hit.path;
    const pairs = [['id', e.hit.id], ['client id', e.hit.clientId], ['user id', e.hit.userId ?? '–'], ['received', e.hit.receivedAt], ['ip', e.hit.ip], ['host', e.hit.host], ['body bytes', String(e.hit.bodyBytes)]];
    for (const [k, v] of Object.entries(e.hit.headers)) pairs.push([k, v]);
    for (const [k, v] of Object.entries(e.hit.params)) pairs.push(['param ' + k, v.join(', ')]);
    details.open = true;
    details.append(summary, fieldsTable(pairs));
  } else {
    li.className = 'event row';
    li.dataset.kind = 'row';
    title.textContent = 'row written to ' + e.table + (e.row.event_name ? ': ' + e.row.event_name : e.row.name ? ': ' + e.row.name : '');
    summary.textContent = 'session ' + (e.row.session_id ?? '?') + ' · ' + Object.keys(e.row).length + ' non-null columns';
    details.append(summary, fieldsTable(Object.entries(e.row)));
  }
  li.append(title, when, details);
  return li;
}

// Events are added once per frame, so a burst (a busy client) costs one layout, not hundreds.
function flush() {
  scheduled = false;
  const list = $('debug-events');
  const batch = pending; pending = [];
  const fresh = document.createDocumentFragment();
  for (const e of batch.slice(-MAX_EVENTS)) fresh.prepend(eventItem(e));
  list.prepend(fresh);
  while (list.children.length > MAX_EVENTS) list.lastElementChild.remove();
  $('debug-empty').hidden = list.children.length > 0;
  text($('debug-count'), String(Number($('debug-count').textContent) + batch.length));
}
function enqueue(e) {
  pending.push(e);
  if (!scheduled) { scheduled = true; requestAnimationFrame(flush); }
}

function follow(cid) {
  if (source) source.close();
  $('debug-events').replaceChildren();
  pending = [];
  text($('debug-count'), '0');
  $('debug-empty').hidden = false;
  if (!cid) { text($('debug-state'), 'enter a client id to follow its hits'); return; }
  history.replaceState(null, '', '?debug_cid=' + encodeURIComponent(cid));
  text($('debug-state'), 'connecting…');
  source = new EventSource('debug/events?cid=' + encodeURIComponent(cid));
  source.onopen = () => text($('debug-state'), 'following ' + cid + ': hits appear as they arrive, rows once the session is written');
  source.onerror = () => text($('debug-state'), 'connection lost; retrying…');
  source.addEventListener('debug', (m) => enqueue(JSON.parse(m.data)));
}

$('debug-form').addEventListener('submit', (ev) => { ev.preventDefault(); follow($('debug-cid').value.trim()); });
$('debug-clear').addEventListener('click', () => { $('debug-cid').value = ''; follow(''); history.replaceState(null, '', '?debug_cid='); });

$('debug-cid').value = config.debugClientId;
follow(config.debugClientId);
poll();
`;

export function renderStatusPage(o: StatusPageOptions): string {
  const config = scriptJson({ debugClientId: o.debugClientId, refreshMs: o.refreshMs });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cairn status</title>
<style nonce="${o.nonce}">${STYLE}</style>
</head>
<body>
<header><h1>Cairn</h1><span class="meta" id="meta">${escapeHtml(o.role)} · v${escapeHtml(o.version)}</span><span class="live" id="last-update" data-testid="last-update">loading…</span></header>
<main>
<section id="traffic" hidden>
  <h2>Traffic, last 15 minutes</h2>
  <div class="cards">
    <div class="card"><div class="label">hits/s (last 10 s)</div><div class="value" id="hits-rate" data-testid="hits-rate">–</div></div>
    <div class="card"><div class="label">rejected/s (last 10 s)</div><div class="value" id="rejected-rate" data-testid="rejected-rate">–</div></div>
  </div>
  <div class="chart">
    <svg id="traffic-chart" data-testid="traffic-chart" viewBox="0 0 900 160" preserveAspectRatio="none" role="img" aria-label="hits and rejected requests per second">
      <line x1="0" y1="159.5" x2="900" y2="159.5" stroke="#d9dee3"/>
      <path id="chart-hits" fill="none" stroke="#1f6feb" stroke-width="1.5" vector-effect="non-scaling-stroke" d=""/>
      <path id="chart-rejected" fill="none" stroke="#d1242f" stroke-width="1.5" vector-effect="non-scaling-stroke" d=""/>
    </svg>
    <div class="legend"><span class="hits">hits/s</span><span class="rejected">rejected/s</span><span>top of chart: <span id="chart-max">–</span></span><span>−15 min … now</span></div>
  </div>
</section>
<section>
  <h2>Pipeline</h2>
  <div class="cards">
    <div class="card"><div class="label">open proto-sessions</div><div class="value" id="open-protosessions" data-testid="open-protosessions">–</div></div>
    <div class="card"><div class="label">oldest open proto-session</div><div class="value" id="oldest-protosession">–</div></div>
    <div class="card"><div class="label">processing lag</div><div class="value" id="processing-lag">–</div></div>
    <div class="card"><div class="label">queue depth</div><div class="value" id="queue-depth" data-testid="queue-depth">–</div></div>
    <div class="card"><div class="label">dead letters</div><div class="value" id="dead-letters" data-testid="dead-letters">–</div></div>
  </div>
</section>
<section>
  <h2>Spools</h2>
  <table><thead><tr><th>folder</th><th>on disk</th><th>files</th><th>quarantined</th></tr></thead><tbody id="spools" data-testid="spools"><tr><td colspan="4" class="empty">not in this process</td></tr></tbody></table>
</section>
<section>
  <h2>Last successful write per table</h2>
  <table><thead><tr><th>table</th><th>last write</th><th>rows in it</th><th>rows since start</th></tr></thead><tbody id="writes" data-testid="writes"><tr><td colspan="4" class="empty">not in this process</td></tr></tbody></table>
</section>
<section id="debug">
  <h2>Debug view</h2>
  <form id="debug-form">
    <label for="debug-cid">client id</label>
    <input type="text" id="debug-cid" data-testid="debug-cid" name="debug_cid" autocomplete="off" placeholder="e.g. 1234567890.1700000000">
    <button type="submit" id="debug-watch" data-testid="debug-watch">Follow</button>
    <button type="button" class="secondary" id="debug-clear">Stop</button>
  </form>
  <div class="recent" id="recent-clients" data-testid="recent-clients"></div>
  <div class="status-line"><span id="debug-state" data-testid="debug-state"></span> · <span id="debug-count" data-testid="debug-count">0</span> events</div>
  <p class="empty" id="debug-empty">Nothing yet for this client id.</p>
  <ul class="events" id="debug-events" data-testid="debug-events"></ul>
</section>
</main>
<script type="application/json" id="config">${config}</script>
<script nonce="${o.nonce}">${SCRIPT}</script>
</body>
</html>
`;
}
