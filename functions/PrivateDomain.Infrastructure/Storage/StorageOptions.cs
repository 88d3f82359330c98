using Microsoft.Extensions.Options;

namespace PrivateDomain.Storage;

/// <summary>
/// Where the tenant's Storage account is, bound from the <c>Storage</c> section. Locally a connection string to Azurite;
/// on Azure the three service URIs, reached with the app's managed identity (shared keys are disabled there).
/// </summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Storage";

    /// <summary>A connection string (Azurite, or an account that still allows shared keys).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table endpoint, e.g. https://acct.table.core.windows.net (identity-based).</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>The queue endpoint (identity-based).</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>The blob endpoint (identity-based).</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>How long one Table or Queue request may take before it is retried (default 3 s, which suits the callback
    /// path's budget; a bulk load against a busy emulator wants more).</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>Requires either a connection string or all three service URIs.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hasUris = options.TableServiceUri is not null && options.QueueServiceUri is not null && options.BlobServiceUri is not null;
        return string.IsNullOrWhiteSpace(options.ConnectionString) && !hasUris
            ? ValidateOptionsResult.Fail(
                "Set Storage:ConnectionString, or all of Storage:TableServiceUri, Storage:QueueServiceUri and Storage:BlobServiceUri.")
            : ValidateOptionsResult.Success;
    }
}
