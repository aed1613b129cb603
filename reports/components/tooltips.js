// Chart tooltips that escape what they show.
//
// ECharts draws tooltips as HTML, and Evidence 39's default tooltip formatters insert the
// category labels and series names unescaped. Our labels are YouTube titles: anyone's text,
// `<script>` included. Every chart that shows a title, a channel name or a region name
// passes one of these formatters through `echartsOptions={{ tooltip: { formatter } }}`,
// which replaces Evidence's. Numbers are shown exactly (1,234,567).

import { exact } from './formats.js';

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** @param {unknown} value */
export function escapeHtml(value) {
	return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

const line = (label, value, marker = '') =>
	`${marker}${escapeHtml(label)}<span style="float:right;margin-left:12px;font-weight:600">` +
	`${escapeHtml(value)}</span>`;

/**
 * A formatter for axis-triggered charts (bar, line): a heading for the hovered category or
 * date, then one line per series with its exact value.
 *
 * @param {object} [options]
 * @param {boolean} [options.swapXY] the chart has swapXY (values come as [y, x])
 * @param {(x: unknown) => string} [options.heading] heading text for the axis value
 * @param {(x: unknown) => [string, string][] | null} [options.details] extra
 *   [label, value] lines for the axis value (e.g. a video's likes), shown after the series
 * @param {(y: unknown) => string} [options.value] how series values are shown
 */
export function axisTooltip({ swapXY = false, heading, details, value = exact } = {}) {
	return (params) => {
		const items = (Array.isArray(params) ? params : [params]).filter(
			(item) => item && item.seriesName !== 'stackTotal' && Array.isArray(item.value)
		);
		if (items.length === 0) return '';
		const x = items[0].value[swapXY ? 1 : 0];
		const title = heading ? heading(x) : String(x ?? '');
		const lines = [`<div style="font-weight:600;max-width:28em;white-space:normal">${escapeHtml(title)}</div>`];
		for (const item of items) {
			const y = item.value[swapXY ? 0 : 1];
			lines.push(line(item.seriesName, value(y), item.marker ?? ''));
		}
		for (const [label, text] of (details && details(x)) || []) {
			lines.push(line(label, text));
		}
		return lines.join('<br/>');
	};
}

/**
 * A formatter for item-triggered charts whose items are [x, y, value] (the heatmap).
 *
 * @param {object} [options]
 * @param {(x: unknown) => string} [options.x] text for x
 * @param {(y: unknown) => string} [options.y] text for y
 * @param {string} [options.label] what the value is
 */
export function cellTooltip({ x = String, y = String, label = 'Value' } = {}) {
	return (params) => {
		const [px, py, pv] = params.value ?? [];
		return [
			`<div style="font-weight:600">${escapeHtml(y(py))}</div>`,
			escapeHtml(x(px)),
			line(label, exact(pv))
		].join('<br/>');
	};
}

/**
 * Look rows up by a key column, for tooltips that show more than the chart plots.
 *
 * @param {Iterable<Record<string, unknown>> | null | undefined} rows
 * @param {string} key
 */
export function indexBy(rows, key) {
	const index = new Map();
	for (const row of rows ?? []) index.set(row[key], row);
	return index;
}
