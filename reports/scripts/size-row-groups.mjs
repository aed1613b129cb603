// Rewrites each parquet file `evidence sources` extracted, in row groups small enough that a
// page looking up one video, playlist or channel fetches only a little of it.
//
//     node scripts/size-row-groups.mjs <data folder>      (flows/reports.py runs it)
//
// Why: the browser's DuckDB-Wasm reads a page's parquet files by HTTP byte ranges: the footer,
// then, for each row group whose min/max statistics may hold the id the page filters on, the
// column chunks it needs. Evidence writes every file with DuckDB's default of 122,880 rows per
// group, so a table of 100,000 videos is one group and a video page fetches all of it. The
// source queries sort each file by the key the entity pages filter on (videos by video_id,
// video_daily_stats by video_id and day...), so with smaller groups a lookup skips almost
// every group.
//
// How small: a lookup fetches the footer (whose size grows with the number of groups: about
// COLUMN_CHUNK_META bytes per column per group) and about one group. The sum is smallest when
// the two weigh the same, at rows * sqrt(columns * COLUMN_CHUNK_META / file bytes) rows per
// group, rounded up to DuckDB's vector size (2,048 rows). A file smaller than one such group
// is left as Evidence wrote it. The rows, their order, their columns and their types are
// unchanged: the file is read and written by the same DuckDB-Wasm Evidence wrote it with.

import fs from 'node:fs/promises';
import path from 'node:path';
import { initDB, query } from '@evidence-dev/universal-sql/client-duckdb';

// Footer bytes per column chunk (path, offsets, encodings, min/max statistics): measured on
// these files' footers, 90-140 bytes.
const COLUMN_CHUNK_META = 120;
const VECTOR_SIZE = 2048;
const DUCKDB_DEFAULT_ROWS = 122880;

/** Rows per group that balance the footer against one group's bytes, in whole vectors. */
export function rowsPerGroup(rows, columns, bytes) {
	const balanced = rows * Math.sqrt((columns * COLUMN_CHUNK_META) / Math.max(bytes, 1));
	const vectors = Math.max(1, Math.ceil(balanced / VECTOR_SIZE));
	return Math.min(vectors * VECTOR_SIZE, DUCKDB_DEFAULT_ROWS);
}

async function* parquetFiles(folder) {
	for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
		const full = path.join(folder, entry.name);
		if (entry.isDirectory()) yield* parquetFiles(full);
		else if (entry.name.endsWith('.parquet')) yield full;
	}
}

const quoted = (file) => `'${file.replaceAll('\\', '/').replaceAll("'", "''")}'`;

async function resize(file) {
	const { size } = await fs.stat(file);
	const [{ rows }] = query(`select count(*)::double as rows from read_parquet(${quoted(file)})`);
	const columns = query(`describe select * from read_parquet(${quoted(file)})`).length;
	const groupRows = rowsPerGroup(rows, columns, size);
	const name = path.basename(file);
	if (rows <= groupRows) {
		console.log(`${name}: ${rows} rows, one group, kept`);
		return;
	}
	const rewritten = `${file}.resized`;
	// The writer closes a group once it holds more than row_group_size rows: ask for one less.
	query(
		`copy (select * from read_parquet(${quoted(file)})) to ${quoted(rewritten)} ` +
			`(format 'parquet', codec 'zstd', row_group_size ${groupRows - 1})`
	);
	await fs.chmod(rewritten, 0o644);
	await fs.rename(rewritten, file);
	const [{ groups }] = query(
		`select count(distinct row_group_id)::double as groups from parquet_metadata(${quoted(file)})`
	);
	console.log(`${name}: ${rows} rows, ${groups} groups of up to ${groupRows} rows`);
}

async function main() {
	const folder = process.argv[2];
	if (!folder) {
		console.error('usage: node scripts/size-row-groups.mjs <folder of parquet files>');
		process.exit(2);
	}
	await initDB();
	for await (const file of parquetFiles(folder)) await resize(file);
	console.log('Done!');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
