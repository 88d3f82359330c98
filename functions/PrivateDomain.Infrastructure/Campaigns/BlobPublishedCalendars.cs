using System.Globalization;
using Azure;
using Azure.Storage.Blobs.Models;
using PrivateDomain.Storage;

namespace PrivateDomain.Campaigns;

/// <summary>
/// Published holiday notices in Blob Storage: container <c>calendars</c>, blob <c>{tenant}/cn-{year}.json</c> holding
/// the document as the operator sent it, with metadata <c>publishedat</c> and <c>publishedby</c>. A new publication of
/// a year overwrites the blob (enable blob versioning on the account to keep earlier ones; the operator audit records
/// every publication either way).
/// </summary>
public sealed class BlobPublishedCalendars(StorageClients clients, string container = BlobPublishedCalendars.DefaultContainer) : IPublishedCalendars
{
    /// <summary>The container unless <c>Payroll:CalendarsContainer</c> names another.</summary>
    public const string DefaultContainer = "calendars";

    private const string PublishedAtKey = "publishedat";
    private const string PublishedByKey = "publishedby";

    /// <summary>The blob of a tenant's year: <c>{tenant}/cn-{year}.json</c>.</summary>
    public static string BlobName(string tenant, int year)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        return string.Create(CultureInfo.InvariantCulture, $"{tenant}/cn-{year}.json");
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PublishedCalendarFile>> ListAsync(string tenant, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        var blobs = await clients.ContainerAsync(container, cancellationToken).ConfigureAwait(false);
        var prefix = tenant + "/cn-";
        var files = new List<PublishedCalendarFile>();
        await foreach (var item in blobs.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            var rest = item.Name[prefix.Length..];
            if (!rest.EndsWith(".json", StringComparison.Ordinal)
                || !int.TryParse(rest.AsSpan(0, rest.Length - 5), NumberStyles.None, CultureInfo.InvariantCulture, out var year))
            {
                continue;
            }

            try
            {
                var download = await blobs.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
                var metadata = download.Value.Details.Metadata;
                files.Add(new PublishedCalendarFile(
                    year,
                    download.Value.Content.ToMemory(),
                    metadata.TryGetValue(PublishedAtKey, out var at) && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var when)
                        ? when
                        : item.Properties.LastModified ?? DateTimeOffset.MinValue,
                    metadata.TryGetValue(PublishedByKey, out var by) ? Uri.UnescapeDataString(by) : "unknown"));
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Deleted between the listing and the download: not published any more.
            }
        }

        return files;
    }

    /// <inheritdoc />
    public async Task<bool> SaveAsync(string tenant, PublishedCalendarFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var blob = (await clients.ContainerAsync(container, cancellationToken).ConfigureAwait(false)).GetBlobClient(BlobName(tenant, file.Year));
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" },
            Metadata = new Dictionary<string, string>
            {
                [PublishedAtKey] = file.PublishedAt.ToString("O", CultureInfo.InvariantCulture),
                // Metadata is ASCII; an operator's display name may not be.
                [PublishedByKey] = Uri.EscapeDataString(file.PublishedBy),
            },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        };
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(file.Json), options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            options.Conditions = null;
            await blob.UploadAsync(BinaryData.FromBytes(file.Json), options, cancellationToken).ConfigureAwait(false);
            return false;
        }
    }
}
