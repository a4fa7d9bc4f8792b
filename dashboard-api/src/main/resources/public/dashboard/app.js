// The Braid dashboard: pipelines, their versions (diff, rollback), a running release (both arms, promote, abort)
// and 24 h of usage, refreshed every 10 s.
import { ApiError, apiKey, call, enc, setApiKey } from './api.js';
import { barChart, lineChart } from './charts.js';
import { renderDiff } from './diff.js';
import { clear, el } from './dom.js';
import {
  clearOpsViews, confirmChange, initConfirm, loadAudit, loadHistory, loadRequests, loadVersionFigures, resetOpsViews,
} from './ops.js';

const REFRESH_MS = 10_000;
const HOUR = 3_600_000;
const $ = (id) => document.getElementById(id);

const state = {
  selected: null, versionsJson: '', pipelinesJson: '', timer: null, busy: false, canChange: true,
  // where a plain rollback would go, as the server says (GET …/versions → rollbackTarget); never computed here
  rollbackTarget: null, activeVersion: null, isAdmin: false,
  // the running release of the selected pipeline (GET …/releases/current), or null
  release: null,
};

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fmtInt = (v) => integer.format(v || 0);
const fmtMs = (v) => (v === null || v === undefined ? '—' : integer.format(v));
const fmtUsd = (v) => {
  const n = v || 0;
  return '$' + (n === 0 ? '0' : n < 0.01 ? n.toFixed(6) : n < 1 ? n.toFixed(4) : n.toFixed(2));
};
const fmtCompact = (v) => (Math.abs(v) >= 1000 ? new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(v) : String(Math.round(v * 100) / 100));

function notice(message, isError = true) {
  const box = $('notice');
  if (!message) {
    box.hidden = true;
    clear(box);
    return;
  }
  box.className = isError ? 'notice error' : 'notice';
  box.replaceChildren(document.createTextNode(message));
  box.hidden = false;
}

function explain(e) {
  return e instanceof ApiError ? e.explain() : String(e);
}

// ---- pipelines -------------------------------------------------------------------------------------

async function loadPipelines(byPipeline) {
  const list = (await call('/api/pipelines')).pipelines || [];
  const json = JSON.stringify([list, byPipeline ? [...byPipeline.entries()] : null, state.selected]);
  if (json === state.pipelinesJson) return list;
  state.pipelinesJson = json;
  const body = clear($('pipelines').tBodies[0]);
  if (list.length === 0) {
    body.append(el('tr', {}, el('td', { colspan: 9, class: 'muted' }, 'No pipeline is deployed yet.')));
  }
  for (const p of list) {
    const u = byPipeline ? byPipeline.get(p.name) : undefined;
    const cell = (field, value, cls) => el('td', { 'data-field': field, class: cls }, value);
    body.append(el('tr', { 'data-pipeline': p.name, class: p.name === state.selected ? 'selected' : null },
      el('th', { scope: 'row' }, p.name),
      cell('active', p.activeVersion === null ? 'none' : `v${p.activeVersion}`),
      cell('versions', `${p.versionCount} (latest v${p.latestVersion})`),
      cell('requests', u ? fmtInt(u.requests) : '—', 'num'),
      cell('errors', u ? fmtInt(u.errors) : '—', 'num'),
      cell('p95', u ? fmtMs(u.latencyP95Ms) : '—', 'num'),
      cell('tokens', u ? fmtInt(u.totalTokens) : '—', 'num'),
      cell('cost', u ? fmtUsd(u.costUsd) : '—', 'num'),
      el('td', {}, el('button', {
        type: 'button', class: 'secondary', 'data-action': 'versions', 'aria-label': `Versions of ${p.name}`,
        onclick: () => select(p.name),
      }, 'Versions'))));
  }
  return list;
}

