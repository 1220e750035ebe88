/**
 * The ratio chart: one horizontal bar per (measure, peer) on a log scale centred on 1×, right
 * of the centre where 7T is faster or smaller. Every text node and attribute goes through
 * escapeXml, although the text is only numbers and query names.
 */
import type { Figure } from './report.js';

const ROW_HEIGHT = 18;
const LABEL_WIDTH = 190;
const PLOT_WIDTH = 560;
const TOP = 40;
const PEER_COLOURS: Record<string, string> = {
  Oxigraph: '#1f77b4',
  'N3.Store': '#2ca02c',
  Comunica: '#ff7f0e',
};

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, attributes: Record<string, string | number>, text?: string): string {
  const attributeText = Object.entries(attributes)
    .map(([key, value]) => {
      const text = typeof value === 'number' ? String(Math.round(value * 10) / 10) : value;
      return ` ${key}="${escapeXml(text)}"`;
    })
    .join('');
  if (text === undefined) return `<${name}${attributeText}/>`;
  return `<${name}${attributeText}>${escapeXml(text)}</${name}>`;
}

function ratioText(ratio: number): string {
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(2)}×`;
}

/** Renders the figures as an SVG document; figures without a finite positive ratio are left out. */
export function renderRatioChart(figures: readonly Figure[], title: string): string {
  const shown = figures.filter((figure) => Number.isFinite(figure.ratio) && figure.ratio > 0);
  const logs = shown.map((figure) => Math.log10(figure.ratio));
  // Symmetric decades around 1× so that the centre line is 1×.
  const decades = Math.max(1, Math.ceil(Math.max(...logs.map(Math.abs), 0)));
  const centre = LABEL_WIDTH + PLOT_WIDTH / 2;
  const perDecade = PLOT_WIDTH / 2 / decades;
  const height = TOP + shown.length * ROW_HEIGHT + 50;
  const width = LABEL_WIDTH + PLOT_WIDTH + 70;
  const parts: string[] = [
    element('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    element('text', { x: 10, y: 20, 'font-size': 14, 'font-weight': 'bold' }, title),
  ];

  for (let decade = -decades; decade <= decades; decade++) {
    const x = centre + decade * perDecade;
    const bottom = TOP + shown.length * ROW_HEIGHT;
    parts.push(
      element('line', {
        x1: x,
        y1: TOP - 4,
        x2: x,
        y2: bottom,
        stroke: decade === 0 ? '#000000' : '#dddddd',
      }),
      element(
        'text',
        { x, y: bottom + 14, 'font-size': 10, 'text-anchor': 'middle' },
        decade >= 0 ? `${10 ** decade}×` : `${(10 ** decade).toFixed(-decade)}×`,
      ),
    );
  }

  shown.forEach((figure, i) => {
    const y = TOP + i * ROW_HEIGHT;
    const log = logs[i];
    const barStart = log >= 0 ? centre : centre + log * perDecade;
    const barWidth = Math.max(1, Math.abs(log) * perDecade);
    parts.push(
      element(
        'text',
        { x: LABEL_WIDTH - 6, y: y + 12, 'font-size': 11, 'text-anchor': 'end' },
        `${figure.name} vs ${figure.peer}`,
      ),
      element('rect', {
        x: barStart,
        y: y + 3,
        width: barWidth,
        height: ROW_HEIGHT - 6,
        fill: PEER_COLOURS[figure.peer] ?? '#777777',
      }),
      element(
        'text',
        {
          x: log >= 0 ? barStart + barWidth + 4 : barStart - 4,
          y: y + 12,
          'font-size': 10,
          'text-anchor': log >= 0 ? 'start' : 'end',
        },
        ratioText(figure.ratio),
      ),
    );
  });

  const legendY = height - 12;
  Object.entries(PEER_COLOURS).forEach(([peer, colour], i) => {
    const x = LABEL_WIDTH + 20 + i * 120;
    parts.push(
      element('rect', { x, y: legendY - 9, width: 10, height: 10, fill: colour }),
      element('text', { x: x + 14, y: legendY, 'font-size': 11 }, peer),
    );
  });
  parts.push(element('text', { x: 10, y: legendY, 'font-size': 11 }, 'right of 1×: 7T ahead'));

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    ...parts.map((part) => `  ${part}`),
    '</svg>',
    '',
  ].join('\n');
}
