// What one partition query costs Azurite as a table grows. Azurite's table service keeps each table in a LokiJS
// collection and answers every query with collection.chain().where(<interpreted OData filter>) — a scan of the whole
// table, whatever the PartitionKey filter (node_modules/azurite/dist/src/table/persistence/LokiTableMetadataStore.js,
// queryTableEntities). Point reads use the PartitionKey/RowKey index and stay cheap.
//
//   node tests/PrivateDomain.Benchmarks/scripts/azurite-query-cost.js [rows ...]     (default: 10000 50000 200000)
//
// It builds a relationships-like table in memory with Azurite's own query parser and interpreter, and times the
// by-customer partition range query the payroll fan-out runs for every customer.
const path = require('path');
const root = path.resolve(__dirname, '../../..');
const loki = require(path.join(root, 'node_modules/lokijs'));
const Generator = require(path.join(root, 'node_modules/azurite/dist/src/table/persistence/LokiTableStoreQueryGenerator.js')).default;

const sizes = process.argv.slice(2).map(Number).filter(n => n > 0);
for (const rows of sizes.length ? sizes : [10000, 50000, 200000]) {
  const collection = new loki('bench').addCollection('t', { indices: ['PartitionKey', 'RowKey'] });
  const pk = i => 'bench|cust|' + (i % 4096).toString(16).padStart(3, '0');
  const rk = i => 'c' + String(i).padStart(7, '0') + '|am' + String(i % 1000).padStart(5, '0') + '|wmc' + i;
  for (let i = 0; i < rows; i++) {
    collection.insert({ PartitionKey: pk(i), RowKey: rk(i), properties: { PartitionKey: pk(i), RowKey: rk(i), Status: 'Active' } });
  }

  const queries = 50;
  const started = process.hrtime.bigint();
  let found = 0;
  for (let q = 0; q < queries; q++) {
    const i = (q * 7919) % rows;
    const from = 'c' + String(i).padStart(7, '0') + '|';
    const where = Generator.generateQueryEntityWhereFunction(`(PartitionKey eq '${pk(i)}') and ((RowKey ge '${from}') and (RowKey lt '${from.slice(0, -1)}}'))`);
    found += collection.chain().where(where).simplesort('RowKey').limit(1001).data().length;
  }

  const ms = Number(process.hrtime.bigint() - started) / 1e6 / queries;
  console.log(`${rows.toLocaleString('en')} rows: ${ms.toFixed(1)} ms per partition query (${found}/${queries} found)`);
}