async function select(name) {
  state.selected = name;
  state.versionsJson = '';
  state.pipelinesJson = '';
  $('detail').hidden = false;
  $('detail-title').textContent = `Versions of ${name}`;
  $('diff').hidden = true;
  clear($('rollback-result'));
  hideConfirm();
  resetOpsViews();
  try {
    await loadVersions(true);
    await refresh();
  } catch (e) {
    notice(explain(e));
  }
  $('detail-title').scrollIntoView({ block: 'nearest' });
}

async function loadVersions(resetDiff) {
  const name = state.selected;
  if (!name) return;
  const answer = await call(`/api/pipelines/${enc(name)}/versions`);
  const versions = answer.versions || [];
  const json = JSON.stringify([answer, state.canChange]);
  if (json === state.versionsJson) {
    await loadRelease(name); // its figures move while the versions stay the same
    return;
  }
  state.versionsJson = json;
  const active = versions.find((v) => v.active);
  state.activeVersion = active ? active.version : null;
  state.rollbackTarget = answer.rollbackTarget ?? null;
  await loadRelease(name);
  showRollbackTarget();
  const body = clear($('versions').tBodies[0]);
  for (const v of [...versions].sort((a, b) => b.version - a.version)) {
    body.append(el('tr', { 'data-version': v.version },
      el('th', { scope: 'row' }, `v${v.version}`),
      el('td', { 'data-field': 'state' }, stateBadge(v)),
      el('td', {}, v.author || ''),
      el('td', {}, v.message || ''),
      el('td', {}, new Date(v.createdAt).toISOString().replace('T', ' ').slice(0, 19) + ' UTC'),
      el('td', {}, v.active || !state.canChange ? '' : el('button', {
        type: 'button', class: 'secondary', 'data-action': 'activate',
        'aria-label': `Make v${v.version} of ${name} active`, onclick: () => activate(name, v.version),
      }, 'Make active'))));
  }
  if (resetDiff) {
    const numbers = versions.map((v) => v.version).sort((a, b) => a - b);
    for (const [id, pick] of [['diff-from', numbers.length > 1 ? numbers[numbers.length - 2] : numbers[0]],
      ['diff-to', numbers[numbers.length - 1]]]) {
      const select = $(id);
      select.replaceChildren(...numbers.map((n) => el('option', { value: n, selected: n === pick }, `v${n}`)));
    }
  }
}

async function showDiff(event) {
  event.preventDefault();
  const name = state.selected;
  const from = $('diff-from').value;
  const to = $('diff-to').value;
  try {
    const text = await call(`/api/pipelines/${enc(name)}/diff?from=${enc(from)}&to=${enc(to)}`, { accept: 'text/plain' });
    const pre = $('diff');
    renderDiff(pre, text || `v${from} and v${to} are identical`);
    pre.hidden = false;
  } catch (e) {
    notice(explain(e));
  }
}

async function changeActive(name, request, what) {
  const result = $('rollback-result');
  try {
    const r = await request();
    result.textContent = r.changed
      ? `${what}: ${r.name} is now on v${r.activeVersion} (was v${r.fromVersion}).`
      : `${r.name} already runs v${r.activeVersion}; nothing changed.`;
    notice(null);
    state.pipelinesJson = '';
    await loadVersions(false);
    await refresh();
  } catch (e) {
    result.textContent = '';
    if (e instanceof ApiError && e.status === 403) {
      notice(`Only deployer and admin keys may change the active version; this key may not (403). ${e.message}`);
    } else {
      notice(explain(e));
    }
  }
}

/** active, candidate and rejected are shown as badges; inactive as nothing. */
function stateBadge(v) {
  const st = v.state || (v.active ? 'active' : 'inactive');
  if (st === 'inactive') return '';
  return el('span', { class: st === 'active' ? 'badge' : `badge ${st}` }, st);
}

// ---- releases ---------------------------------------------------------------------------------------

const fmtRate = (v) => `${((v || 0) * 100).toFixed(2)} %`;

