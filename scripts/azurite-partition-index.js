#!/usr/bin/env node
// Lets Azurite find a table's rows by their keys the way a Storage account does: a point operation by
// (PartitionKey, RowKey) and a query that names one partition cost time in proportion to what they touch, not to the
// table.
//
// Azurite 3.37.0 keeps each table in a LokiJS collection with two sorted ("binary") indices, on PartitionKey and on
// RowKey. LokiJS keeps them up to date on every write at a cost linear in the table: an update scans each index for the
// row's old position (adaptiveBinaryIndexUpdate: "linear scan needed to find old position within index"), a delete
// shifts every position after it, and Azurite writes a replace as a delete and an insert. And a table query runs the
// whole table through its filter (queryTableEntities: collection.chain().where(filter)). So a run's time grows with the
// square of its rows (docs/PERFORMANCE.md, "why the emulator makes it take hours"). This patch:
//   1. drops the two sorted indices and keeps instead, beside each table's collection, a map from partition to a map
//      from row key to row, updated by the collection's insert, update and remove in constant time;
//   2. answers findOne({ PartitionKey, RowKey }) — every point read, insert check, replace, merge, delete and batch
//      rollback in Azurite — from that map;
//   3. writes a replace in place (LokiJS update) instead of a delete and an insert;
//   4. starts a query whose filter is a conjunction naming exactly one `PartitionKey eq '…'` from that partition's rows:
//      every match of such a filter is in that partition, and the whole filter, the continuation and the sort still
//      apply as before, so the results are the same. Any other filter (an `or`, a `not`, a range of partitions, none)
//      is scanned as before.
//
// Run by ./pd after npm ci (./pd runs npm ci again when this file is newer than node_modules, so a changed patch is
// applied to a pristine Azurite). It patches only the exact Azurite version and source it was written against, all or
// nothing, and says so and changes nothing otherwise.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const pkg = path.join(root, "node_modules", "azurite", "package.json");
const store = path.join(root, "node_modules", "azurite", "dist", "src", "table", "persistence", "LokiTableMetadataStore.js");
const marker = "/* privatedomain: keyed index v2 */";
const expectedVersion = "3.37.0";

// Each hunk: the exact source it replaces (it must occur exactly once) and what replaces it.
const hunks = [
  {
    what: "a new table's collection keeps no sorted indices",
    original: `            indices: ["PartitionKey", "RowKey"]`,
    patched: `            indices: [] ${marker}`,
  },
  {
    what: "every entity operation goes through the keyed collection",
    original: `                throw StorageErrorFactory_1.default.getTableNotExist(context);
            }
        }
        return tableEntityCollection;`,
    patched: `                throw StorageErrorFactory_1.default.getTableNotExist(context);
            }
        }
        return privateDomainKeyed(tableEntityCollection);`,
  },
  {
    what: "a failed batch rolls back through the keyed collection",
    original: `                this.rollbackEntityChanges(tableBatchCollection);`,
    patched: `                this.rollbackEntityChanges(privateDomainKeyed(tableBatchCollection));`,
  },
  {
    what: "a replace is written in place",
    original: `            tableEntityCollection.remove(doc);
            entity.properties.Timestamp = entity.lastModifiedTime;
            entity.properties["Timestamp@odata.type"] = "Edm.DateTime";
            tableEntityCollection.insert(entity);
            return entity;`,
    patched: `            entity.properties.Timestamp = entity.lastModifiedTime;
            entity.properties["Timestamp@odata.type"] = "Edm.DateTime";
            privateDomainReplace(tableEntityCollection, doc, entity);
            return entity;`,
  },
  {
    what: "a one-partition query starts from its partition",
    original: `        const result = tableEntityCollection
            .chain()
            .where(queryWhere)`,
    patched: `        const result = privateDomainChain(tableEntityCollection, queryOptions)
            .where(queryWhere)`,
  },
];

