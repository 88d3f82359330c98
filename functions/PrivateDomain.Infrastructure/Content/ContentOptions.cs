using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace PrivateDomain.Content.Storage;

/// <summary>Content library settings, bound from the <c>Content</c> section.</summary>
public sealed class ContentOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Content";

    /// <summary>The blob container holding template versions and the sensitive-word list. Default <c>content</c>.</summary>
    public string Container { get; set; } = "content";

    /// <summary>The append-only approval log's table. Default <c>ContentApprovals</c>.</summary>
    public string ApprovalsTable { get; set; } = TableContentApprovalLog.DefaultTableName;

    /// <summary>The repository's template folder to publish from; default <c>content-templates/messages</c> next to the app.</summary>
    public string? TemplatesPath { get; set; }

    /// <summary>The repository's sensitive-word list to publish; default <c>content-templates/sensitive-words/zh-CN.json</c> next to the app.</summary>
    public string? SensitiveWordsPath { get; set; }

    /// <summary>The template folder actually used.</summary>
    public string ResolvedTemplatesPath =>
        string.IsNullOrWhiteSpace(TemplatesPath) ? Path.Combine(AppContext.BaseDirectory, "content-templates", "messages") : TemplatesPath;

    /// <summary>The word list actually used.</summary>
    public string ResolvedSensitiveWordsPath =>
        string.IsNullOrWhiteSpace(SensitiveWordsPath) ? Path.Combine(AppContext.BaseDirectory, "content-templates", "sensitive-words", "zh-CN.json") : SensitiveWordsPath;
}

/// <summary>Checks the container and table names against Storage's rules. The paths are checked when publishing, the only
/// time they are read, so a host that never seeds does not need the files.</summary>
public sealed partial class ContentOptionsValidator : IValidateOptions<ContentOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ContentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Container is null || !ContainerPattern().IsMatch(options.Container) || options.Container.Contains("--", StringComparison.Ordinal))
        {
            failures.Add($"Content:Container \"{options.Container}\" is not a blob container name: 3–63 lowercase letters, digits and single '-'.");
        }

        if (options.ApprovalsTable is null || !TablePattern().IsMatch(options.ApprovalsTable))
        {
            failures.Add($"Content:ApprovalsTable \"{options.ApprovalsTable}\" is not a table name: a letter, then 2–62 letters or digits.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TablePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerPattern();
}
