// Number and date formats shared by the pages: Excel-style codes for Evidence's `fmt` props,
// and the same formats as functions for text the pages build themselves (labels, tooltips).

// Counts (never negative): 1.2B, 1.2M, else the exact count with separators (98,765).
export const compact = '[>=999950000]#,##0.0,,,"B";[>=999950]#,##0.0,,"M";#,##0';
// Gains, which can be negative (a deleted video takes its views away): 1.2M, 98,765, -12.
// (In a conditional format's last section SSF drops the minus sign: negatives get their own.)
export const gain = '[>=999950]#,##0.0,,"M";[<0]-#,##0;#,##0';
// The size of a change next to its arrow (BigValue comparisons draw ▲/▼): 1.2M, 98,765.
export const change = '[>=999950]#,##0.0,,"M";[<=-999950]#,##0.0,,"M";#,##0';
export const count = '#,##0';
export const day = 'mmm d, yyyy';
export const month = 'mmm yyyy';
export const rate = '0.00%';

const exactNumber = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const oneDecimal = new Intl.NumberFormat('en-US', {
	minimumFractionDigits: 1,
	maximumFractionDigits: 1
});

const missing = (value) =>
	value === null || value === undefined || value === '' || Number.isNaN(Number(value));

/** 1,234,567.5 (a dash when unknown). */
export function exact(value) {
	return missing(value) ? '–' : exactNumber.format(Number(value));
}

/** Like `compact`: 1.2B, 1.2M, else 98,765 (a dash when unknown). */
export function compactNumber(value) {
	if (missing(value)) return '–';
	const number = Number(value);
	if (number >= 999_950_000) return `${oneDecimal.format(number / 1e9)}B`;
	if (number >= 999_950) return `${oneDecimal.format(number / 1e6)}M`;
	return exactNumber.format(Math.round(number));
}

const asDate = (value) => (value instanceof Date ? value : new Date(value));

/** Nov 2, 2026 (UTC; a dash when unknown). */
export function shortDate(value) {
	if (value === null || value === undefined || value === '') return '–';
	const date = asDate(value);
	if (Number.isNaN(date.getTime())) return String(value);
	return date.toLocaleDateString('en-US', {
		month: 'short',
		day: 'numeric',
		year: 'numeric',
		timeZone: 'UTC'
	});
}

/** Nov 2, 2026, 13:00 UTC. */
export function shortDateTime(value) {
	if (value === null || value === undefined || value === '') return '–';
	const date = asDate(value);
	if (Number.isNaN(date.getTime())) return String(value);
	const time = date.toISOString().slice(11, 16);
	return `${shortDate(date)}, ${time} UTC`;
}

/** November 2026. */
export function monthLabel(value) {
	const date = asDate(value);
	if (Number.isNaN(date.getTime())) return String(value);
	return date.toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** Nov 2 (the day in UTC, as the marts count days). */
export function monthDay(value) {
	const date = asDate(value);
	if (Number.isNaN(date.getTime())) return String(value);
	return date.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

// ECharts options for a time axis of daily values: ticks on whole days, never on hours,
// labelled with the date (Nov 2), not ECharts' bare day of the month.
export const dailyAxis = {
	minInterval: 24 * 3600 * 1000,
	axisLabel: { formatter: monthDay, hideOverlap: true }
};
