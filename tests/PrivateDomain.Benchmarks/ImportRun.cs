using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Storage;

namespace PrivateDomain.Benchmarks;

/// <summary>
/// Bulk-import benchmark (./pd bench-import): N generated customers through <see cref="CustomerBulkImport"/> into a fresh
/// in-memory Azurite, against raw Azure.Data.Tables batch inserts of exactly the same rows into twin tables, interleaved
/// chunk by chunk in the same run so both see the same Azurite state. Prints customers/s and the ratio (target ≥ 0.7).
/// </summary>
public static class ImportRun
{
    /// <summary>Runs it: <c>--customers N</c> (default 1,000,000), <c>--chunk N</c> (default 50,000), <c>--reset-every N</c>
    /// (default 0 = never: empty all four tables after every N customers, between chunks and outside the clocks), <c>--two-emulators</c>
    /// (the raw baseline writes to a second Azurite process at the same time as the import, halving the wall time), <c>--json</c>.</summary>
    /// <remarks>Azurite keeps every table in one Node.js process's memory and slows as a table grows (its table
    /// service scans); 1,000,000 customers are 7.3 million rows per side, beyond its heap. <c>--reset-every</c> lets
    /// a million customers go through both paths on the emulator; both sides are emptied at the same point, so the
    /// ratio still compares like with like.</remarks>
    public static async Task<int> MainAsync(string[] args)
    {
        var customers = Option(args, "--customers", 1_000_000);
        var chunk = Option(args, "--chunk", 50_000);
        var resetEvery = Option(args, "--reset-every", 0);
        var json = args.Contains("--json");
        var twoEmulators = args.Contains("--two-emulators");
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var rawAzurite = twoEmulators ? await AzuriteProcess.StartAsync() : null;
        var clients = new StorageClients(Options.Create(new StorageOptions { ConnectionString = azurite.ConnectionString(), NetworkTimeout = TimeSpan.FromSeconds(60) }));
        var rawClients = rawAzurite is null ? clients
            : new StorageClients(Options.Create(new StorageOptions { ConnectionString = rawAzurite.ConnectionString(), NetworkTimeout = TimeSpan.FromSeconds(60) }));
        var import = new CustomerBulkImport(clients) { BufferSize = chunk };
        var rawProfiles = await rawClients.TableAsync("RawCustomers", CancellationToken.None);
        var rawIndex = await rawClients.TableAsync("RawCustomerIndex", CancellationToken.None);
        TableClient[] all =
        [
            await clients.TableAsync(TableCustomerStore.CustomersTable, CancellationToken.None),
            await clients.TableAsync(TableCustomerStore.IndexTable, CancellationToken.None),
            rawProfiles,
            rawIndex,
        ];

        var importTime = TimeSpan.Zero;
        var rawTime = TimeSpan.Zero;
        long importRows = 0, rawRows = 0;
        var total = Stopwatch.StartNew();
        for (var start = 0; start < customers; start += chunk)
        {
            if (resetEvery > 0 && start > 0 && start % resetEvery == 0)
            {
                foreach (var table in all)
                {
                    await table.DeleteAsync();
                    await table.CreateAsync();
                }

                Console.Error.WriteLine($"emptied the four tables after {start:N0} customers");
            }

            var batch = Generate(start, Math.Min(chunk, customers - start));

            // The raw baseline: the same rows, built before its clock starts, written the same way with no pool code.
            var rows = CustomerBulkImport.RowsOf(batch)
                .Select(r => (r.Table == TableCustomerStore.CustomersTable ? rawProfiles : rawIndex, r.Row)).ToList();
            async Task<(TimeSpan Time, long Rows)> ImportSide()
            {
                var clock = Stopwatch.StartNew();
                var done = await import.ImportAsync(batch.ToAsyncEnumerable(), null, CancellationToken.None);
                return (clock.Elapsed, done.Rows);
            }

            async Task<(TimeSpan Time, long Rows)> RawSide()
            {
                var clock = Stopwatch.StartNew();
                var n = await CustomerBulkImport.WriteBatchesAsync(rows, import.Parallelism, CancellationToken.None);
                return (clock.Elapsed, n);
            }

            // One emulator: one side after the other. Two: both at once, each against its own emulator process.
            var (i, r) = twoEmulators ? await Both(ImportSide(), RawSide()) : (await ImportSide(), await RawSide());
            importTime += i.Time;
            importRows += i.Rows;
            rawTime += r.Time;
            rawRows += r.Rows;

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{start + batch.Count:N0} customers: import {(start + batch.Count) / importTime.TotalSeconds:N0}/s, raw {(start + batch.Count) / rawTime.TotalSeconds:N0}/s, elapsed {total.Elapsed.TotalSeconds:F0} s"));
        }

        var result = new
        {
            customers,
            rowsPerCustomer = (double)importRows / customers,
            importSeconds = Math.Round(importTime.TotalSeconds, 1),
            rawSeconds = Math.Round(rawTime.TotalSeconds, 1),
            importCustomersPerSecond = Math.Round(customers / importTime.TotalSeconds),
            rawCustomersPerSecond = Math.Round(customers / rawTime.TotalSeconds),
            ratio = Math.Round(rawTime.TotalSeconds / importTime.TotalSeconds, 3),
            rowsEqual = importRows == rawRows,
            tablesEmptiedEvery = resetEvery,
            emulators = twoEmulators ? 2 : 1,
            peakWorkingSetMb = Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024,
        };
        Console.WriteLine(json ? JsonSerializer.Serialize(result) : string.Create(CultureInfo.InvariantCulture,
            $"imported {customers:N0} customers ({result.rowsPerCustomer:F1} rows each) in {result.importSeconds} s = {result.importCustomersPerSecond:N0}/s; raw batches of the same rows {result.rawSeconds} s = {result.rawCustomersPerSecond:N0}/s; ratio {result.ratio} (target ≥ 0.7)"));
        return result.rowsEqual ? 0 : 1;
    }

    private static async Task<(T, T)> Both<T>(Task<T> a, Task<T> b)
    {
        await Task.WhenAll(a, b);
        return (await a, await b);
    }

    /// <summary>Deterministic customers with identities, a phone hash, attributes, products and 1–3 tags.</summary>
    private static List<Customer> Generate(int start, int count)
    {
        string[] tags = ["代发", "白领", "个体户", "农户", "学生", "退休"];
        string[] regions = ["杭州", "宁波", "温州", "绍兴"];
        var at = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var list = new List<Customer>(count);
        for (var i = start; i < start + count; i++)
        {
            var crmId = "C" + i.ToString("D9", CultureInfo.InvariantCulture);
            list.Add(Customer.New("bench", CustomerIds.FromCrmId("bench", crmId), at) with
            {
                CrmId = crmId,
                Name = "客户" + i,
                ExternalUserIds = ["wm" + i.ToString("x8", CultureInfo.InvariantCulture)],
                PhoneHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))),
                PhoneMasked = "138****" + (i % 10000).ToString("D4", CultureInfo.InvariantCulture),
                Attributes = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["aum"] = (i * 7919 % 500_000).ToString(CultureInfo.InvariantCulture),
                    ["region"] = regions[i % regions.Length],
                },
                Products = i % 3 == 0 ? ["debit-card"] : [],
                Tags = [.. Enumerable.Range(0, 1 + i % 3).Select(k => new CustomerTag(tags[(i + k) % tags.Length], TagKind.Static, "crm", at))],
                CrmVersion = 1,
            });
        }

        return list;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
