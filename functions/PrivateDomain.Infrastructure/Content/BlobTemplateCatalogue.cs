using System.Globalization;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using PrivateDomain.Storage;

namespace PrivateDomain.Content.Storage;

/// <summary>
/// Which template ids and versions a scope holds, read from the blob names <see cref="BlobTemplateStore"/> writes
/// (<c>templates/{scope}/{id}/v{version}.json</c>): one listing of the scope's prefix, for the console's content page.
/// </summary>
public sealed class BlobTemplateCatalogue(StorageClients clients, IOptions<ContentOptions> options)
{
    /// <summary>Template id → its versions, ascending, in <paramref name="scope"/> (empty when it has none).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<int>>> ListAsync(TemplateScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var container = clients.Blobs.GetBlobContainerClient(options.Value.Container);
        var prefix = $"templates/{scope.Key}/";
        var found = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        if (!await container.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return new Dictionary<string, IReadOnlyList<int>>();
        }

        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            // {id}/v{n}.json directly under the scope; a deeper name belongs to a narrower scope (bank/x/… under bank/).
            var rest = item.Name[prefix.Length..].Split('/');
            if (rest is [var id, var file] && file.StartsWith('v') && file.EndsWith(".json", StringComparison.Ordinal)
                && int.TryParse(file.AsSpan(1, file.Length - 6), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                if (!found.TryGetValue(id, out var list))
                {
                    found[id] = list = [];
                }

                list.Add(version);
            }
        }

        return found.ToDictionary(p => p.Key, p => (IReadOnlyList<int>)[.. p.Value.Order()], StringComparer.Ordinal);
    }
}