/** The running release, both arms side by side; hidden when none runs (404 release_not_found). */
async function loadRelease(name) {
  let r = null;
  try {
    r = await call(`/api/pipelines/${enc(name)}/releases/current`);
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
  }
  state.release = r;
  const box = $('release');
  if (!r) {
    box.hidden = true;
    hideReleaseConfirm();
    return;
  }
  box.hidden = false;
  const steps = r.steps && r.steps.length ? `, step ${r.step} of ${r.steps.length} (${r.steps.join(' → ')} %, each at least ${r.stepEvery})` : ', shadow only';
  $('release-summary').textContent = `v${r.stable} → v${r.candidate}: ${r.weight} % of traffic on the candidate${steps}; `
    + `sticky by ${r.sticky}; started ${r.startedAt.replace('T', ' ').slice(0, 19)} UTC.`;
  const body = clear($('release-arms').tBodies[0]);
  for (const arm of ['stable', 'candidate']) {
    const a = (r.arms && r.arms[arm]) || {};
    body.append(el('tr', { 'data-arm': arm },
      el('th', { scope: 'row' }, arm),
      el('td', {}, `v${r[arm]}`),
      el('td', { class: 'num', 'data-field': 'requests' }, fmtInt(a.requests)),
      el('td', { class: 'num', 'data-field': 'errorRate' }, fmtRate(a.errorRate)),
      el('td', { class: 'num', 'data-field': 'p50' }, fmtMs(a.p50Ms)),
      el('td', { class: 'num', 'data-field': 'p99' }, fmtMs(a.p99Ms)),
      el('td', { class: 'num', 'data-field': 'cost' }, fmtUsd(a.costPerRequestUsd))));
  }
  const shadow = $('release-shadow');
  shadow.hidden = !(r.shadowPercent > 0);
  if (r.shadowPercent > 0) {
    const s = r.shadow || {};
    shadow.textContent = `Shadow: ${r.shadowPercent} % of calls also run on v${r.candidate}; ${fmtInt(s.requests)} runs, `
      + `${fmtInt(s.errors)} failed, match rate ${s.matchRate === null || s.matchRate === undefined ? '—' : fmtRate(s.matchRate)}.`;
  }
  $('release-promote').textContent = `Promote v${r.candidate}`;
  $('release-promote').hidden = !state.canChange;
  $('release-abort').hidden = !state.canChange;
}

/** Asks first, naming the effect of promote or abort. */
function askRelease(action) {
  const r = state.release;
  if (!r) return;
  const text = action === 'promote'
    ? `Promote v${r.candidate} of ${r.pipeline}? It becomes the active version for all traffic now; the release ends.`
    : `Abort the release of ${r.pipeline}? All traffic goes back to v${r.stable} now, and v${r.candidate} will be marked rejected.`;
  $('release-confirm-text').textContent = text;
  const yes = $('release-confirm-yes');
  yes.textContent = action === 'promote' ? `Promote v${r.candidate}` : 'Abort the release';
  yes.dataset.action = action;
  yes.dataset.release = r.id;
  $('release-confirm').hidden = false;
  $('release-cancel').focus();
}

function hideReleaseConfirm() {
  $('release-confirm').hidden = true;
}

async function confirmRelease() {
  const name = state.selected;
  const yes = $('release-confirm-yes');
  const action = yes.dataset.action;
  hideReleaseConfirm();
  try {
    const r = await call(`/api/pipelines/${enc(name)}/releases/current/${action}`, { method: 'POST' });
    $('release-result').textContent = '';
    $('rollback-result').textContent = action === 'promote'
      ? `Promoted: ${r.pipeline} is now on v${r.candidate}.`
      : `Aborted: ${r.pipeline} stays on v${r.stable}; v${r.candidate} is rejected.`;
    notice(null);
    state.versionsJson = '';
    state.pipelinesJson = '';
    await loadVersions(false);
    await refresh();
  } catch (e) {
    notice(explain(e));
  }
}

