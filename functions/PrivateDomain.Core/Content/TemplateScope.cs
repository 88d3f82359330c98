using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace PrivateDomain.Content;

/// <summary>
/// Who a template version belongs to: the shipped default library, one bank (tenant), or one branch of a bank. A bank
/// or branch template with the same id overrides the default; <see cref="ResolutionOrder"/> is branch → bank → default.
/// <see cref="Key"/> (<c>default</c>, <c>bank/{bank}</c>, <c>branch/{bank}/{branch}</c>) is the folder under
/// <c>content-templates/messages</c> and the blob prefix, so the repository and the store have the same shape.
/// </summary>
public sealed partial record TemplateScope
{
    private TemplateScope(string? bank, string? branch)
    {
        Bank = bank;
        Branch = branch;
    }

    /// <summary>The shipped default library.</summary>
    public static TemplateScope Default { get; } = new(null, null);

    /// <summary>The bank (tenant), or null for the default.</summary>
    public string? Bank { get; }

    /// <summary>The branch, or null for the default and bank scopes.</summary>
    public string? Branch { get; }

    /// <summary><c>default</c>, <c>bank/{bank}</c> or <c>branch/{bank}/{branch}</c>.</summary>
    public string Key => Bank is null ? "default" : Branch is null ? $"bank/{Bank}" : $"branch/{Bank}/{Branch}";

    /// <summary>A bank's own templates.</summary>
    /// <exception cref="ArgumentException"><paramref name="bank"/> is not a tenant name.</exception>
    public static TemplateScope ForBank(string bank) => new(Name(bank, nameof(bank)), null);

    /// <summary>One branch's templates.</summary>
    /// <exception cref="ArgumentException">A name is not lowercase letters, digits and '-'.</exception>
    public static TemplateScope ForBranch(string bank, string branch) => new(Name(bank, nameof(bank)), Name(branch, nameof(branch)));

    /// <summary>Parses a <see cref="Key"/>.</summary>
    public static bool TryParse(string? key, out TemplateScope scope)
    {
        scope = Default;
        var parts = (key ?? "").Split('/');
        switch (parts)
        {
            case ["default"]:
                return true;
            case ["bank", var bank] when NamePattern().IsMatch(bank):
                scope = new TemplateScope(bank, null);
                return true;
            case ["branch", var bank, var branch] when NamePattern().IsMatch(bank) && NamePattern().IsMatch(branch):
                scope = new TemplateScope(bank, branch);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The scopes to look in for a customer of <paramref name="bank"/> served from <paramref name="branch"/>,
    /// most specific first: branch (when known) → bank → default.</summary>
    public static ImmutableArray<TemplateScope> ResolutionOrder(string bank, string? branch) =>
        string.IsNullOrEmpty(branch) ? [ForBank(bank), Default] : [ForBranch(bank, branch), ForBank(bank), Default];

    /// <inheritdoc />
    public override string ToString() => Key;

    private static string Name(string value, string parameter) =>
        value is not null && NamePattern().IsMatch(value)
            ? value
            : throw new ArgumentException($"\"{value}\" is not a valid {parameter} name; use lowercase letters, digits and '-' (at most 63).", parameter);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex NamePattern();
}

/// <summary>One template version in one scope: what Submit and Approve act on.</summary>
public sealed record TemplateRef(TemplateScope Scope, string Id, int Version)
{
    /// <summary><c>{scope}/{id}@v{version}</c>, e.g. <c>default/aida.attention.welfare@v1</c>.</summary>
    public override string ToString() => $"{Scope.Key}/{Id}@v{Version}";
}
