using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Crm;
using PrivateDomain.IntegrationTests.Harness;

namespace PrivateDomain.IntegrationTests.Customers;

/// <summary>CRM's EmployeeUpserted into the employee directory on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class EmployeeDirectoryTests(AzuriteFixture fixture)
{
    // A named moment, not the machine's clock: versions order the records, the time only says when CRM saw them.
    private static readonly DateTimeOffset Occurred = new(2026, 12, 1, 10, 0, 0, TimeSpan.FromHours(8));

    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());

    private string Upserted(long version, string title) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["schema"] = CrmMessage.Schema,
        ["messageId"] = "m-" + version,
        ["type"] = CrmMessageTypes.EmployeeUpserted,
        ["tenant"] = _tenant.Name,
        ["version"] = version,
        ["occurredAt"] = Occurred.AddMinutes(version).ToString("O", CultureInfo.InvariantCulture),
        ["data"] = new Dictionary<string, string> { ["employeeUserId"] = "wang.li", ["name"] = "王丽", ["title"] = title, ["branchName"] = "城东支行", ["branchId"] = "chengdong" },
    });

    [Fact]
    public async Task A_newer_employee_version_replaces_the_record_and_an_older_one_is_ignored()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant],
            new Dictionary<string, string?> { ["Local:QueueWorkers"] = "false", ["Local:PayrollRun"] = "false" });
        var intake = host.Services.GetRequiredService<CrmIntake>();

        Assert.Equal(CrmOutcome.Applied, (await intake.HandleAsync(Upserted(1, "客户经理"), "test", CancellationToken.None)).Outcome);
        Assert.Equal(CrmOutcome.Applied, (await intake.HandleAsync(Upserted(3, "理财经理"), "test", CancellationToken.None)).Outcome);
        Assert.Equal(CrmOutcome.Stale, (await intake.HandleAsync(Upserted(2, "大堂经理"), "test", CancellationToken.None)).Outcome);

        var employee = await host.Services.GetRequiredService<IEmployeeDirectory>().GetAsync(_tenant.Name, "wang.li", CancellationToken.None);
        Assert.Equal(("王丽", "理财经理", "城东支行", "chengdong", 3L), (employee!.Name, employee.Title, employee.BranchName, employee.BranchId, employee.Version));
    }
}