/** The button names where it goes; with nowhere to go it is disabled and says why. */
function showRollbackTarget() {
  const button = $('rollback');
  const reason = $('rollback-reason');
  const target = state.rollbackTarget;
  if (state.release) {
    button.textContent = 'Roll back';
    button.disabled = true;
    reason.textContent = 'A release is running: promote or abort it first.';
    reason.hidden = !state.canChange;
    hideConfirm();
  } else if (target === null) {
    button.textContent = 'Roll back';
    button.disabled = true;
    reason.textContent = 'Nothing to roll back: every earlier active version is rejected (or there is none). '
      + 'Use "Make active" to choose a version.';
    reason.hidden = !state.canChange;
    hideConfirm();
  } else {
    button.textContent = `Roll back to v${target}`;
    button.disabled = false;
    reason.textContent = '';
    reason.hidden = true;
  }
}

/** Asks first, naming the effect: which version goes live, and that the one left becomes rejected. */
function rollback() {
  const target = state.rollbackTarget;
  if (target === null) return;
  const active = state.activeVersion;
  $('rollback-confirm-text').textContent = `Roll back ${state.selected} from v${active} to v${target}? `
    + `All traffic moves to v${target}. v${active} will be marked rejected: a later plain rollback never returns to it.`;
  const yes = $('rollback-confirm-yes');
  yes.textContent = `Roll back to v${target}`;
  yes.dataset.target = String(target);
  $('rollback-confirm').hidden = false;
  $('rollback-cancel').focus();
}

function hideConfirm() {
  $('rollback-confirm').hidden = true;
}

/** Goes to the version the confirmation named ({"to": v}), even if someone else changed things meanwhile. */
function confirmRollback() {
  const name = state.selected;
  const target = Number($('rollback-confirm-yes').dataset.target);
  hideConfirm();
  return changeActive(name, () => call(`/api/pipelines/${enc(name)}/rollback`, {
    method: 'POST', body: { to: target },
  }), 'Rolled back');
}

/** Asks first, naming the effect: which version goes live and which one it replaces. */
async function activate(name, version) {
  const from = state.activeVersion;
  const yes = await confirmChange(`Make v${version} of ${name} active? All traffic moves to v${version}`
    + (from === null ? '.' : ` from v${from}; v${from} stays available (not rejected).`), `Make v${version} active`);
  if (!yes) return undefined;
  return changeActive(name,
    () => call(`/api/pipelines/${enc(name)}/versions/${enc(version)}/activate`, { method: 'POST' }), 'Activated');
}

// ---- usage -----------------------------------------------------------------------------------------

function window24h() {
  const to = Date.now();
  const from = Math.floor(to / HOUR) * HOUR - 23 * HOUR;
  const buckets = Array.from({ length: 24 }, (_, i) => from + i * HOUR);
  return { from, to, buckets };
}

function usage(w, groupBy) {
  const q = `from=${enc(new Date(w.from).toISOString())}&to=${enc(new Date(w.to).toISOString())}&groupBy=${enc(groupBy)}`;
  return call(`/api/usage?${q}`).then((r) => (r && r.rows) || []);
}

/** A row's hour as epoch ms at the start of the hour (the API may answer an ISO string or a number). */
function hourOf(row) {
  const raw = row.hour;
  const t = typeof raw === 'number' ? raw : Date.parse(raw);
  return Math.floor(t / HOUR) * HOUR;
}

function seriesBy(rows, field, metric, label = (k) => k) {
  const byName = new Map();
  for (const row of rows) {
    const name = label(row[field]);
    if (!byName.has(name)) byName.set(name, new Map());
    const value = row[metric];
    if (value === null || value === undefined) continue;
    const points = byName.get(name);
    const t = hourOf(row);
    points.set(t, (points.get(t) || 0) + value);
  }
  return [...byName.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([name, points]) => ({ name, points }));
}

