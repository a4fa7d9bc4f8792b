// Renders a unified diff as one <span> per line, coloured by its first character.
import { el } from './dom.js';

export function renderDiff(pre, text) {
  const lines = text.replace(/\n$/, '').split('\n');
  pre.replaceChildren(...lines.map((line) => el('span', { class: kind(line) }, line === '' ? ' ' : line)));
}

function kind(line) {
  if (line.startsWith('+++') || line.startsWith('---')) return 'meta';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  return 'ctx';
}
