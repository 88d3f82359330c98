using PrivateDomain.Customers;

namespace PrivateDomain.Local.Customers;

/// <summary>One employee of <c>Local:SeedEmployees:{tenant}</c>.</summary>
public sealed class SeedEmployee
{
    /// <summary>The WeCom userid.</summary>
    public string UserId { get; set; } = "";

    /// <summary>The name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The title.</summary>
    public string? Title { get; set; }

    /// <summary>The branch as customers see it.</summary>
    public string? BranchName { get; set; }

    /// <summary>The branch's content folder id, or null.</summary>
    public string? BranchId { get; set; }
}

/// <summary>
/// On a laptop (<c>Local:SeedEmployees</c>, set in Development for the demo tenant), writes a few employees into the
/// employee directory at start-up, so that the demo's add callbacks get a welcome message before any CRM is connected.
/// They are written as version 0: any CRM <c>EmployeeUpserted</c> (version 1 and up) replaces them, and a restart never
/// overwrites what CRM sent.
/// </summary>
public sealed class EmployeeSeeder(IConfiguration configuration, IEmployeeDirectory directory, TimeProvider time, ILogger<EmployeeSeeder> logger)
    : BackgroundService
{
    /// <summary>The configuration section: tenant → list of employees.</summary>
    public const string Section = "Local:SeedEmployees";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var written = 0;
            foreach (var tenant in configuration.GetSection(Section).GetChildren())
            {
                foreach (var e in tenant.Get<List<SeedEmployee>>() ?? [])
                {
                    if (string.IsNullOrWhiteSpace(e.UserId) || string.IsNullOrWhiteSpace(e.Name)
                        || (e.BranchId is not null && !Employee.IsBranchId(e.BranchId)))
                    {
                        logger.LogWarning("{Section}:{Tenant} has an employee without UserId or Name, or with a bad BranchId; skipped", Section, tenant.Key);
                        continue;
                    }

                    var employee = new Employee(tenant.Key, e.UserId, e.Name, e.Title, e.BranchName, e.BranchId, 0, time.GetUtcNow());
                    written += await directory.UpsertAsync(employee, stoppingToken).ConfigureAwait(false) ? 1 : 0;
                }
            }

            logger.LogInformation("Employee directory seeded: {Count} employees written", written);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Seeding the employee directory failed; welcome messages are skipped until CRM sends EmployeeUpserted");
        }
    }
}
