using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;

namespace PrivateDomain.Storage;

/// <summary>
/// Counts the HTTP requests the Storage clients make — per service (table, queue, blob), table/queue/container and
/// operation — and, for Table writes, the entities written and how many went to each partition. Registered through the
/// clients' options (per retry, so a retried request counts again: each is a request the account serves). For the
/// benchmarks and tests that hold the design to its storage budget; production does not register it.
/// </summary>
/// <remarks>
/// An entity-group transaction is one request; its entities are counted from the batch body, which is read only when
/// <see cref="CountEntities"/> is set (the body is buffered by the SDK, so reading it costs CPU, not requests).
/// </remarks>
public sealed partial class StorageRequestCounter
{
    private readonly ConcurrentDictionary<StorageOperation, long> _requests = new();
    private readonly ConcurrentDictionary<string, long> _partitions = new(StringComparer.Ordinal);
    private long _entities;

    /// <summary>Reads transaction and insert bodies to count entities and partitions (benchmarks).</summary>
    public bool CountEntities { get; init; } = true;

    /// <summary>The policy for one service's client options (<c>table</c>, <c>queue</c> or <c>blob</c>).</summary>
    public HttpPipelinePolicy For(string service) => new Policy(this, service);

    /// <summary>What has been counted so far.</summary>
    public StorageRequestSnapshot Snapshot() =>
        new(_requests.ToImmutableDictionary(), Interlocked.Read(ref _entities), _partitions.ToImmutableDictionary(StringComparer.Ordinal));

    private void Count(string service, Request request)
    {
        var (resource, operation) = service switch
        {
            "table" => Table(request),
            "queue" => Queue(request),
            _ => Blob(request),
        };
        _requests.AddOrUpdate(new StorageOperation(service, resource, operation), 1, (_, n) => n + 1);
        if (service == "table" && CountEntities && operation is not ("get" or "query" or "create-table"))
        {
            CountWrites(request, resource, operation);
        }
    }

    private void CountWrites(Request request, string resource, string operation)
    {
        string? body = null;
        if (request.Content is { } content && (operation is "batch" or "insert"))
        {
            using var buffer = new MemoryStream();
            content.WriteTo(buffer, CancellationToken.None);
            body = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        if (operation == "batch" && body is not null)
        {
            // Each part: a request line naming the table (and the keys, for updates and deletes), then for inserts a JSON
            // body with the PartitionKey.
            string? table = null, partition = null;
            var pending = false;
            foreach (var line in body.Split('\n'))
            {
                if (PartLine().Match(line) is { Success: true } part)
                {
                    Flush();
                    pending = true;
                    table = part.Groups["table"].Value;
                    partition = part.Groups["pk"].Success ? Uri.UnescapeDataString(part.Groups["pk"].Value) : null;
                }
                else if (pending && partition is null && JsonPartition().Match(line) is { Success: true } pk)
                {
                    partition = pk.Groups["pk"].Value;
                }
            }

            Flush();

            void Flush()
            {
                if (pending)
                {
                    Written(table ?? resource, partition);
                    pending = false;
                    partition = null;
                }
            }

            return;
        }

        var key = KeyInPath().Match(Uri.UnescapeDataString(request.Uri.Path));
        var single = key.Success ? key.Groups["pk"].Value : body is not null && JsonPartition().Match(body) is { Success: true } m ? m.Groups["pk"].Value : null;
        Written(resource, single);
    }

    private void Written(string table, string? partition)
    {
        Interlocked.Increment(ref _entities);
        _partitions.AddOrUpdate($"{table}/{partition ?? "?"}", 1, (_, n) => n + 1);
    }

    // Path-style (Azurite: /account/...) and host-style (Azure: /...) addresses alike: the last segment names the table.
    private static (string Resource, string Operation) Table(Request request)
    {
        var last = LastSegment(request.Uri.Path);
        if (last == "$batch")
        {
            return ("(transaction)", "batch");
        }

        if (last.StartsWith("Tables", StringComparison.Ordinal))
        {
            return ("(tables)", "create-table");
        }

        var paren = last.IndexOf('(', StringComparison.Ordinal);
        var table = paren < 0 ? last : last[..paren];
        var keyed = paren >= 0 && last.Length > paren + 2; // Name(...) with keys, not Name()
        var method = request.Method.Method;
        return (table, method switch
        {
            "GET" => keyed ? "get" : "query",
            "POST" => "insert",
            "DELETE" => "delete",
            "MERGE" or "PATCH" => "merge",
            _ => "upsert",
        });
    }

    private static (string Resource, string Operation) Queue(Request request)
    {
        var segments = Uri.UnescapeDataString(request.Uri.Path).Trim('/').Split('/');
        var messages = Array.IndexOf(segments, "messages");
        var queue = messages > 0 ? segments[messages - 1] : segments[^1];
        var method = request.Method.Method;
        return (queue, messages < 0 ? method == "PUT" ? "create-queue" : "queue:" + method.ToLowerInvariant()
            : method switch
            {
                "POST" => "send",
                "GET" => "receive",
                "DELETE" => "delete",
                "PUT" => "update",
                _ => "messages:" + method.ToLowerInvariant(),
            });
    }

    private static (string Resource, string Operation) Blob(Request request)
    {
        var segments = Uri.UnescapeDataString(request.Uri.Path).Trim('/').Split('/');
        var container = segments.Length >= 2 && segments[0].StartsWith("devstoreaccount", StringComparison.Ordinal) ? segments[1] : segments[0];
        return (container, request.Method.Method.ToLowerInvariant());
    }

    private static string LastSegment(string path)
    {
        var trimmed = path.TrimEnd('/');
        return Uri.UnescapeDataString(trimmed[(trimmed.LastIndexOf('/') + 1)..]);
    }

    [GeneratedRegex(@"^(?:POST|PUT|MERGE|PATCH|DELETE) \S+/(?<table>[A-Za-z][A-Za-z0-9]*)(?:\(PartitionKey='(?<pk>[^']*)'[^)]*\))?(?:\(\))? HTTP/1\.1", RegexOptions.CultureInvariant)]
    private static partial Regex PartLine();

    [GeneratedRegex(@"""PartitionKey""\s*:\s*""(?<pk>(?:[^""\\]|\\.)*)""", RegexOptions.CultureInvariant)]
    private static partial Regex JsonPartition();

    [GeneratedRegex(@"\(PartitionKey='(?<pk>[^']*)'", RegexOptions.CultureInvariant)]
    private static partial Regex KeyInPath();

    private sealed class Policy(StorageRequestCounter counter, string service) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            counter.Count(service, message.Request);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            counter.Count(service, message.Request);
            return ProcessNextAsync(message, pipeline);
        }
    }
}