const keyLabel = (r) => r.keyName || r.key || '(no key)';

/**
 * Only real series: rows of a deployed pipeline (a mistyped invoke of "nope" is no pipeline) and of a
 * named model; calls without a pipeline or a model still count in the totals.
 */
const deployedOnly = (rows, names) => rows.filter((r) => r.pipeline && names.has(r.pipeline));
const withModel = (rows) => rows.filter((r) => r.model);

async function loadUsage() {
  const w = window24h();
  let byPipelineRows;
  try {
    byPipelineRows = await usage(w, 'pipeline');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      $('usage-status').textContent = 'This server does not record usage (GET /api/usage answered 404).';
      clear($('charts'));
      return null;
    }
    throw e;
  }
  const [byHour, byHourPipelineAll, byHourModelAll, byKey, deployed] = await Promise.all([
    usage(w, 'hour'), usage(w, 'hour,pipeline'), usage(w, 'hour,model'), usage(w, 'key'), call('/api/pipelines')]);
  const names = new Set(((deployed && deployed.pipelines) || []).map((p) => p.name));
  const byHourPipeline = deployedOnly(byHourPipelineAll, names);
  const byHourModel = withModel(byHourModelAll);

  const byPipeline = new Map(byPipelineRows.map((r) => [r.pipeline, r]));
  const sum = (metric) => byPipelineRows.reduce((a, r) => a + (r[metric] || 0), 0);
  renderTotals([['Requests', fmtInt(sum('requests')), 'requests'], ['Errors', fmtInt(sum('errors')), 'errors'],
    ['Tokens', fmtInt(sum('totalTokens')), 'tokens'], ['Cost', fmtUsd(sum('costUsd')), 'cost']]);

  const latency = [['p50', 'latencyP50Ms'], ['p95', 'latencyP95Ms'], ['p99', 'latencyP99Ms']]
    .map(([name, field]) => ({ name, points: seriesBy(byHour, 'hour', field, () => name)[0]?.points || new Map() }));
  const charts = [
    lineChart({ id: 'chart-requests', title: 'Requests per hour, by pipeline', buckets: w.buckets,
      series: seriesBy(byHourPipeline, 'pipeline', 'requests'), format: fmtCompact }),
    lineChart({ id: 'chart-errors', title: 'Errors per hour, by pipeline', buckets: w.buckets,
      series: seriesBy(byHourPipeline, 'pipeline', 'errors'), format: fmtCompact }),
    lineChart({ id: 'chart-latency', title: 'Latency percentiles, all requests', unit: 'ms', buckets: w.buckets,
      series: latency, format: fmtCompact, gaps: true }),
    lineChart({ id: 'chart-latency-pipeline', title: 'p95 latency, by pipeline', unit: 'ms', buckets: w.buckets,
      series: seriesBy(byHourPipeline, 'pipeline', 'latencyP95Ms'), format: fmtCompact, gaps: true }),
    lineChart({ id: 'chart-tokens-pipeline', title: 'Tokens per hour, by pipeline', buckets: w.buckets,
      series: seriesBy(byHourPipeline, 'pipeline', 'totalTokens'), format: fmtCompact }),
    lineChart({ id: 'chart-tokens-model', title: 'Tokens per hour, by model', buckets: w.buckets,
      series: seriesBy(byHourModel, 'model', 'totalTokens'), format: fmtCompact }),
    lineChart({ id: 'chart-cost-pipeline', title: 'Cost per hour, by pipeline', unit: 'USD', buckets: w.buckets,
      series: seriesBy(byHourPipeline, 'pipeline', 'costUsd'), format: fmtUsd }),
    lineChart({ id: 'chart-cost-model', title: 'Cost per hour, by model', unit: 'USD', buckets: w.buckets,
      series: seriesBy(byHourModel, 'model', 'costUsd'), format: fmtUsd }),
    barChart({ id: 'chart-keys', title: 'Top keys by cost', format: fmtUsd,
      items: byKey.map((r) => ({ label: keyLabel(r), value: r.costUsd || 0 })).slice(0, 50)
        .sort((a, b) => b.value - a.value).slice(0, 10) }),
  ];
  $('usage-status').textContent = '';
  $('charts').replaceChildren(...charts);
  return byPipeline;
}

