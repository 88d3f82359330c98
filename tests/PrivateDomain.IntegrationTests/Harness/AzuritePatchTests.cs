using System.Net;
using Azure;
using Azure.Data.Tables;

namespace PrivateDomain.IntegrationTests.Harness;

/// <summary>
/// The tests' Azurite runs with the repository's patch (scripts/azurite-partition-index.js): rows found by their keys
/// through a map beside each table, replaces written in place, one-partition queries started from the partition. These
/// check that Table Storage's answers are unchanged by it where the patch works: point operations and their
/// preconditions, a failed transaction's rollback, and queries narrowed or not.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuritePatchTests(AzuriteFixture fixture)
{
    private TableClient Table(string name)
    {
        var table = new TableServiceClient(fixture.Azurite.ConnectionString()).GetTableClient(name);
        table.CreateIfNotExists();
        return table;
    }

    private static async Task<List<(string Row, string? Value)>> PartitionAsync(TableClient table, string partition, int? pageSize = null)
    {
        var rows = new List<(string, string?)>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), maxPerPage: pageSize))
        {
            rows.Add((e.RowKey, e.GetString("Value")));
        }

        return rows;
    }

    [Fact]
    public void The_Azurite_the_tests_run_is_the_patched_one()
    {
        var store = RepoRoot.Combine("node_modules", "azurite", "dist", "src", "table", "persistence", "LokiTableMetadataStore.js");
        Assert.Contains("/* privatedomain: keyed index v2 */", File.ReadAllText(store), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Point_operations_keep_their_answers_and_preconditions()
    {
        var table = Table("PatchPoint");
        await table.AddEntityAsync(new TableEntity("p", "a") { ["Value"] = "1" });
        var duplicate = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", "a") { ["Value"] = "x" }));
        Assert.Equal((int)HttpStatusCode.Conflict, duplicate.Status);

        var first = (await table.GetEntityAsync<TableEntity>("p", "a")).Value;
        await table.UpdateEntityAsync(new TableEntity("p", "a") { ["Value"] = "2" }, first.ETag, TableUpdateMode.Replace);
        var stale = await Assert.ThrowsAsync<RequestFailedException>(() =>
            table.UpdateEntityAsync(new TableEntity("p", "a") { ["Value"] = "3" }, first.ETag, TableUpdateMode.Replace));
        Assert.Equal((int)HttpStatusCode.PreconditionFailed, stale.Status);

        await table.UpdateEntityAsync(new TableEntity("p", "a") { ["Other"] = "kept" }, ETag.All, TableUpdateMode.Merge);
        var merged = (await table.GetEntityAsync<TableEntity>("p", "a")).Value;
        Assert.Equal(("2", "kept"), (merged.GetString("Value"), merged.GetString("Other")));

        await table.UpsertEntityAsync(new TableEntity("p", "b") { ["Value"] = "b1" }, TableUpdateMode.Replace);
        await table.UpsertEntityAsync(new TableEntity("p", "b") { ["Value"] = "b2" }, TableUpdateMode.Replace);
        Assert.Equal([("a", "2"), ("b", "b2")], await PartitionAsync(table, "p"));

        await table.DeleteEntityAsync("p", "a", merged.ETag);
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>("p", "a")).HasValue);
        Assert.Equal((int)HttpStatusCode.NotFound, (await table.DeleteEntityAsync("p", "a", ETag.All)).Status); // the SDK answers a 404, not throws

        await table.AddEntityAsync(new TableEntity("p", "a") { ["Value"] = "again" });
        Assert.Equal([("a", "again"), ("b", "b2")], await PartitionAsync(table, "p"));
    }

    [Fact]
    public async Task A_failed_transaction_leaves_every_row_as_it_was()
    {
        var table = Table("PatchRollback");
        await table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "a") { ["Value"] = "a1" }),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "b") { ["Value"] = "b1" }),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "d") { ["Value"] = "d1" }),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "e") { ["Value"] = "e1" }),
        ]);

        // A replace, a merge, a delete and an insert, then an insert of a row that exists: the whole transaction fails.
        var failed = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "a") { ["Value"] = "a2" }),
            new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity("p", "b") { ["Value"] = "b2" }),
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("p", "d")),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "c") { ["Value"] = "c1" }),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "e") { ["Value"] = "e2" }),
        ]));
        Assert.Equal((int)HttpStatusCode.Conflict, failed.Status);

        Assert.Equal([("a", "a1"), ("b", "b1"), ("d", "d1"), ("e", "e1")], await PartitionAsync(table, "p"));
        Assert.Equal("a1", (await table.GetEntityAsync<TableEntity>("p", "a")).Value.GetString("Value"));
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>("p", "c")).HasValue);

        // The rows rolled back are whole rows again: a later replace and delete find them.
        await table.UpdateEntityAsync(new TableEntity("p", "a") { ["Value"] = "a3" }, ETag.All, TableUpdateMode.Replace);
        await table.DeleteEntityAsync("p", "d", ETag.All);
        Assert.Equal([("a", "a3"), ("b", "b1"), ("e", "e1")], await PartitionAsync(table, "p"));
    }

    [Fact]
    public async Task Rows_kept_on_disk_are_found_by_their_keys_after_a_restart()
    {
        // ./pd run keeps Azurite's data on disk: a table loaded at start has no key map yet; it is built from the loaded
        // rows on first use, and every operation must answer as before.
        var location = Directory.CreateTempSubdirectory("pd-azurite-").FullName;
        try
        {
            var file = System.IO.Path.Combine(location, "__azurite_db_table__.json");
            await using (var first = await AzuriteProcess.StartAsync(location: location))
            {
                var table = new TableServiceClient(first.ConnectionString()).GetTableClient("PatchDisk");
                await table.CreateIfNotExistsAsync();
                for (var n = 0; n < 5; n++)
                {
                    await table.AddEntityAsync(new TableEntity("p", $"r{n}") { ["Value"] = $"v{n}" });
                }

                await table.UpdateEntityAsync(new TableEntity("p", "r1") { ["Value"] = "replaced" }, ETag.All, TableUpdateMode.Replace);
                // Azurite saves every 5 seconds: wait until the file holds the replace, then stop it the hard way.
                await Eventually.TrueAsync(() => Task.FromResult(File.Exists(file) && File.ReadAllText(file).Contains("replaced", StringComparison.Ordinal)),
                    "Azurite saved the table", TimeSpan.FromSeconds(60));
            }

            await using var second = await AzuriteProcess.StartAsync(location: location);
            var reloaded = new TableServiceClient(second.ConnectionString()).GetTableClient("PatchDisk");
            Assert.Equal("replaced", (await reloaded.GetEntityAsync<TableEntity>("p", "r1")).Value.GetString("Value"));
            var duplicate = await Assert.ThrowsAsync<RequestFailedException>(() => reloaded.AddEntityAsync(new TableEntity("p", "r2")));
            Assert.Equal((int)HttpStatusCode.Conflict, duplicate.Status);
            await reloaded.UpdateEntityAsync(new TableEntity("p", "r3") { ["Value"] = "merged" }, ETag.All, TableUpdateMode.Merge);
            await reloaded.DeleteEntityAsync("p", "r0", ETag.All);
            await reloaded.AddEntityAsync(new TableEntity("p", "r5") { ["Value"] = "v5" });
            Assert.Equal([("r1", "replaced"), ("r2", "v2"), ("r3", "merged"), ("r4", "v4"), ("r5", "v5")], await PartitionAsync(reloaded, "p"));
        }
        finally
        {
            Directory.Delete(location, recursive: true);
        }
    }

    [Fact]
    public async Task Queries_narrowed_to_a_partition_or_not_find_the_same_rows_in_key_order_across_pages()
    {
        var table = Table("PatchQuery");
        // Partition keys that look like operators or quotes inside their literals, and neighbours of each other.
        string[] partitions = ["p", "p or q", "o'brien", "p|1", "q"];
        foreach (var (partition, p) in partitions.Select((partition, p) => (partition, p)))
        {
            // Written out of key order, and some replaced, so neither insertion order nor position gives the answer.
            for (var n = 11; n >= 0; n--)
            {
                var row = $"r{n:D2}";
                await table.UpsertEntityAsync(new TableEntity(partition, row) { ["N"] = n, ["Value"] = "old" }, TableUpdateMode.Replace);
            }

            for (var n = 0; n < 12; n += 3)
            {
                await table.UpsertEntityAsync(new TableEntity(partition, $"r{n:D2}") { ["N"] = n + (p * 100), ["Value"] = "new" }, TableUpdateMode.Replace);
            }

            for (var n = 1; n < 12; n += 3)
            {
                await table.UpdateEntityAsync(new TableEntity(partition, $"r{n:D2}") { ["N"] = n + (p * 100) }, ETag.All, TableUpdateMode.Merge);
            }
        }

        // Rows r00, r03, … were replaced (Value "new", N = n + 100 p); r01, r04, … merged (Value still "old", N = n + 100 p);
        // r02, r05, … written once (Value "old", N = n).
        var all = partitions.Select((partition, p) => (partition, p))
            .SelectMany(x => Enumerable.Range(0, 12).Select(n =>
                (Partition: x.partition, Row: $"r{n:D2}", N: n % 3 == 2 ? n : n + (x.p * 100), Value: n % 3 == 0 ? "new" : "old")))
            .OrderBy(x => x.Partition, StringComparer.Ordinal).ThenBy(x => x.Row, StringComparer.Ordinal).ToList();

        async Task<List<(string, string, int, string)>> QueryAsync(string filter) =>
            await table.QueryAsync<TableEntity>(filter, maxPerPage: 5)
                .Select(e => (e.PartitionKey, e.RowKey, e.GetInt32("N")!.Value, e.GetString("Value"))).ToListAsync();

        foreach (var partition in partitions)
        {
            Assert.Equal(all.Where(x => x.Partition == partition).ToList(),
                await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partition}")));
            Assert.Equal(all.Where(x => x.Partition == partition && string.CompareOrdinal(x.Row, "r03") >= 0 && x.Value == "old").ToList(),
                await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"r03"} and Value eq {"old"}")));
        }

        Assert.Equal(all.Where(x => x.Partition is "p" or "q").ToList(),
            await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {"p"} or PartitionKey eq {"q"}")));
        Assert.Equal(all.Where(x => string.CompareOrdinal(x.Partition, "p") >= 0 && string.CompareOrdinal(x.Partition, "p|") < 0).ToList(),
            await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey ge {"p"} and PartitionKey lt {"p|"}")));
        Assert.Equal(all.Where(x => x.Partition == "p or q" && x.N < 5).ToList(),
            await QueryAsync(TableClient.CreateQueryFilter($"(PartitionKey eq {"p or q"}) and (N lt {5})")));
        Assert.Empty(await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {"p"} and PartitionKey eq {"q"}")));
        Assert.Equal(all.Where(x => x.Row == "r04").ToList(), await QueryAsync(TableClient.CreateQueryFilter($"RowKey eq {"r04"}")));
    }
}
