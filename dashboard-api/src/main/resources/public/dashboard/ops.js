// Operator views: a pipeline's history and per-version figures, the audit trail, the request log, and
// the confirmation every state change asks first. Kept apart from app.js so other panels merge cleanly.
import { ApiError, call, enc } from './api.js';
import { clear, el } from './dom.js';

const $ = (id) => document.getElementById(id);
const HOUR = 3_600_000;
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fmtInt = (v) => integer.format(v || 0);
const fmtMs = (v) => (v === null || v === undefined ? '—' : integer.format(v));
const fmtUsd = (v) => {
  const n = v || 0;
  return '$' + (n === 0 ? '0' : n < 0.01 ? n.toFixed(6) : n < 1 ? n.toFixed(4) : n.toFixed(2));
};
const fmtPct = (v) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(v === 0 || v >= 0.1 ? 0 : 1)}%`);
const fmtTime = (iso) => new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
const cache = { history: '', figures: '', audit: '', requests: '' };

/** Forget what was drawn (a new key, a new pipeline): the next load redraws. */
export function resetOpsViews() {
  cache.history = '';
  cache.figures = '';
  cache.audit = '';
  cache.requests = '';
}

// ---- confirmation -----------------------------------------------------------------------------------

/**
 * Asks before a state change, naming its effect; resolves true on "yes", false on cancel. One question
 * at a time: a new one replaces an open one (which resolves false).
 */
let pending = null;
export function confirmChange(text, yesLabel) {
  if (pending) pending(false);
  $('change-confirm-text').textContent = text;
  $('change-confirm-yes').textContent = yesLabel;
  $('change-confirm').hidden = false;
  $('change-cancel').focus();
  return new Promise((resolve) => {
    pending = (answer) => {
      pending = null;
      $('change-confirm').hidden = true;
      resolve(answer);
    };
  });
}

export function initConfirm() {
  $('change-confirm-yes').addEventListener('click', () => pending && pending(true));
  $('change-cancel').addEventListener('click', () => pending && pending(false));
}

export function cancelConfirm() {
  if (pending) pending(false);
}

// ---- a pipeline's history and per-version figures ---------------------------------------------------

const EVENT_WORDS = {
  deploy: (e) => (e.fromVersion !== null && e.fromVersion !== undefined
    ? `deployed v${e.version} and made it active (was v${e.fromVersion})` : `deployed v${e.version}`),
  activate: (e) => `made v${e.version} active (was v${e.fromVersion ?? '—'})`,
  rollback: (e) => `rolled back to v${e.version} (v${e.fromVersion ?? '—'} rejected)`,
};

/** Who did what to the selected pipeline, newest first (GET /api/pipelines/{name}/history). */
export async function loadHistory(name) {
  const answer = await call(`/api/pipelines/${enc(name)}/history`);
  const events = [...(answer.events || [])].reverse();
  const json = JSON.stringify([name, events]);
  if (json === cache.history) return;
  cache.history = json;
  const body = clear($('history').tBodies[0]);
  if (events.length === 0) body.append(el('tr', {}, el('td', { colspan: 4, class: 'muted' }, 'No changes yet.')));
  for (const e of events) {
    const words = EVENT_WORDS[e.type] ? EVENT_WORDS[e.type](e) : e.type;
    body.append(el('tr', { 'data-type': e.type },
      el('td', {}, fmtTime(e.at)),
      el('td', { 'data-field': 'type' }, e.type),
      el('td', { 'data-field': 'what' }, words),
      el('td', { 'data-field': 'actor' }, (e.actor && e.actor.name) || '')));
  }
}

/** Requests, error rate, p50/p99 and cost per request of each version over 24 h (usage groupBy=version). */
export async function loadVersionFigures(name) {
  const to = Date.now();
  const from = Math.floor(to / HOUR) * HOUR - 23 * HOUR;
  const q = `pipeline=${enc(name)}&groupBy=version&from=${enc(new Date(from).toISOString())}&to=${enc(new Date(to).toISOString())}`;
  let rows;
  try {
    rows = ((await call(`/api/usage?${q}`)) || {}).rows || [];
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) rows = [];
    else throw e;
  }
  rows = rows.filter((r) => r.version !== null && r.version !== undefined).sort((a, b) => b.version - a.version);
  const json = JSON.stringify([name, rows]);
  if (json === cache.figures) return;
  cache.figures = json;
  const body = clear($('version-figures').tBodies[0]);
  if (rows.length === 0) {
    body.append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No requests in the last 24 hours.')));
  }
  for (const r of rows) {
    const cell = (field, value) => el('td', { 'data-field': field, class: 'num' }, value);
    body.append(el('tr', { 'data-version': r.version },
      el('th', { scope: 'row' }, `v${r.version}`),
      cell('requests', fmtInt(r.requests)),
      cell('error-rate', r.requests ? fmtPct((r.errors || 0) / r.requests) : '—'),
      cell('p50', fmtMs(r.latencyP50Ms)),
      cell('p99', fmtMs(r.latencyP99Ms)),
      cell('cost-per-request', r.requests ? fmtUsd((r.costUsd || 0) / r.requests) : '—')));
  }
}

// ---- the audit trail (admin) ------------------------------------------------------------------------

function auditSubject(e) {
  if (e.pipeline) return `${e.pipeline} v${e.version}` + (e.fromVersion !== null && e.fromVersion !== undefined ? ` (from v${e.fromVersion})` : '');
  if (e.type && e.type.startsWith('key_')) return e.keyName ? `key ${e.keyName}${e.keyRole ? ` (${e.keyRole})` : ''}` : 'a key';
  if (e.provider) return `provider ${e.provider}`;
  return e.subject || '';
}

/** GET /api/audit: every change by anyone, newest first; admin keys only (others are told so). */
export async function loadAudit(isAdmin) {
  const note = $('audit-note');
  if (!isAdmin) {
    if (cache.audit !== 'not-admin') {
      cache.audit = 'not-admin';
      clear($('audit').tBodies[0]);
      note.textContent = 'The audit trail needs an admin key. Each pipeline\'s own history is shown with its versions.';
    }
    return;
  }
  const answer = await call('/api/audit?limit=100');
  const events = answer.events || [];
  const json = JSON.stringify(events);
  if (json === cache.audit) return;
  cache.audit = json;
  note.textContent = events.length === 0 ? 'Nothing has changed yet.' : '';
  const body = clear($('audit').tBodies[0]);
  for (const e of events) {
    body.append(el('tr', { 'data-type': e.type },
      el('td', {}, fmtTime(e.at)),
      el('td', { 'data-field': 'type' }, e.type),
      el('td', { 'data-field': 'subject' }, auditSubject(e)),
      el('td', { 'data-field': 'actor' }, (e.actor && e.actor.name) || '')));
  }
}

// ---- the request log --------------------------------------------------------------------------------

/** GET /api/requests: the newest requests; their text when the server stores it and this key may read it. */
export async function loadRequests() {
  const answer = await call('/api/requests?limit=50');
  const rows = answer.requests || [];
  const json = JSON.stringify(answer);
  if (json === cache.requests) return;
  cache.requests = json;
  const note = $('requests-note');
  note.textContent = !answer.textLogging
    ? 'Prompt and answer text are not stored (braid.request-log.text is off); metadata only.'
    : answer.textVisible ? 'Prompt and answer text are stored, masked, and shown below each request.'
      : 'Prompt and answer text are stored, masked; only an admin key may read them.';
  note.dataset.text = answer.textLogging ? (answer.textVisible ? 'visible' : 'hidden') : 'off';
  const body = clear($('requests').tBodies[0]);
  if (rows.length === 0) body.append(el('tr', {}, el('td', { colspan: 10, class: 'muted' }, 'No requests yet.')));
  for (const r of rows) {
    const cell = (field, value, cls) => el('td', { 'data-field': field, class: cls }, value);
    const key = r.key ? (r.key.name || r.key.id) : '—';
    body.append(el('tr', { 'data-request': r.requestId, class: r.status === 'ok' ? null : 'failed' },
      cell('at', fmtTime(r.at)),
      cell('key', key),
      cell('source', r.source),
      cell('target', r.pipeline || r.model || '—'),
      cell('version', r.version === null || r.version === undefined ? '' : `v${r.version}`),
      cell('status', r.errorType ? `${r.status} (${r.errorType})` : r.status),
      cell('latency', fmtMs(r.latencyMs), 'num'),
      cell('tokens', fmtInt(r.totalTokens), 'num'),
      cell('cost', fmtUsd(r.costUsd), 'num'),
      cell('request-id', r.requestId, 'mono')));
    if (r.prompt !== null || r.answer !== null) {
      body.append(el('tr', { 'data-text-for': r.requestId, class: 'text-row' },
        el('td', { colspan: 10 },
          el('div', { class: 'text-label' }, 'Prompt'), el('pre', { class: 'text', 'data-field': 'prompt' }, r.prompt ?? ''),
          el('div', { class: 'text-label' }, 'Answer'), el('pre', { class: 'text', 'data-field': 'answer' }, r.answer ?? ''),
          r.textTruncated ? el('div', { class: 'muted small' }, '(cut to the configured length)') : null)));
    }
  }
}

/** Signed out or refused: the operator views keep nothing. */
export function clearOpsViews() {
  resetOpsViews();
  for (const id of ['history', 'version-figures', 'audit', 'requests']) clear($(id).tBodies[0]);
  $('audit-note').textContent = '';
  $('requests-note').textContent = '';
  cancelConfirm();
}
