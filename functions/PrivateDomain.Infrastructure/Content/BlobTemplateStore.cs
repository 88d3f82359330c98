using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using PrivateDomain.Storage;

namespace PrivateDomain.Content.Storage;

/// <summary>
/// Template versions and the sensitive-word list in Blob Storage (container <c>content</c>):
/// <list type="bullet">
/// <item><c>templates/{scope}/{id}/v{version}.json</c> — one blob per version, the canonical content JSON (no approval),
/// created with If-None-Match: * and never overwritten; metadata <c>contenthash</c> lets a re-publish compare without
/// downloading. Approval state is not here: it is the append-only <c>ContentApprovals</c> table, because blob metadata
/// can be overwritten and keeps no history, while an approval must be an audit trail.</item>
/// <item><c>sensitive-words/current.json</c> — the list in force, replaced when its hash changes (enable blob versioning
/// on the account to keep earlier lists).</item>
/// </list>
/// </summary>
public sealed class BlobTemplateStore(StorageClients clients, IOptions<ContentOptions> options) : ITemplateStore, ISensitiveWordStore
{
    /// <summary>The word list's blob name.</summary>
    public const string WordListBlob = "sensitive-words/current.json";

    private const string HashKey = "contenthash";
    private readonly Lock _gate = new();
    private Task<BlobContainerClient>? _container;
    private CachedWordList? _words;

    /// <summary>The blob name of a version: <c>templates/{scope}/{id}/v{version}.json</c>.</summary>
    public static string BlobName(TemplateRef version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return $"{Prefix(version.Scope, version.Id)}v{version.Version.ToString(CultureInfo.InvariantCulture)}.json";
    }

    /// <inheritdoc />
    public async Task<PublishOutcome> PublishAsync(TemplateScope scope, MessageTemplate content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var blob = (await ContainerAsync(cancellationToken).ConfigureAwait(false)).GetBlobClient(BlobName(new TemplateRef(scope, content.Id, content.Version)));
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(MessageTemplateReader.Write(content)), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" },
                Metadata = new Dictionary<string, string> { [HashKey] = content.ContentHash },
            }, cancellationToken).ConfigureAwait(false);
            return PublishOutcome.Created;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return properties.Value.Metadata.TryGetValue(HashKey, out var hash) && hash == content.ContentHash
                ? PublishOutcome.Unchanged
                : PublishOutcome.Conflict;
        }
    }

    /// <inheritdoc />
    public async Task<MessageTemplate?> GetAsync(TemplateRef version, CancellationToken cancellationToken)
    {
        var name = BlobName(version);
        var blob = (await ContainerAsync(cancellationToken).ConfigureAwait(false)).GetBlobClient(name);
        try
        {
            var download = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            var template = MessageTemplateReader.Read(download.Value.Content.ToMemory().Span, name, requireApproval: false).Template;
            return template.Id == version.Id && template.Version == version.Version
                ? template
                : throw new MessageTemplateException(name, [$"holds {template}, not {version.Id} v{version.Version}; the blob was written by hand — restore it"]);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<int>> ListVersionsAsync(TemplateScope scope, string id, CancellationToken cancellationToken)
    {
        var prefix = Prefix(scope, id);
        var container = await ContainerAsync(cancellationToken).ConfigureAwait(false);
        var versions = new List<int>();
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            var rest = item.Name[prefix.Length..];
            if (rest.StartsWith('v') && rest.EndsWith(".json", StringComparison.Ordinal)
                && int.TryParse(rest.AsSpan(1, rest.Length - 6), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                versions.Add(v);
            }
        }

        versions.Sort();
        return versions;
    }

    /// <inheritdoc />
    public async Task<SensitiveWordScreen?> GetAsync(CancellationToken cancellationToken)
    {
        var blob = (await ContainerAsync(cancellationToken).ConfigureAwait(false)).GetBlobClient(WordListBlob);
        var cached = _words;
        try
        {
            // A conditional GET: a 304 while the list is unchanged, so a new list takes effect on the next send.
            var download = await blob.DownloadContentAsync(
                new BlobDownloadOptions { Conditions = cached is null ? null : new BlobRequestConditions { IfNoneMatch = cached.ETag } },
                cancellationToken).ConfigureAwait(false);
            if (download.GetRawResponse().Status == 304 && cached is not null)
            {
                return cached.Screen;
            }

            var screen = SensitiveWordScreen.Read(download.Value.Content.ToMemory().Span, WordListBlob);
            _words = new CachedWordList(download.Value.Details.ETag, screen);
            return screen;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            _words = null;
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<bool> PublishAsync(SensitiveWordScreen screen, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(screen);
        var blob = (await ContainerAsync(cancellationToken).ConfigureAwait(false)).GetBlobClient(WordListBlob);
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (properties.Value.Metadata.TryGetValue(HashKey, out var hash) && hash == screen.Hash)
            {
                return false;
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // First publish.
        }

        await blob.UploadAsync(BinaryData.FromBytes(screen.ToJson()), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" },
            Metadata = new Dictionary<string, string> { [HashKey] = screen.Hash, ["version"] = Uri.EscapeDataString(screen.Version) },
        }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private sealed record CachedWordList(ETag ETag, SensitiveWordScreen Screen);

    private static string Prefix(TemplateScope scope, string id)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return $"templates/{scope.Key}/{id}/";
    }

    /// <summary>The container, created on first use in this process (a failed creation is retried next time).</summary>
    private async Task<BlobContainerClient> ContainerAsync(CancellationToken cancellationToken)
    {
        Task<BlobContainerClient> task;
        lock (_gate)
        {
            task = _container ??= CreateAsync();
        }

        try
        {
            return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (task.IsFaulted)
        {
            lock (_gate)
            {
                if (_container == task)
                {
                    _container = null;
                }
            }

            throw;
        }
    }

    private async Task<BlobContainerClient> CreateAsync()
    {
        var container = clients.Blobs.GetBlobContainerClient(options.Value.Container);
        await container.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        return container;
    }
}