/// <summary>One kind of request: the service, the table/queue/container, and the operation (get, query, insert, merge,
/// upsert, delete, batch; send, receive, delete, update; blob methods).</summary>
public readonly record struct StorageOperation(string Service, string Resource, string Operation)
{
    /// <inheritdoc />
    public override string ToString() => $"{Service} {Resource} {Operation}";
}

/// <summary>Counts at one moment; subtract two to get a stage's.</summary>
/// <param name="Requests">Requests per kind.</param>
/// <param name="EntitiesWritten">Table entities written (each entity of a transaction counts).</param>
/// <param name="EntitiesPerPartition">Entities written per <c>{table}/{partition}</c>.</param>
public sealed record StorageRequestSnapshot(
    ImmutableDictionary<StorageOperation, long> Requests, long EntitiesWritten, ImmutableDictionary<string, long> EntitiesPerPartition)
{
    /// <summary>Every request.</summary>
    public long Total => Requests.Values.Sum();

    /// <summary>What happened between <paramref name="before"/> and this snapshot.</summary>
    public StorageRequestSnapshot Since(StorageRequestSnapshot before)
    {
        ArgumentNullException.ThrowIfNull(before);
        return new StorageRequestSnapshot(
            Requests.Select(kv => (kv.Key, N: kv.Value - before.Requests.GetValueOrDefault(kv.Key))).Where(x => x.N > 0).ToImmutableDictionary(x => x.Key, x => x.N),
            EntitiesWritten - before.EntitiesWritten,
            EntitiesPerPartition.Select(kv => (kv.Key, N: kv.Value - before.EntitiesPerPartition.GetValueOrDefault(kv.Key))).Where(x => x.N > 0)
                .ToImmutableDictionary(x => x.Key, x => x.N, StringComparer.Ordinal));
    }

    /// <summary>The partition that took the most entities, and how many.</summary>
    public (string Partition, long Entities) Busiest =>
        EntitiesPerPartition.Count == 0 ? ("", 0) : EntitiesPerPartition.MaxBy(kv => kv.Value) is var kv ? (kv.Key, kv.Value) : default;
}
