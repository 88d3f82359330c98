using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Storage;

namespace PrivateDomain.Content.Storage;

/// <summary>DI wiring of the content library.</summary>
public static class ContentServices
{
    /// <summary>
    /// Registers the content library (<see cref="ContentLibrary"/>) over Blob Storage and the <c>ContentApprovals</c>
    /// table, with its options (<c>Content</c> section) validated at start-up, and <see cref="RepositoryContent"/> for
    /// seeding. Needs <see cref="StorageClients"/> (registered by AddPrivateDomain).
    /// </summary>
    public static IServiceCollection AddContentLibrary(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ContentOptions>().Bind(configuration.GetSection(ContentOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ContentOptions>, ContentOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StorageClients>();
        services.AddSingleton<BlobTemplateStore>();
        services.AddSingleton<ITemplateStore>(sp => sp.GetRequiredService<BlobTemplateStore>());
        services.AddSingleton<ISensitiveWordStore>(sp => sp.GetRequiredService<BlobTemplateStore>());
        services.AddSingleton<IContentApprovalLog, TableContentApprovalLog>();
        services.AddSingleton<BlobTemplateCatalogue>();
        services.AddSingleton<ContentLibrary>();
        services.AddSingleton<RepositoryContent>();
        return services;
    }
}

/// <summary>
/// Publishes the repository's content (<c>content-templates/messages</c> and the sensitive-word list) to storage:
/// what <c>./pd run</c> and a deployment call at start. Idempotent — a second run changes nothing — and safe to run from
/// several instances at once (versions are created if absent; approval rows take sequences with Add).
/// </summary>
public sealed class RepositoryContent(ContentLibrary library, IOptions<ContentOptions> options, ILogger<RepositoryContent> logger)
{
    /// <summary>Publishes from the configured paths.</summary>
    /// <exception cref="MessageTemplateException">A file is invalid or a published version changed; each error names its file and field.</exception>
    public async Task<ContentPublishReport> PublishAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!File.Exists(o.ResolvedSensitiveWordsPath))
        {
            throw new MessageTemplateException(o.ResolvedSensitiveWordsPath,
                ["the sensitive-word list does not exist; set Content:SensitiveWordsPath to content-templates/sensitive-words/zh-CN.json"]);
        }

        var report = await library.PublishFolderAsync(o.ResolvedTemplatesPath, o.ResolvedSensitiveWordsPath, cancellationToken).ConfigureAwait(false);
        logger.LogInformation(
            "Content published from {TemplatesPath}: {Created} new template versions, {Unchanged} unchanged, {ApprovalRows} approval rows, word list {WordListVersion} {WordList}",
            o.ResolvedTemplatesPath, report.Created, report.Unchanged, report.ApprovalRowsAppended, report.WordListVersion, report.WordListChanged ? "replaced" : "unchanged");
        return report;
    }
}
