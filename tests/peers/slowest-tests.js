'use strict';
// Prints the slowest tests of the TRX files under a folder: node slowest-tests.js DIR [N]
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
const n = Number(process.argv[3] || 10);
const files = [];
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.trx')) files.push(p);
  }
})(dir);

const seconds = (d) => d.split(':').reduce((t, part) => t * 60 + Number(part), 0);
const results = [];
for (const f of files) {
  const xml = fs.readFileSync(f, 'utf8');
  for (const m of xml.matchAll(/<UnitTestResult [^>]*testName="([^"]*)"[^>]*duration="([0-9:.]+)"[^>]*outcome="(\w+)"/g)) {
    results.push({ name: m[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'), s: seconds(m[2]), outcome: m[3] });
  }
}

results.sort((a, b) => b.s - a.s);
const total = results.reduce((t, r) => t + r.s, 0);
console.log(`pd: slowest ${Math.min(n, results.length)} of ${results.length} tests (sum of all test durations ${total.toFixed(0)} s):`);
for (const r of results.slice(0, n)) {
  console.log(`  ${r.s.toFixed(1).padStart(7)} s  ${r.outcome === 'Passed' ? '' : r.outcome + '  '}${r.name.length > 150 ? r.name.slice(0, 147) + '...' : r.name}`);
}
