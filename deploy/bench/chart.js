// The PNG chart of a load benchmark: sustained rate and latency against offered load. Drawn as a Vega-Lite
// spec, rendered to SVG by Vega (headless, no canvas) and to PNG by resvg.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/**
 * Write `file` (PNG): for each step, the sustained rate beside the offered one (left axis, with the line
 * where sustained = offered) and p50/p99 latency (right axis, log scale).
 * rows: [{ offered, sustained, p50Ms, p99Ms }] (latencies may be null for a step where nothing arrived).
 */
async function writeLoadChart(file, rows, title) {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  const { Resvg } = require('@resvg/resvg-js');
  const rates = rows.flatMap((r) => [
    { offered: r.offered, series: 'sustained', value: r.sustained },
    { offered: r.offered, series: 'offered (ideal)', value: r.offered },
  ]);
  const latencies = rows.flatMap((r) => [
    ...(r.p50Ms == null ? [] : [{ offered: r.offered, series: 'p50 latency', value: Math.max(1, r.p50Ms) }]),
    ...(r.p99Ms == null ? [] : [{ offered: r.offered, series: 'p99 latency', value: Math.max(1, r.p99Ms) }]),
  ]);
  const x = {
    field: 'offered',
    type: 'quantitative',
    title: 'offered orders/s',
    scale: { type: 'log', base: 2 },
    axis: { values: rows.map((r) => r.offered) },
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 640,
    height: 360,
    background: 'white',
    layer: [
      {
        data: { values: rates },
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'orders/s' },
          color: { field: 'series', type: 'nominal', scale: { domain: ['sustained', 'offered (ideal)', 'p50 latency', 'p99 latency'] }, title: null },
          strokeDash: { condition: { test: "datum.series === 'offered (ideal)'", value: [4, 4] }, value: [1, 0] },
        },
      },
      {
        data: { values: latencies },
        mark: { type: 'line', point: { shape: 'square' } },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'latency ms (log)', scale: { type: 'log' } },
          color: { field: 'series', type: 'nominal', title: null },
        },
      },
    ],
    resolve: { scale: { y: 'independent' } },
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  const png = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, png);
}

module.exports = { writeLoadChart };