const helpers = `
${marker}
// The keyed index: collection.privateDomainRows maps PartitionKey to a Map from RowKey to the stored row. It is built
// from the rows on first use (a table loaded from disk) and kept by the collection's own insert, update and remove,
// which this wraps. A collection that clones its objects is left as it is (it would store copies, not the rows mapped).
function privateDomainKeyed(collection) {
    if (!collection || collection.privateDomainRows || collection.cloneObjects) {
        return collection;
    }
    const partitions = new Map();
    const put = (row) => {
        let rows = partitions.get(row.PartitionKey);
        if (!rows) {
            rows = new Map();
            partitions.set(row.PartitionKey, rows);
        }
        rows.set(row.RowKey, row);
    };
    const drop = (partitionKey, rowKey, row) => {
        const rows = partitions.get(partitionKey);
        if (rows && rows.get(rowKey) === row) {
            rows.delete(rowKey);
            if (rows.size === 0) {
                partitions.delete(partitionKey);
            }
        }
    };
    for (const row of collection.data) {
        put(row);
    }
    // The map replaces LokiJS's sorted indices (a table created before this patch, loaded from disk, still has them).
    collection.binaryIndices = {};
    const prototype = Object.getPrototypeOf(collection);
    const hidden = (name, value) => Object.defineProperty(collection, name, { value, enumerable: false, configurable: true, writable: true });
    hidden("privateDomainRows", partitions);
    hidden("insert", function (doc) {
        const stored = prototype.insert.apply(this, arguments);
        if (stored) {
            (Array.isArray(stored) ? stored : [stored]).forEach(put);
        }
        return stored;
    });
    hidden("update", function (doc) {
        prototype.update.apply(this, arguments);
        (Array.isArray(doc) ? doc : [doc]).forEach(put);
    });
    hidden("remove", function (doc) {
        const keys = (Array.isArray(doc) ? doc : [doc]).filter((row) => row && typeof row === "object").map((row) => [row.PartitionKey, row.RowKey]);
        const removed = prototype.remove.apply(this, arguments);
        // The row mapped under each key is dropped once LokiJS no longer holds it (a failed remove leaves it; LokiJS
        // removes by id, so the row it removed may be another object than the one passed).
        keys.forEach(([partitionKey, rowKey]) => {
            const rows = partitions.get(partitionKey);
            const mapped = rows && rows.get(rowKey);
            if (mapped && (mapped.$loki === undefined || this.get(mapped.$loki) !== mapped)) {
                drop(partitionKey, rowKey, mapped);
            }
        });
        return removed;
    });
    hidden("findOne", function (query) {
        if (query && typeof query.PartitionKey === "string" && typeof query.RowKey === "string" && Object.keys(query).length === 2) {
            const rows = partitions.get(query.PartitionKey);
            return (rows && rows.get(query.RowKey)) || null;
        }
        return prototype.findOne.apply(this, arguments);
    });
    return collection;
}

// Replaces a stored row by the new entity in place: same LokiJS id and position, new object.
function privateDomainReplace(collection, stored, entity) {
    entity.$loki = stored.$loki;
    if (stored.meta) {
        entity.meta = Object.assign({}, stored.meta);
    }
    collection.update(entity);
}

// The chain a query starts from: the named partition's rows when the filter confines its matches to one partition, else
// the whole table.
function privateDomainChain(collection, queryOptions) {
    const chain = collection.chain();
    const partition = privateDomainPartitionOf(queryOptions);
    if (partition === undefined || !collection.privateDomainRows) {
        return chain;
    }
    const positions = [];
    const rows = collection.privateDomainRows.get(partition);
    if (rows) {
        for (const row of rows.values()) {
            const found = collection.get(row.$loki, true);
            if (found) {
                positions.push(found[1]);
            }
        }
    }
    chain.filteredrows = positions;
    chain.filterInitialized = true;
    return chain;
}

// The partition a filter confines its matches to: its key for a conjunction naming exactly one, else undefined (no
// narrowing). String literals are set aside first, so words inside them are not read as operators.
function privateDomainPartitionOf(queryOptions) {
    const filter = queryOptions && queryOptions.filter;
    if (typeof filter !== "string") {
        return undefined;
    }
    const literals = [];
    const bare = filter.replace(/'(?:[^']|'')*'/g, (literal) => "'" + (literals.push(literal) - 1) + "'");
    if (/\\b(or|not)\\b/i.test(bare)) {
        return undefined;
    }
    const named = [...bare.matchAll(/(?:^|[\\s(])PartitionKey\\s+eq\\s+'(\\d+)'/gi)];
    if (named.length !== 1 || /PartitionKey\\s+(ne|gt|ge|lt|le)\\b/i.test(bare)) {
        return undefined;
    }
    const literal = literals[Number(named[0][1])];
    return literal.slice(1, -1).replace(/''/g, "'");
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
  const unmatched = hunks.filter((hunk) => source.split(hunk.original).length !== 2);
  if (version !== expectedVersion || unmatched.length > 0) {
    const why = version !== expectedVersion ? `Azurite ${version} is not the ${expectedVersion} this patch was written for` : `its source differs (${unmatched.map((hunk) => hunk.what).join("; ")})`;
    console.error(`azurite-partition-index: ${why}; left as it is (Azurite's writes and queries cost time in proportion to the table)`);
    return;
  }
  for (const hunk of hunks) {
    source = source.replace(hunk.original, () => hunk.patched);
  }
  fs.writeFileSync(store, source + helpers);
}

main();
