// Small SVG charts (no library): a line chart over time buckets and a horizontal bar chart.
import { el, svg } from './dom.js';

// Okabe–Ito: distinguishable with the common colour-vision deficiencies
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

const W = 560;
const H = 220;
const M = { top: 22, right: 16, bottom: 30, left: 58 };

/** Round tick values covering 0..max (at least one step above 0). */
export function ticks(max, count = 4) {
  if (!(max > 0)) max = 1;
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  const out = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(v);
  if (out[out.length - 1] < max) out.push(out[out.length - 1] + step);
  return out;
}

/**
 * series: [{name, points: Map<bucketMs, number>}]; buckets: ascending epoch ms; a missing bucket is 0
 * (counts) or a gap (when gaps is true, e.g. latency with no request).
 */
export function lineChart({ id, title, unit, buckets, series, format = String, gaps = false }) {
  const max = Math.max(0, ...series.flatMap((s) => [...s.points.values()]));
  const yTicks = ticks(max);
  const top = yTicks[yTicks.length - 1];
  const x = (i) => M.left + (buckets.length <= 1 ? 0 : (i * (W - M.left - M.right)) / (buckets.length - 1));
  const y = (v) => H - M.bottom - (v / top) * (H - M.top - M.bottom);

  const grid = yTicks.map((v) => svg('g', {},
    svg('line', { class: 'grid', x1: M.left, x2: W - M.right, y1: y(v), y2: y(v) }),
    svg('text', { x: M.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, format(v))));
  const every = Math.max(1, Math.ceil(buckets.length / 8));
  const xLabels = buckets.map((t, i) => (i % every === 0 || i === buckets.length - 1)
    ? svg('text', { x: x(i), y: H - M.bottom + 16, 'text-anchor': 'middle' }, hourLabel(t)) : null);
  const lines = series.map((s, n) => {
    const color = PALETTE[n % PALETTE.length];
    let d = '';
    let pen = false;
    const dots = [];
    buckets.forEach((t, i) => {
      const has = s.points.has(t);
      if (!has && gaps) { pen = false; return; }
      const v = has ? s.points.get(t) : 0;
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
      if (has) {
        dots.push(svg('circle', { cx: x(i), cy: y(v), r: 2.5, fill: color },
          svg('title', {}, `${s.name}, ${hourLabel(t)} UTC: ${format(v)}${unit ? ' ' + unit : ''}`)));
      }
    });
    return svg('g', { 'data-series': s.name },
      svg('path', { d, fill: 'none', stroke: color, 'stroke-width': 2 }), dots);
  });
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${id}-title` },
    svg('title', { id: `${id}-title` }, summary(title, series, format, unit)),
    grid,
    svg('line', { class: 'axis', x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom }),
    svg('line', { class: 'axis', x1: M.left, x2: M.left, y1: M.top, y2: H - M.bottom }),
    xLabels, lines,
    unit ? svg('text', { x: M.left - 6, y: 10, 'text-anchor': 'end' }, unit) : null);
  return el('figure', { id, 'data-chart': title },
    el('figcaption', {}, title), chart, legend(series.map((s) => s.name)));
}

/** items: [{label, value}] drawn largest first. */
export function barChart({ id, title, items, format = String }) {
  const rows = [...items].sort((a, b) => b.value - a.value);
  // narrower than the line charts' box, so its text reads at the same size in a grid cell of the same width
  const BW = 400;
  const rowH = 24;
  const left = 150;
  const height = Math.max(1, rows.length) * rowH + 28;
  const top = ticks(Math.max(0, ...rows.map((r) => r.value)))
  const max = top[top.length - 1];
  const scale = (v) => (v / max) * (BW - left - 70);
  const bars = rows.map((r, i) => svg('g', {},
    svg('text', { x: left - 8, y: i * rowH + 17, 'text-anchor': 'end' }, clip(r.label, 22)),
    svg('rect', { x: left, y: i * rowH + 5, width: Math.max(1, scale(r.value)), height: rowH - 8, fill: PALETTE[0] },
      svg('title', {}, `${r.label}: ${format(r.value)}`)),
    svg('text', { x: left + scale(r.value) + 6, y: i * rowH + 17 }, format(r.value))));
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${BW} ${height}`, role: 'img', 'aria-labelledby': `${id}-title` },
    svg('title', { id: `${id}-title` }, `${title}: ` + rows.map((r) => `${r.label} ${format(r.value)}`).join(', ')),
    svg('line', { class: 'axis', x1: left, x2: left, y1: 0, y2: rows.length * rowH + 4 }),
    bars,
    rows.length ? null : svg('text', { x: left + 8, y: 18 }, 'no data'));
  return el('figure', { id, 'data-chart': title }, el('figcaption', {}, title), chart);
}

function legend(names) {
  // an SVG swatch, not a style attribute: the page's CSP allows no inline styles
  return el('ul', { class: 'legend' }, names.map((name, n) => el('li', {},
    svg('svg', { class: 'swatch', width: 12, height: 12, viewBox: '0 0 12 12', 'aria-hidden': 'true' },
      svg('rect', { width: 12, height: 12, rx: 2, fill: PALETTE[n % PALETTE.length] })), name)));
}

function summary(title, series, format, unit) {
  const parts = series.map((s) => {
    const values = [...s.points.values()];
    const total = values.reduce((a, b) => a + b, 0);
    return `${s.name} max ${format(Math.max(0, ...values))}, sum ${format(total)}`;
  });
  return `${title}${unit ? ' (' + unit + ')' : ''}: ${parts.length ? parts.join('; ') : 'no data'}`;
}

function hourLabel(t) {
  const d = new Date(t);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

function clip(text, n) {
  return text.length > n ? text.slice(0, n - 1) + '…' : text;
}
