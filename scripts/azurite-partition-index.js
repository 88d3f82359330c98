#!/usr/bin/env node
// Lets Azurite answer a table query that names one partition from its PartitionKey index, as a Storage account does.
//
// Azurite 3.37.0 answers every table query by running the whole table through its filter
// (LokiTableMetadataStore.queryTableEntities: collection.chain().where(filter)), although the collection keeps a binary
// index on PartitionKey. So a partition query costs time in proportion to the table, and a run's time grows with the
// square of its rows (docs/PERFORMANCE.md, "why the emulator makes it take hours"). This patch narrows the scan to the
// partition first, through that index (chain().find({ PartitionKey }) — LokiJS uses the index for the first find of a
// chain), when the filter is a conjunction with exactly one `PartitionKey eq '…'`: every match of such a filter is in
// that partition, and the whole filter, the continuation and the sort still apply as before, so the results are the
// same. Any other filter (an `or`, a `not`, a range of partitions, none) is scanned as before.
//
// Run by ./pd after npm ci (idempotent). It patches only the exact Azurite version and source it was written against,
// and says so and changes nothing otherwise.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const pkg = path.join(root, "node_modules", "azurite", "package.json");
const store = path.join(root, "node_modules", "azurite", "dist", "src", "table", "persistence", "LokiTableMetadataStore.js");
const marker = "/* privatedomain: partition index */";
const expectedVersion = "3.37.0";
const original = `        const result = tableEntityCollection
            .chain()
            .where(queryWhere)`;
const patched = `        const result = tableEntityCollection
            .chain()
            .find(${marker} privateDomainPartitionOf(queryOptions))
            .where(queryWhere)`;

// The partition a filter confines its matches to: { PartitionKey } for a conjunction naming exactly one, else {} (no
// narrowing). String literals are set aside first, so words inside them are not read as operators.
const helper = `
${marker}
function privateDomainPartitionOf(queryOptions) {
    const filter = queryOptions && queryOptions.filter;
    if (typeof filter !== "string") {
        return {};
    }
    const literals = [];
    const bare = filter.replace(/'(?:[^']|'')*'/g, (literal) => "'" + (literals.push(literal) - 1) + "'");
    if (/\\b(or|not)\\b/i.test(bare)) {
        return {};
    }
    const named = [...bare.matchAll(/(?:^|[\\s(])PartitionKey\\s+eq\\s+'(\\d+)'/gi)];
    if (named.length !== 1 || /PartitionKey\\s+(ne|gt|ge|lt|le)\\b/i.test(bare)) {
        return {};
    }
    const literal = literals[Number(named[0][1])];
    return { PartitionKey: literal.slice(1, -1).replace(/''/g, "'") };
}
`;

function main() {
  if (!fs.existsSync(pkg) || !fs.existsSync(store)) {
    console.error("azurite-partition-index: Azurite is not installed (npm ci first); nothing patched");
    return;
  }
  const version = JSON.parse(fs.readFileSync(pkg, "utf8")).version;
  let source = fs.readFileSync(store, "utf8");
  if (source.includes(marker)) {
    return; // patched already
  }
  if (version !== expectedVersion || !source.includes(original)) {
    console.error(`azurite-partition-index: Azurite ${version} is not the ${expectedVersion} this patch was written for; left as it is (partition queries scan the table)`);
    return;
  }
  source = source.replace(original, patched) + helper;
  fs.writeFileSync(store, source);
}

main();
