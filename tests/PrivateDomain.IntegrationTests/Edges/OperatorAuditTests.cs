using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Campaigns;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Edges;

/// <summary>The operator audit: a row for every authenticated call, written before the work and completed after it,
/// inputs cut to a fixed size, and no partition for a tenant that does not exist.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OperatorAuditTests(AzuriteFixture fixture)
{
    private readonly OperatorEdge _edge = new("aud");

    // Audit rows are partitioned by the host clock's UTC day: read that day, not the machine's.
    private static async Task<List<OperatorAction>> AuditAsync(LocalHostInstance host, string tenant) =>
        await host.Services.GetRequiredService<IOperatorAudit>().ListAsync(tenant,
            DateOnly.FromDateTime(host.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime), CancellationToken.None).ToListAsync();

    [Fact]
    public async Task A_call_that_fails_half_way_leaves_its_audit_row_with_the_failure()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_edge.A, _edge.B], _edge.Settings(), s =>
        {
            _edge.Tokens.Trust(s);
            s.AddSingleton<IPayrollCampaigns, BrokenCampaigns>();
        });

        var response = await host.Client.SendAsync(OperatorEdge.Request(HttpMethod.Get, $"/api/tenants/{_edge.A.Name}/payroll/campaigns/payroll:E-1:2026-12",
            _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Auditor])));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var row = Assert.Single(await AuditAsync(host, _edge.A.Name));
        Assert.Equal(("payroll.get", "payroll:E-1:2026-12"), (row.Action, row.Target));
        Assert.StartsWith("500", row.Outcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_huge_input_is_refused_and_audited_with_the_input_cut_to_a_fixed_size()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_edge.A, _edge.B], _edge.Settings(), _edge.Tokens.Trust);
        var huge = "tag:" + new string('大', 12_000);

        var response = await host.Client.SendAsync(OperatorEdge.Request(HttpMethod.Post, $"/api/tenants/{_edge.A.Name}/journeys/segment-starts",
            _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Operator]), $$"""{"journeyId":"aida-nurture","segment":"{{huge}}"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var row = Assert.Single(await AuditAsync(host, _edge.A.Name));
        Assert.Equal("journey.start-segment", row.Action);
        Assert.StartsWith("400", row.Outcome, StringComparison.Ordinal);
        Assert.True(row.Target.Length <= 300, $"the audit kept {row.Target.Length} characters of the input");
    }

    [Theory]
    [InlineData("nosuchbank")]
    [InlineData("Bad-Name")]
    public async Task A_tenant_that_does_not_exist_is_refused_before_any_audit_partition_exists(string name)
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_edge.A, _edge.B], _edge.Settings(), _edge.Tokens.Trust);
        var tenant = name + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));

        var response = await host.Client.SendAsync(OperatorEdge.Request(HttpMethod.Post, $"/api/tenants/{tenant}/journeys",
            _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Admin]), """{"journeyId":"aida-nurture","customerId":"c1","senderId":"zhangsan"}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var audit = new TableServiceClient(fixture.Azurite.ConnectionString()).GetTableClient("OperatorAudit");
        await audit.CreateIfNotExistsAsync();
        Assert.Empty(await audit.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(tenant) >= 0 && e.PartitionKey.CompareTo(tenant + "~") < 0).ToListAsync());
    }

    private sealed class BrokenCampaigns : IPayrollCampaigns
    {
        public Task<bool> TryStartAsync(PayrollCampaign campaign, CancellationToken cancellationToken) => throw new InvalidOperationException("storage fell over");
        public Task<PayrollCampaign?> GetAsync(string tenant, string campaignId, CancellationToken cancellationToken) => throw new InvalidOperationException("storage fell over");
        public Task<DateOnly?> LastRunAsync(string tenant, CancellationToken cancellationToken) => Task.FromResult<DateOnly?>(null);
        public Task SetLastRunAsync(string tenant, DateOnly day, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
