using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using PrivateDomain.Customers;
using Microsoft.Extensions.Options;
using PrivateDomain.Customers.Crm;
using PrivateDomain.Input;
using PrivateDomain.WeCom;

namespace PrivateDomain.Local.Customers;

/// <summary>
/// Operations commands on the local host's configuration and storage, for the bank's operations team until the operator
/// API lands: <c>import</c> (the initial CRM load from a JSONL export) and <c>erase</c> (a PIPL erasure request).
/// </summary>
public static class CustomerCommands
{
    /// <summary>
    /// <c>import --tenant T FILE.jsonl</c>: every line a <c>CustomerUpserted</c> message (schema privatedomain.crm/1).
    /// Invalid lines go to the CRM poison table with their line number; progress goes to stderr.
    /// </summary>
    public static async Task<int> ImportAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var (options, files) = Parse(args);
        if (!options.TryGetValue("tenant", out var tenant) || files.Count != 1)
        {
            await error.WriteLineAsync("usage: import --tenant TENANT FILE.jsonl").ConfigureAwait(false);
            return 2;
        }

        if (!File.Exists(files[0]))
        {
            await error.WriteLineAsync($"import: no file {Path.GetFullPath(files[0])}").ConfigureAwait(false);
            return 2;
        }

        if (await UnknownTenantAsync(services, tenant, error).ConfigureAwait(false))
        {
            return 2;
        }

        var import = services.GetRequiredService<CustomerBulkImport>();
        var phones = services.GetRequiredService<PhoneProtector>();
        var poison = services.GetRequiredService<ICrmPoisonStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var rejected = 0;
        var progress = new Progress<BulkImportProgress>(p => error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"imported {p.Customers:N0} customers ({p.Rows:N0} rows) in {p.Elapsed.TotalSeconds:F1} s — {p.Customers / Math.Max(p.Elapsed.TotalSeconds, 0.001):N0} customers/s")));
        var result = await import.ImportAsync(ReadAsync(files[0], tenant, phones, poison, time, () => rejected++), progress, CancellationToken.None).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{{\"customers\":{result.Customers},\"rows\":{result.Rows},\"rejected\":{rejected},\"seconds\":{result.Elapsed.TotalSeconds:F1}}}")).ConfigureAwait(false);
        return rejected == 0 ? 0 : 1;
    }

    /// <summary>
    /// <c>crm-enqueue FILE.jsonl</c>: puts each line (one CRM message) on the local Storage queue <c>crm-changes</c> as the
    /// queue worker reads it — base64 of the UTF-8 JSON — exactly what <c>az storage message put --content "$(base64 -w0 m.json)"</c>
    /// does. The worker validates; invalid messages end in the CRM poison table with their reason.
    /// </summary>
    public static async Task<int> EnqueueCrmAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length != 1 || !File.Exists(args[0]))
        {
            await error.WriteLineAsync("usage: crm-enqueue FILE.jsonl   (one CRM message per line; see docs/CRM-MESSAGES.md)").ConfigureAwait(false);
            return 2;
        }

        // StorageClients.Queues base64-encodes, as the workers and the Functions host expect.
        var queue = services.GetRequiredService<PrivateDomain.Storage.StorageClients>().Queues.GetQueueClient(LocalHost.CrmQueueName);
        await queue.CreateIfNotExistsAsync().ConfigureAwait(false);
        var sent = 0;
        foreach (var line in await File.ReadAllLinesAsync(args[0]).ConfigureAwait(false))
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                await queue.SendMessageAsync(line).ConfigureAwait(false);
                sent++;
            }
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{{\"enqueued\":{sent},\"queue\":\"{LocalHost.CrmQueueName}\"}}")).ConfigureAwait(false);
        return 0;
    }

    /// <summary><c>erase --tenant T --customer ID --by WHO --reason WHY</c>: erases one customer and prints the erasure record.</summary>
    public static async Task<int> EraseAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var (options, _) = Parse(args);
        if (!options.TryGetValue("tenant", out var tenant) || !options.TryGetValue("customer", out var customer)
            || !options.TryGetValue("by", out var by) || !options.TryGetValue("reason", out var reason))
        {
            await error.WriteLineAsync("usage: erase --tenant TENANT --customer CUSTOMER_ID --by WHO --reason WHY").ConfigureAwait(false);
            return 2;
        }

        if (await UnknownTenantAsync(services, tenant, error).ConfigureAwait(false))
        {
            return 2;
        }

        if (Identifiers.CustomerId.Check(customer, "--customer") is { } badCustomer)
        {
            await error.WriteLineAsync("erase: " + badCustomer).ConfigureAwait(false);
            return 2;
        }

        var record = await services.GetRequiredService<CustomerErasure>().EraseAsync(tenant, customer, by, reason, CancellationToken.None).ConfigureAwait(false);
        await output.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(record)).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Reads a CRM export: one CustomerUpserted per line, mapped to a profile exactly as the CRM intake would.</summary>
    public static async IAsyncEnumerable<Customer> ReadAsync(
        string path, string tenant, PhoneProtector phones, ICrmPoisonStore poison, TimeProvider time, Action onRejected,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onRejected);
        using var reader = new StreamReader(path);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            Customer? customer = null;
            string? problem = null;
            try
            {
                var m = CrmMessage.Parse(line);
                problem = m.Tenant != tenant ? $"tenant \"{m.Tenant}\" is not the import's tenant \"{tenant}\"."
                    : m.Type != CrmMessageTypes.CustomerUpserted ? $"an import takes CustomerUpserted messages only, not {m.Type}."
                    : null;
                if (problem is null)
                {
                    customer = CrmIntake.Upsert(Customer.New(tenant, CustomerIds.FromCrmId(tenant, m.CrmId!), time.GetUtcNow()), m, phones);
                }
            }
            catch (FormatException e)
            {
                problem = e.Message;
            }

            if (customer is not null)
            {
                yield return customer;
            }
            else
            {
                onRejected();
                await poison.KeepAsync(tenant, line, problem!, $"import:{Path.GetFileName(path)}:{lineNumber}", time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>True (after saying why on <paramref name="error"/>) if <paramref name="tenant"/> is malformed or not configured.</summary>
    private static async Task<bool> UnknownTenantAsync(IServiceProvider services, string tenant, TextWriter error)
    {
        var problem = Identifiers.Tenant.Check(tenant, "--tenant")
                      ?? (services.GetRequiredService<IOptions<WeComOptions>>().Value.Tenants.ContainsKey(tenant) ? null
                          : $"--tenant '{tenant}' is not configured here (WeCom:Tenants:{tenant}:…).");
        if (problem is not null)
        {
            await error.WriteLineAsync(problem).ConfigureAwait(false);
        }

        return problem is not null;
    }

    private static (Dictionary<string, string> Options, List<string> Positional) Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                options[args[i][2..]] = args[++i];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        return (options, rest);
    }
}
