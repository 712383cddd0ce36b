// The cluster at a glance: reads GET /cluster/status every second (every member's /status,
// gathered by the node that serves this page) and draws one row per member. A member that does
// not answer is marked down; request and error rates come from two successive samples.
'use strict';

const REFRESH_MS = 1000;
// A cluster started with --auth-file answers this page's data only with a read token. The token
// typed into the form is kept for this browser tab only (sessionStorage) and sent as a bearer.
const TOKEN_KEY = 'logkv-token';
const previous = {}; // node id -> {at, requests}

function human(bytes) {
  if (bytes == null) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return (u === 0 ? v : v.toFixed(1)) + ' ' + units[u];
}

function sumOffsets(text) {
  if (!text) return null;
  return text.split(',').reduce((s, part) => s + Number(part.split(':')[1] || 0), 0);
}

function age(iso) {
  if (!iso) return '–';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 120 ? s + ' s ago' : Math.round(s / 60) + ' min ago';
}

function cell(text, cls) {
  const td = document.createElement('td');
  if (cls) td.className = cls;
  if (text instanceof Node) td.appendChild(text); else td.textContent = text;
  return td;
}

function badge(state) {
  const b = document.createElement('span');
  b.className = 'badge ' + state;
  b.textContent = state;
  return b;
}

function replayCell(st) {
  const r = st.replay || {};
  const wrap = document.createElement('span');
  const bar = document.createElement('span');
  bar.className = 'bar' + (r.done ? ' done' : '');
  const fill = document.createElement('span');
  fill.style.width = (r.percent || 0) + '%';
  bar.appendChild(fill);
  wrap.appendChild(bar);
  const label = document.createElement('span');
  label.className = 'small';
  label.textContent = ' ' + (r.percent || 0) + '%' + (r.done ? '' : ' · ' + (r.rate || 0) + ' rec/s') +
      (r.source ? ' · ' + r.source : '');
  wrap.appendChild(label);
  return wrap;
}

function rates(id, st, now) {
  const req = st.requests || {};
  const prev = previous[id];
  previous[id] = {at: now, requests: req};
  if (!prev) return ['…', '…'];
  const dt = (now - prev.at) / 1000;
  if (dt <= 0) return ['…', '…'];
  const total = (req.total - prev.requests.total) / dt;
  const errors = ((req.server_errors || 0) - (prev.requests.server_errors || 0)) / dt;
  return [Math.max(0, total).toFixed(1), Math.max(0, errors).toFixed(1)];
}

function drawNodes(data) {
  const tbody = document.querySelector('#nodes tbody');
  tbody.textContent = '';
  const now = Date.now();
  let ready = 0;
  for (const m of data.members) {
    const tr = document.createElement('tr');
    tr.dataset.node = m.id;
    const link = document.createElement('a');
    link.textContent = m.id + (m.id === data.self ? ' (this page)' : '');
    if (m.url) link.href = m.url + '/status';
    tr.appendChild(cell(link));
    if (!m.reachable) {
      tr.className = 'down';
      tr.dataset.state = 'down';
      tr.appendChild(cell(badge('down'), 'state'));
      const why = cell(m.error || 'no answer');
      why.colSpan = 10;
      why.style.textAlign = 'left';
      tr.appendChild(why);
      delete previous[m.id];
      tbody.appendChild(tr);
      continue;
    }
    const st = m.status;
    const state = st.state || (st.ready ? 'ready' : 'replaying');
    if (state === 'ready') ready++;
    tr.dataset.state = state;
    tr.appendChild(cell(badge(state), 'state'));
    tr.appendChild(cell(replayCell(st)));
    const applied = sumOffsets(st.applied), end = sumOffsets(st.end);
    tr.appendChild(cell((applied ?? '–') + ' / ' + (end ?? '–')));
    tr.appendChild(cell(st.lag_records ?? '–'));
    tr.appendChild(cell(st.max_staleness_ms >= 0 ? st.max_staleness_ms + ' ms' : '–'));
    tr.appendChild(cell(st.keys ?? '–'));
    tr.appendChild(cell(human(st.bytes)));
    tr.appendChild(cell(st.snapshot && st.snapshot.enabled ? age(st.snapshot.last_written_at) : 'off'));
    const [rps, eps] = rates(m.id, st, now);
    tr.appendChild(cell(rps));
    tr.appendChild(cell(eps));
    tr.appendChild(cell(st.cluster ? st.cluster.owned_partitions.length + ' of ' + st.partitions : 'all ' + st.partitions));
    tbody.appendChild(tr);
  }
  const c = data.cluster;
  document.getElementById('mode').textContent = c && c.sharded
      ? 'sharded: each of ' + c.partitions + ' partitions on ' + c.replicas + ' of ' + c.members.length + ' nodes'
      : 'full copy on every node';
  document.getElementById('summary').textContent = ready + ' of ' + data.members.length + ' nodes ready';
  document.getElementById('summary').dataset.ready = String(ready);
  drawOwners(data);
}

function drawOwners(data) {
  const c = data.cluster;
  const section = document.getElementById('owners-section');
  if (!c || !c.sharded) { section.hidden = true; return; }
  section.hidden = false;
  const down = new Set(data.members.filter(m => !m.reachable).map(m => m.id));
  const head = document.querySelector('#owners thead');
  head.textContent = '';
  const hr = document.createElement('tr');
  hr.appendChild(cell('partition'));
  c.members.forEach(m => hr.appendChild(cell(m.id)));
  head.appendChild(hr);
  const body = document.querySelector('#owners tbody');
  body.textContent = '';
  c.owners.forEach((owners, p) => {
    const tr = document.createElement('tr');
    tr.appendChild(cell(String(p)));
    c.members.forEach(m => {
      const rank = owners.indexOf(m.id);
      const td = cell(rank < 0 ? '' : String(rank + 1));
      if (rank >= 0) td.className = 'owner' + (rank === 0 ? ' first' : '') + (down.has(m.id) ? ' down' : '');
      tr.appendChild(td);
    });
    body.appendChild(tr);
  });
}

function askForToken(status) {
  const form = document.getElementById('token-form');
  form.hidden = false;
  document.getElementById('token-error').textContent = sessionStorage.getItem(TOKEN_KEY)
    ? (status === 403 ? 'this token lacks the read role' : 'this token is not known to the cluster') : '';
}

document.getElementById('token-form').addEventListener('submit', e => {
  e.preventDefault();
  const input = document.getElementById('token');
  sessionStorage.setItem(TOKEN_KEY, input.value.trim());
  input.value = '';
});

async function refresh() {
  try {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = token ? {Authorization: 'Bearer ' + token} : {};
    const r = await fetch('/cluster/status', {cache: 'no-store', headers});
    if (r.status === 401 || r.status === 403) {
      askForToken(r.status);
      document.getElementById('refreshed').textContent = 'this cluster asks for a token with the read role';
      return;
    }
    document.getElementById('token-form').hidden = true;
    if (!r.ok) throw new Error('HTTP ' + r.status);
    drawNodes(await r.json());
    document.getElementById('refreshed').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById('refreshed').textContent = 'the node serving this page does not answer: ' + e.message;
  } finally {
    setTimeout(refresh, REFRESH_MS);
  }
}

refresh();
