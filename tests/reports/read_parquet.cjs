// Print the rows of a parquet file as JSON, using the parquet-wasm and apache-arrow copies
// that Evidence installs (the Python environment has no parquet reader).
// Usage: node read_parquet.cjs <reports dir> <file.parquet>
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const [reportsDir, file] = process.argv.slice(2);
const requireFromReports = createRequire(path.resolve(reportsDir, 'package.json'));
const parquet = requireFromReports('parquet-wasm/node/arrow1.js');
const arrow = requireFromReports('apache-arrow');

const table = arrow.tableFromIPC(
	parquet.readParquet(new Uint8Array(fs.readFileSync(file))).intoIPCStream()
);
const rows = table.toArray().map((row) => row.toJSON());
process.stdout.write(
	JSON.stringify(rows, (_key, value) => (typeof value === 'bigint' ? Number(value) : value))
);
