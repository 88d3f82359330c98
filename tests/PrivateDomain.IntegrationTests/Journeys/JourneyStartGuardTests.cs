using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Storage;

namespace PrivateDomain.IntegrationTests.Journeys;

/// <summary>
/// The journey start guard on Azurite: the ETag-checked row that decides who starts an instance (Durable's own
/// check-then-start is racy and would start a completed instance over), and the per-customer index signals route through.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class JourneyStartGuardTests(AzuriteFixture fixture)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 8, 0, 0, TimeSpan.FromHours(8));

    private readonly string _tenant = "guard" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant();
    private readonly TableJourneyStarts _starts =
        new(new StorageClients(Options.Create(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString() })));

    private Task<JourneyStartClaim> ClaimAsync(string customerId, string journeyId, string? occurrence, DateTimeOffset at) =>
        _starts.ClaimAsync(_tenant, customerId, JourneyInstanceId.For(_tenant, journeyId, customerId, occurrence), journeyId, at, CancellationToken.None);

    [Fact]
    public async Task Of_starts_racing_for_the_same_instance_exactly_one_wins_and_the_others_get_its_row()
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => ClaimAsync("cRace", "aida-nurture", null, Now))));

        Assert.Single(claims, c => c.Won);
        Assert.All(claims, c => Assert.Equal(JourneyInstanceId.For(_tenant, "aida-nurture", "cRace"), c.Row.InstanceId));
        Assert.All(claims.Where(c => !c.Won), c => Assert.Equal(JourneyStartStatus.Starting, c.Row.Status));
    }

    [Fact]
    public async Task A_completed_journey_is_not_started_again_but_a_recurring_one_starts_for_a_new_occurrence()
    {
        var first = await ClaimAsync("cLoan", "loan-abandoned-checkin", "app-1", Now);
        await _starts.ConfirmAsync(_tenant, "cLoan", first.Row.InstanceId, CancellationToken.None);
        Assert.True(await _starts.EndAsync(_tenant, "cLoan", first.Row.InstanceId, JourneyEnd.Finished, CancellationToken.None));

        var again = await ClaimAsync("cLoan", "loan-abandoned-checkin", "app-1", Now.AddDays(5));
        var next = await ClaimAsync("cLoan", "loan-abandoned-checkin", "app-2", Now.AddDays(5));

        Assert.True(first.Won);
        Assert.False(again.Won);
        Assert.Equal((JourneyStartStatus.Ended, JourneyEnd.Finished), (again.Row.Status, again.Row.EndReason));
        Assert.True(next.Won);
        Assert.NotEqual(first.Row.InstanceId, next.Row.InstanceId);
        Assert.False(await _starts.EndAsync(_tenant, "cLoan", first.Row.InstanceId, JourneyEnd.Cancelled, CancellationToken.None));
    }

    [Fact]
    public async Task A_running_journey_is_returned_not_restarted()
    {
        var first = await ClaimAsync("cRun", "aida-nurture", null, Now);
        await _starts.ConfirmAsync(_tenant, "cRun", first.Row.InstanceId, CancellationToken.None);

        var later = await ClaimAsync("cRun", "aida-nurture", null, Now.AddDays(3));

        Assert.False(later.Won);
        Assert.Equal(JourneyStartStatus.Running, later.Row.Status);
    }

    [Fact]
    public async Task A_start_claimed_but_never_confirmed_is_taken_over_by_one_starter_once_the_lease_is_over()
    {
        var dead = await ClaimAsync("cDead", "aida-nurture", null, Now);
        var early = await ClaimAsync("cDead", "aida-nurture", null, Now + JourneyStartRow.ClaimLease / 2);
        var late = Now + JourneyStartRow.ClaimLease + TimeSpan.FromSeconds(1);
        var takeovers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => ClaimAsync("cDead", "aida-nurture", null, late))));

        Assert.True(dead.Won);
        Assert.False(early.Won);
        Assert.Single(takeovers, c => c.Won);
    }

    [Fact]
    public async Task A_customers_journeys_are_listed_from_their_start_rows()
    {
        var aida = await ClaimAsync("cList", "aida-nurture", null, Now);
        var loan = await ClaimAsync("cList", "loan-abandoned-checkin", "app-9", Now);
        await ClaimAsync("cOther", "aida-nurture", null, Now);
        await _starts.EndAsync(_tenant, "cList", aida.Row.InstanceId, JourneyEnd.Converted, CancellationToken.None);

        var rows = await _starts.ListAsync(_tenant, "cList", CancellationToken.None).ToListAsync();

        Assert.Equal([aida.Row.InstanceId, loan.Row.InstanceId], rows.Select(r => r.InstanceId).Order(StringComparer.Ordinal));
        Assert.Equal(JourneyStartStatus.Ended, rows.Single(r => r.InstanceId == aida.Row.InstanceId).Status);
    }
}
