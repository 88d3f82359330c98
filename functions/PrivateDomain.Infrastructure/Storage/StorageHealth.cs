namespace PrivateDomain.Storage;

/// <summary>One storage service's reachability, as reported by /healthz.</summary>
public sealed record StorageServiceHealth(string Service, bool Reachable, string? Error);

/// <summary>Checks that each Storage service answers, with a short timeout.</summary>
public sealed class StorageHealth(StorageClients clients)
{
    /// <summary>Probes tables, queues and blobs concurrently.</summary>
    public async Task<IReadOnlyList<StorageServiceHealth>> CheckAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var ct = timeout.Token;
        var results = await Task.WhenAll(
            Probe("tables", async () => await clients.Tables.GetPropertiesAsync(ct).ConfigureAwait(false)),
            Probe("queues", async () => await clients.Queues.GetPropertiesAsync(ct).ConfigureAwait(false)),
            Probe("blobs", async () => await clients.Blobs.GetPropertiesAsync(ct).ConfigureAwait(false))).ConfigureAwait(false);
        return results;
    }

    private static async Task<StorageServiceHealth> Probe(string service, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
            return new StorageServiceHealth(service, true, null);
        }
#pragma warning disable CA1031 // A health probe reports every failure rather than throwing.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new StorageServiceHealth(service, false, e.GetType().Name + ": " + FirstLine(e.Message));
        }
    }

    private static string FirstLine(string s) => s.Split('\n', 2)[0].Trim();
}
