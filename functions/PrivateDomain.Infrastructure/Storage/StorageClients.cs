using System.Collections.Concurrent;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace PrivateDomain.Storage;

/// <summary>The tenant's Storage service clients, built once from <see cref="StorageOptions"/>.</summary>
public sealed class StorageClients
{
    /// <summary>Builds the clients: from the connection string if set, else from the URIs with DefaultAzureCredential.
    /// With a <paramref name="counter"/> (benchmarks, tests), every request the clients make is counted.</summary>
    public StorageClients(IOptions<StorageOptions> options, StorageRequestCounter? counter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        // Base64 is what the Functions queue trigger expects by default; both hosts write the same encoding.
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var transport = new TableClientOptions();
        transport.Retry.MaxRetries = 2;
        transport.Retry.NetworkTimeout = o.NetworkTimeout;
        queueOptions.Retry.MaxRetries = 2;
        queueOptions.Retry.NetworkTimeout = o.NetworkTimeout;
        var blobOptions = new BlobClientOptions();
        if (counter is not null)
        {
            transport.AddPolicy(counter.For("table"), HttpPipelinePosition.PerRetry);
            queueOptions.AddPolicy(counter.For("queue"), HttpPipelinePosition.PerRetry);
            blobOptions.AddPolicy(counter.For("blob"), HttpPipelinePosition.PerRetry);
        }

        if (!string.IsNullOrWhiteSpace(o.ConnectionString))
        {
            Tables = new TableServiceClient(o.ConnectionString, transport);
            Queues = new QueueServiceClient(o.ConnectionString, queueOptions);
            RawQueues = new QueueServiceClient(o.ConnectionString, RawOptions(queueOptions, counter));
            Blobs = new BlobServiceClient(o.ConnectionString, blobOptions);
        }
        else
        {
            var credential = new DefaultAzureCredential();
            Tables = new TableServiceClient(o.TableServiceUri!, credential, transport);
            Queues = new QueueServiceClient(o.QueueServiceUri!, credential, queueOptions);
            RawQueues = new QueueServiceClient(o.QueueServiceUri!, credential, RawOptions(queueOptions, counter));
            Blobs = new BlobServiceClient(o.BlobServiceUri!, credential, blobOptions);
        }
    }

    /// <summary>Table Storage.</summary>
    public TableServiceClient Tables { get; }

    /// <summary>Queue Storage (messages base64-encoded).</summary>
    public QueueServiceClient Queues { get; }

    /// <summary>Queue Storage with messages as they are stored (no decoding): the local queue workers decode each message
    /// themselves, so one a producer did not base64-encode goes to poison with its reason instead of failing the whole
    /// receive (and every message received with it) in the SDK.</summary>
    public QueueServiceClient RawQueues { get; }

    /// <summary>Blob Storage.</summary>
    public BlobServiceClient Blobs { get; }

    private static QueueClientOptions RawOptions(QueueClientOptions encoded, StorageRequestCounter? counter)
    {
        var raw = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        raw.Retry.MaxRetries = encoded.Retry.MaxRetries;
        raw.Retry.NetworkTimeout = encoded.Retry.NetworkTimeout;
        if (counter is not null)
        {
            raw.AddPolicy(counter.For("queue"), HttpPipelinePosition.PerRetry);
        }

        return raw;
    }

    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<BlobContainerClient>>> _containers = new(StringComparer.Ordinal);

    /// <summary>A blob container client, creating the container on first use in this process (a failed creation is
    /// retried next time).</summary>
    public async Task<BlobContainerClient> ContainerAsync(string name, CancellationToken cancellationToken)
    {
        var lazy = _containers.GetOrAdd(name, n => new Lazy<Task<BlobContainerClient>>(async () =>
        {
            var container = Blobs.GetBlobContainerClient(n);
            await container.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            return container;
        }));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            _containers.TryRemove(new KeyValuePair<string, Lazy<Task<BlobContainerClient>>>(name, lazy));
            throw;
        }
    }

    /// <summary>A table client, creating the table on first use in this process (a failed creation is retried next time).</summary>
    public async Task<TableClient> TableAsync(string name, CancellationToken cancellationToken)
    {
        var lazy = _tables.GetOrAdd(name, n => new Lazy<Task<TableClient>>(async () =>
        {
            var table = Tables.GetTableClient(n);
            await table.CreateIfNotExistsAsync(CancellationToken.None).ConfigureAwait(false);
            return table;
        }));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            _tables.TryRemove(new KeyValuePair<string, Lazy<Task<TableClient>>>(name, lazy));
            throw;
        }
    }
}
