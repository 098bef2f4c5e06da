/* ogpcatalog-chart: draws a plain SVG chart from the HTML table it is attached to, in the
 * manner of ckanext-stats' `plot` module but without any library. The table stays on the
 * page (it is the accessible version of the chart, with the exact numbers); the SVG is
 * inserted before it and hidden from assistive technology.
 *
 *   <table data-module="ogpcatalog-chart" data-module-kind="line|bar"
 *          data-module-title="Datasets over time">
 *     <thead><tr><th>X</th><th>Series A</th><th>Series B</th></tr></thead>
 *     <tbody>
 *       <tr><th data-value="2026-01-01">Jan 2026</th><td data-value="12">12</td><td data-value="3">3</td></tr>
 *     </tbody>
 *   </table>
 *
 * kind "line": one line per numeric column, rows in order along the x axis.
 * kind "bar":  horizontal bars, one per row, of the column at position `data-module-column`
 *              in the row (0 is the row's label; default: the first column not skipped).
 * A cell's number is its data-value attribute, else its text. Cells marked
 * `data-chart="skip"` (and columns whose header has it) are left out.
 */
this.ckan.module('ogpcatalog-chart', function ($) {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var COLORS = ['#2171b5', '#e6550d', '#31a354', '#756bb1', '#636363', '#d6616b'];

  function el(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function number(cell) {
    var raw = cell.getAttribute('data-value');
    if (raw === null) { raw = (cell.textContent || '').replace(/[^0-9.,\-]/g, '').replace(/,/g, ''); }
    var value = parseFloat(raw);
    return isFinite(value) ? value : null;
  }

  function niceMax(value) {
    if (value <= 0) { return 1; }
    var power = Math.pow(10, Math.floor(Math.log10(value)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] * power >= value) { return steps[i] * power; }
    }
    return 10 * power;
  }

  // Numbers drawn on the chart in the page's language (<html lang>): 1.234,5 in es, 1,234.5 in en.
  function formatNumber(value, digits) {
    var lang = document.documentElement.getAttribute('lang') || undefined;
    try {
      return new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(value);
    } catch (e) {
      return String(Math.round(value * Math.pow(10, digits)) / Math.pow(10, digits));
    }
  }

  function shortLabel(text, max) {
    text = (text || '').trim();
    return text.length > max ? text.slice(0, max - 1) + '\u2026' : text;
  }

  return {
    options: { kind: 'line', column: 1, title: '' },

    initialize: function () {
      if (!this.el.is('table')) {
        throw new Error('ogpcatalog-chart can only be attached to a table');
      }
      var data = this.parseTable(this.el[0]);
      if (!data.rows.length || !data.series.length) { return; }
      var figure = document.createElement('div');
      figure.className = 'ogp-chart';
      figure.setAttribute('aria-hidden', 'true');
      var svg = this.options.kind === 'bar' ? this.bar(data) : this.line(data);
      figure.appendChild(svg);
      if (this.options.kind !== 'bar' && data.series.length > 1) {
        figure.appendChild(this.legend(data));
      }
      this.el[0].parentNode.insertBefore(figure, this.el[0]);
    },

    parseTable: function (table) {
      var headers = Array.prototype.slice.call(table.querySelectorAll('thead th'));
      var series = [];
      headers.forEach(function (th, index) {
        if (index > 0 && th.getAttribute('data-chart') !== 'skip') {
          series.push({ index: index, name: th.textContent.trim() });
        }
      });
      var rows = [];
      Array.prototype.forEach.call(table.querySelectorAll('tbody tr'), function (tr) {
        var cells = tr.children;
        if (!cells.length) { return; }
        var values = series.map(function (s) { return cells[s.index] ? number(cells[s.index]) : null; });
        rows.push({ label: cells[0].textContent.trim(), values: values });
      });
      return { series: series, rows: rows };
    },

    legend: function (data) {
      var legend = document.createElement('div');
      legend.className = 'legend';
      data.series.forEach(function (s, i) {
        var item = document.createElement('span');
        var swatch = document.createElement('i');
        swatch.style.background = COLORS[i % COLORS.length];
        item.appendChild(swatch);
        item.appendChild(document.createTextNode(s.name));
        legend.appendChild(item);
      });
      return legend;
    },

    line: function (data) {
      var width = 640, height = 260, left = 48, right = 12, top = 12, bottom = 40;
      var plotW = width - left - right, plotH = height - top - bottom;
      var max = 0;
      data.rows.forEach(function (row) {
        row.values.forEach(function (v) { if (v !== null && v > max) { max = v; } });
      });
      max = niceMax(max);
      var n = data.rows.length;
      var x = function (i) { return left + (n === 1 ? plotW / 2 : (i * plotW) / (n - 1)); };
      var y = function (v) { return top + plotH - (v / max) * plotH; };
      var svg = el('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'presentation' });
      var grid = el('g', { 'class': 'grid' });
      for (var t = 0; t <= 4; t++) {
        var value = (max * t) / 4;
        grid.appendChild(el('line', { x1: left, x2: width - right, y1: y(value), y2: y(value) }));
        svg.appendChild(el('text', { x: left - 6, y: y(value) + 4, 'text-anchor': 'end' },
                           formatNumber(value, 2)));
      }
      svg.insertBefore(grid, svg.firstChild);
      var every = Math.max(1, Math.ceil(n / 8));
      data.rows.forEach(function (row, i) {
        if (i % every === 0 || i === n - 1) {
          svg.appendChild(el('text', { x: x(i), y: height - bottom + 16, 'text-anchor': 'middle' },
                             shortLabel(row.label, 12)));
        }
      });
      svg.appendChild(el('line', { 'class': 'axis', x1: left, x2: width - right, y1: y(0), y2: y(0), stroke: '#888' }));
      data.series.forEach(function (s, k) {
        var points = [];
        data.rows.forEach(function (row, i) {
          if (row.values[k] !== null) { points.push(x(i) + ',' + y(row.values[k])); }
        });
        var color = COLORS[k % COLORS.length];
        svg.appendChild(el('polyline', { points: points.join(' '), fill: 'none', stroke: color, 'stroke-width': 2 }));
        points.forEach(function (p) {
          var xy = p.split(',');
          svg.appendChild(el('circle', { cx: xy[0], cy: xy[1], r: 2.5, fill: color }));
        });
      });
      return svg;
    },

    bar: function (data) {
      // The column to draw: its position in the row (0 is the row's label), else the first series.
      var wanted = parseInt(this.options.column, 10);
      var column = 0;
      data.series.forEach(function (s, k) { if (s.index === wanted) { column = k; } });
      var rows = data.rows.filter(function (row) { return typeof row.values[column] === 'number'; });
      var rowH = 22, left = 180, right = 48, top = 6;
      var width = 640, height = top * 2 + rows.length * rowH;
      var max = 0;
      rows.forEach(function (row) { if (row.values[column] > max) { max = row.values[column]; } });
      max = niceMax(max);
      var plotW = width - left - right;
      var svg = el('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'presentation' });
      rows.forEach(function (row, i) {
        var value = row.values[column];
        var yPos = top + i * rowH;
        svg.appendChild(el('text', { x: left - 6, y: yPos + 15, 'text-anchor': 'end' }, shortLabel(row.label, 28)));
        svg.appendChild(el('rect', { x: left, y: yPos + 3, height: rowH - 6,
                                     width: Math.max(1, (value / max) * plotW), fill: COLORS[0] }));
        svg.appendChild(el('text', { x: left + (value / max) * plotW + 4, y: yPos + 15 },
                           formatNumber(value, 1)));
      });
      return svg;
    }
  };
});