function renderTotals(tiles) {
  $('totals').replaceChildren(...tiles.map(([label, value, field]) => el('div', { class: 'tile', 'data-total': field },
    el('div', { class: 'label' }, label), el('div', { class: 'value' }, value))));
}

// ---- refresh and sign-in ---------------------------------------------------------------------------

/** Who the key is: the header says so, and buttons the role may not use are hidden (the API still checks). */
async function loadIdentity() {
  const who = $('who');
  try {
    const me = await call('/api/whoami');
    state.canChange = !!me.canChange;
    state.isAdmin = me.role === 'admin';
    who.textContent = me.role ? `Signed in: ${me.name} (${me.role})` : '';
  } catch (e) {
    state.canChange = false;
    state.isAdmin = false;
    who.textContent = e instanceof ApiError && e.status === 401 ? 'Not signed in' : '';
    throw e;
  } finally {
    $('rollback').hidden = !state.canChange;
    $('rollback-note').hidden = state.canChange;
  }
}

async function refresh() {
  if (state.busy) return;
  state.busy = true;
  try {
    await loadIdentity();
    let byPipeline = null;
    let usageError = null;
    try {
      byPipeline = await loadUsage();
    } catch (e) {
      usageError = e;
      $('usage-status').textContent = `Usage unavailable: ${explain(e)}`;
    }
    await loadPipelines(byPipeline);
    await loadVersions(false);
    await loadOpsViews();
    notice(usageError && usageError.status !== 403 ? explain(usageError) : null);
    $('updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) clearData();
    notice(explain(e));
  } finally {
    state.busy = false;
  }
}

/** The operator views (ops.js): the selected pipeline's figures and history, the request log, the audit trail. */
async function loadOpsViews() {
  if (state.selected) {
    await loadVersionFigures(state.selected);
    await loadHistory(state.selected);
  }
  await loadRequests();
  await loadAudit(state.isAdmin);
}

/** Signed out or refused: nothing the previous key could see stays on screen. */
function clearData() {
  clearOpsViews();
  state.pipelinesJson = '';
  state.versionsJson = '';
  state.selected = null;
  clear($('pipelines').tBodies[0]);
  clear($('totals'));
  clear($('charts'));
  $('usage-status').textContent = '';
  $('detail').hidden = true;
  $('release').hidden = true;
  state.release = null;
}

function schedule() {
  clearInterval(state.timer);
  state.timer = $('auto-refresh').checked ? setInterval(refresh, REFRESH_MS) : null;
}

function init() {
  $('key-input').value = apiKey();
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    setApiKey($('key-input').value.trim());
    state.pipelinesJson = '';
    state.versionsJson = '';
    resetOpsViews();
    refresh();
  });
  $('key-clear').addEventListener('click', () => {
    setApiKey('');
    $('key-input').value = '';
    refresh();
  });
  $('auto-refresh').addEventListener('change', schedule);
  $('rollback').addEventListener('click', rollback);
  $('rollback-confirm-yes').addEventListener('click', confirmRollback);
  $('rollback-cancel').addEventListener('click', hideConfirm);
  $('release-promote').addEventListener('click', () => askRelease('promote'));
  $('release-abort').addEventListener('click', () => askRelease('abort'));
  $('release-confirm-yes').addEventListener('click', confirmRelease);
  $('release-cancel').addEventListener('click', hideReleaseConfirm);
  $('diff-form').addEventListener('submit', showDiff);
  initConfirm();
  schedule();
  refresh();
}

init();
