using System.Globalization;
using PrivateDomain.Content;
using PrivateDomain.Operators;

namespace PrivateDomain.Local.Operators;

/// <summary>
/// <c>token --role ROLE [--role ROLE…] [--tenant T] [--name NAME] [--hours H]</c> (<c>./pd token</c>): prints a local
/// operator token for the Development environment's configuration, nothing else on stdout, so
/// <c>TOKEN=$(./pd token --role Operator)</c> works.
/// </summary>
public static class TokenCommand
{
    private const string Usage = "usage: token --role Operator|Admin|Auditor|Compliance [--role …] [--tenant TENANT] [--name NAME] [--hours 1-24]";

    /// <summary>Runs the command against <paramref name="configuration"/>; 0 with the token on <paramref name="output"/>, 2 on a usage or configuration error.</summary>
    public static int Run(string[] args, IConfiguration configuration, IHostEnvironment environment, TimeProvider time, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var roles = new List<string>();
        string? tenant = null, name = null;
        var hours = 8;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--role" when value is not null:
                    roles.Add(value);
                    i++;
                    break;
                case "--tenant" when value is not null:
                    tenant = value;
                    i++;
                    break;
                case "--name" when value is not null:
                    name = value;
                    i++;
                    break;
                case "--hours" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var h) && h is >= 1 and <= 24:
                    hours = h;
                    i++;
                    break;
                default:
                    error.WriteLine($"token: unexpected '{args[i]}'{(value is null ? " (missing value)" : "")}");
                    error.WriteLine(Usage);
                    return 2;
            }
        }

        var known = OperatorRoles.All.Append(ContentRoles.Compliance).ToArray();
        var unknown = roles.Where(r => !known.Contains(r, StringComparer.Ordinal)).ToArray();
        if (roles.Count == 0 || unknown.Length > 0)
        {
            error.WriteLine(roles.Count == 0 ? "token: name at least one --role" : $"token: unknown role '{unknown[0]}'");
            error.WriteLine(Usage);
            return 2;
        }

        if (!environment.IsDevelopment())
        {
            error.WriteLine($"token: local operator tokens exist only in the Development environment (this is '{environment.EnvironmentName}'); "
                            + "elsewhere operators sign in with Entra ID (AzureAd:*).");
            return 2;
        }

        if (configuration[LocalOperatorTokens.SigningKeySetting] is not { Length: > 0 } key)
        {
            error.WriteLine($"token: {LocalOperatorTokens.SigningKeySetting} is not set (appsettings.Development.json sets it for ./pd run).");
            return 2;
        }

        var tenants = configuration.GetSection($"{OperatorAccessOptions.Section}:Tenants").GetChildren().Select(c => c.Key).ToArray();
        tenant ??= tenants.Length == 1 ? tenants[0] : null;
        if (tenant is null)
        {
            error.WriteLine($"token: name the tenant with --tenant (configured: {string.Join(", ", tenants)})");
            return 2;
        }

        if (!Guid.TryParse(configuration[$"{OperatorAccessOptions.Section}:Tenants:{tenant}:EntraTenantId"], out var entraTenant))
        {
            error.WriteLine($"token: tenant '{tenant}' has no {OperatorAccessOptions.Section}:Tenants:{tenant}:EntraTenantId here (configured: {string.Join(", ", tenants)})");
            return 2;
        }

        var tokens = new LocalOperatorTokens(key);
        output.WriteLine(tokens.Mint(entraTenant, roles, name ?? $"{roles[0].ToLowerInvariant()}@{tenant}.local", TimeSpan.FromHours(hours), time.GetUtcNow()));
        return 0;
    }
}
