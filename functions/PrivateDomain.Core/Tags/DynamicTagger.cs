using Microsoft.Extensions.Logging;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Segments;

namespace PrivateDomain.Tags;

/// <summary>Signal kinds the dynamic tags raise: journeys can start on them (trigger <c>tagAdded</c> / <c>tagRemoved</c> with a tag).</summary>
public static class TagSignalKinds
{
    /// <summary>A rule's tag appeared on a customer (data: tag, rule).</summary>
    public const string TagAdded = "tag-added";

    /// <summary>A rule's tag disappeared from a customer (data: tag, rule).</summary>
    public const string TagRemoved = "tag-removed";

    /// <summary>CRM changed a profile (data: type): dynamic tags over attributes are evaluated again.</summary>
    public const string ProfileUpdated = "profile-updated";
}

/// <summary>
/// Evaluates the dynamic-tag rules for a customer against their profile and signal inbox, writes the change (ETag
/// guarded through the pool), raises <see cref="TagSignalKinds.TagAdded"/> / <see cref="TagSignalKinds.TagRemoved"/>
/// and queues the WeCom sync. Run when a relevant event arrives and by the nightly sweep (windows expire with time).
/// </summary>
public sealed class DynamicTagger(
    DynamicTagCatalog catalog, ICustomerPool pool, ICustomerStore customers, ICustomerReader reader, ITagSyncQueue tagSync, TimeProvider time,
    ILogger<DynamicTagger> log)
{
    /// <summary>True if a signal of this kind can change a rule's outcome (<see cref="DynamicTagRules.IsRelevant"/>).</summary>
    public bool IsRelevant(string kind) => catalog.Current?.IsRelevant(kind) == true;

    /// <summary>Evaluates one customer; signals are raised through <paramref name="signals"/>. Answers the change (empty when none).</summary>
    public async Task<DynamicTagChange> EvaluateAsync(string tenant, string customerId, ISignalInbox signals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signals);
        // One point read first: a customer no rule's profile part fits and who carries no rule's tag cannot change, so
        // most signals cost no inbox read (the inbox is a partition range).
        if (await customers.GetAsync(tenant, customerId, cancellationToken).ConfigureAwait(false) is not { } stored
            || (!stored.Value.Tags.Any(t => t.Source.StartsWith(DynamicTagRules.SourcePrefix, StringComparison.Ordinal))
                && !(catalog.Current?.Rules ?? []).Any(r => r.When is null || r.When.Matches(stored.Value))))
        {
            return new DynamicTagChange(null, [], []);
        }

        var inbox = new List<CustomerSignal>();
        await foreach (var s in signals.ListAsync(tenant, customerId, cancellationToken).ConfigureAwait(false))
        {
            inbox.Add(s);
        }

        var now = time.GetUtcNow();
        DynamicTagChange last = new(null, [], []);
        await pool.UpdateAsync(tenant, customerId, c =>
        {
            last = DynamicTagEvaluation.Evaluate(catalog.Current, c, inbox, now);
            return last.Changed;
        }, cancellationToken).ConfigureAwait(false);
        if (last.Changed is null)
        {
            return last;
        }

        var stamp = now.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (tag, rule) in last.Added)
        {
            log.LogInformation("Dynamic tag {Tag} ({Rule}) added to {CustomerId}", tag, rule, customerId);
            await signals.RaiseAsync(new CustomerSignal(tenant, customerId, $"rule:{rule}:added:{stamp}", TagSignalKinds.TagAdded, now,
                new Dictionary<string, string> { ["tag"] = tag, ["rule"] = rule }), cancellationToken).ConfigureAwait(false);
        }

        foreach (var (tag, rule) in last.Removed)
        {
            log.LogInformation("Dynamic tag {Tag} ({Rule}) removed from {CustomerId}", tag, rule, customerId);
            await signals.RaiseAsync(new CustomerSignal(tenant, customerId, $"rule:{rule}:removed:{stamp}", TagSignalKinds.TagRemoved, now,
                new Dictionary<string, string> { ["tag"] = tag, ["rule"] = rule }), cancellationToken).ConfigureAwait(false);
        }

        await tagSync.RequestAsync(tenant, customerId, cancellationToken).ConfigureAwait(false);
        return last;
    }

    /// <summary>
    /// The nightly sweep of a tenant: every profile evaluated (behaviour windows run out without an event), and a WeCom
    /// sync queued for every customer with managed tags, which also repairs tags someone changed in WeCom (drift).
    /// </summary>
    public async Task<DynamicTagSweepResult> SweepAsync(string tenant, ISignalInbox signals, CancellationToken cancellationToken)
    {
        var (seen, changed, synced) = (0, 0, 0);
        await foreach (var customer in reader.ScanAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            seen++;
            var change = await EvaluateAsync(tenant, customer.Id, signals, cancellationToken).ConfigureAwait(false);
            if (change.Changed is not null)
            {
                changed++; // its sync is queued by the evaluation
            }
            else if (customer.Tags.Any(DynamicTagEvaluation.IsManaged))
            {
                await tagSync.RequestAsync(tenant, customer.Id, cancellationToken).ConfigureAwait(false);
                synced++;
            }
        }

        log.LogInformation("Dynamic tag sweep of {Tenant}: {Seen} customers, {Changed} changed, {Synced} reconciled with WeCom", tenant, seen, changed, synced);
        return new DynamicTagSweepResult(seen, changed, synced);
    }
}

/// <summary>What a sweep did.</summary>
public sealed record DynamicTagSweepResult(int Customers, int Changed, int Reconciled);

/// <summary>
/// The signal inbox as the hosts use it, with the acquisition side effects: after a signal is stored (and routed by the
/// inner inbox), the customer's dynamic tags are evaluated again when the rules care about its kind (never for the tag
/// signals themselves, which would loop), and a conversion is counted for the channel code the customer first added through.
/// </summary>
public sealed class DynamicTagSignals(ISignalInbox inner, DynamicTagger tagger, IChannelCodes channelCodes, ICustomerStore customers) : ISignalInbox
{
    /// <inheritdoc />
    public async Task RaiseAsync(CustomerSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        await inner.RaiseAsync(signal, cancellationToken).ConfigureAwait(false);
        if (signal.Kind is TagSignalKinds.TagAdded or TagSignalKinds.TagRemoved or SignalKinds.EmployeeLeft)
        {
            return;
        }

        if (signal.Kind == SignalKinds.Converted
            && (await customers.GetAsync(signal.Tenant, signal.CustomerId, cancellationToken).ConfigureAwait(false))?.Value.Attributes
                .GetValueOrDefault(CustomerEventProcessor.ChannelCodeAttribute) is { } code)
        {
            await channelCodes.RecordAsync(signal.Tenant, code, ChannelCodeMetrics.Conversions, signal.CustomerId, signal.At, cancellationToken).ConfigureAwait(false);
        }

        if (tagger.IsRelevant(signal.Kind))
        {
            await tagger.EvaluateAsync(signal.Tenant, signal.CustomerId, this, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<CustomerSignal> ListAsync(string tenant, string customerId, CancellationToken cancellationToken) =>
        inner.ListAsync(tenant, customerId, cancellationToken);
}
