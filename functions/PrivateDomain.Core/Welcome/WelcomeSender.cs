using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Content;
using PrivateDomain.Customers;
using PrivateDomain.Delivery;
using PrivateDomain.WeCom;

namespace PrivateDomain.Welcome;

/// <summary>Thrown when another attempt holds a live claim on the welcome code: the queue should retry shortly.</summary>
public sealed class WelcomeInFlightException(string message) : Exception(message);

/// <summary>
/// The welcome fast path: for an add event with a welcome_code (from the <c>welcome-messages</c> queue), decide
/// (<see cref="WelcomePlanner"/>), claim the code in the ledger, call send_welcome_msg once, and record the outcome. A
/// duplicate callback or a redelivered message finds the code's record and sends nothing; a welcome that cannot be
/// completed, or is past WeCom's window, is recorded with its reason and not sent.
/// </summary>
public sealed class WelcomeSender(
    ICallbackEventStore events,
    IEmployeeDirectory employees,
    ICustomerStore customers,
    IRelationshipStore relationships,
    ContentLibrary content,
    IWelcomeLedger ledger,
    IWeComApi weCom,
    IChannelCodes channelCodes,
    IOptions<WeComOptions> tenants,
    IOptions<WelcomeOptions> options,
    TimeProvider time,
    ILogger<WelcomeSender> log)
{
    private readonly ConcurrentDictionary<(string Tenant, string? Branch, string TemplateId), (DateTimeOffset Until, SendableResult Result)> _templates = new();
    private readonly ConcurrentDictionary<(string Tenant, string UserId), (DateTimeOffset Until, Employee Employee)> _employees = new();

    /// <summary>True for the event kinds that can carry a welcome_code.</summary>
    public static bool CanCarryWelcome(string kind) =>
        kind is "change_external_contact/add_external_contact" or "change_external_contact/add_half_external_contact";

    /// <summary>Handles one queued add event. Returns the code's record, or null when there is nothing to welcome (no
    /// welcome_code, not an add, or the event is gone).</summary>
    /// <exception cref="WelcomeInFlightException">Another attempt is sending this code right now; retry shortly.</exception>
    public async Task<WelcomeRecord?> HandleAsync(WelcomeRequest message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!CanCarryWelcome(message.Kind))
        {
            return null;
        }

        var (userId, externalUserId, code, state) = (message.UserId, message.ExternalUserId, message.WelcomeCode, message.State);
        if (userId is null || externalUserId is null || code is null)
        {
            // Enqueued by the outbox sweep, which knows only where the event is.
            var stored = await events.GetAsync(message.Tenant, message.EventKey, message.CreatedAt, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                log.LogWarning("Welcome for WeCom event {EventKey} of {Tenant}: the event is not in the store (erased?)", message.EventKey, message.Tenant);
                return null;
            }

            (userId, externalUserId, code, state) = CallbackXml.ParseEvent(stored.PlaintextXml) switch
            {
                ExternalContactAdded a => (a.UserId, a.ExternalUserId, a.WelcomeCode, a.State),
                HalfExternalContactAdded h => (h.UserId, h.ExternalUserId, h.WelcomeCode, h.State),
                _ => (null, null, null, null),
            };
        }

        if (userId is null || externalUserId is null || string.IsNullOrEmpty(code))
        {
            return null; // no welcome_code: the console's own welcome applies, or a chat had started
        }

        var tenant = message.Tenant;
        var decision = await DecideAsync(tenant, code, userId, externalUserId, state, message.CreatedAt, cancellationToken).ConfigureAwait(false);
        var record = new WelcomeRecord(tenant, code, message.EventKey, userId, externalUserId, message.CreatedAt, WelcomeStatus.Sending, null, time.GetUtcNow(),
            ClaimId: Guid.NewGuid().ToString("N"));
        if (decision is DoNotSendWelcome no)
        {
            record = record with { Status = no.Status, Reason = no.Reason };
        }
        else if (decision is SendWelcome send)
        {
            record = record with { TemplateId = send.Rendered.TemplateId, TemplateVersion = send.Rendered.Version, Text = send.Rendered.Text };
        }

        var etag = await ClaimAsync(record, cancellationToken).ConfigureAwait(false);
        if (etag is null)
        {
            return (await ledger.GetAsync(tenant, code, cancellationToken).ConfigureAwait(false))?.Value;
        }

        if (decision is not SendWelcome welcome)
        {
            log.LogInformation("Welcome for {ExternalUserId} from {UserId} ({Tenant}) not sent: {Status} {Reason}", externalUserId, userId, tenant, record.Status, record.Reason);
            return record;
        }

        var result = await weCom.SendWelcomeMessageAsync(tenant, welcome.Request, cancellationToken).ConfigureAwait(false);
        var outcome = result.Error switch
        {
            null => record with { Status = WelcomeStatus.Sent },
            { Kind: WeComErrorKind.AlreadyDone } => record with { Status = WelcomeStatus.AlreadySent, Reason = result.Error.ToString() },
            var e => record with { Status = WelcomeStatus.Failed, Reason = e.ToString() },
        };
        outcome = outcome with { DecidedAt = time.GetUtcNow() };
        await RecordOutcomeAsync(outcome, etag).ConfigureAwait(false);
        if (outcome.Status == WelcomeStatus.Failed)
        {
            log.LogWarning("Welcome for {ExternalUserId} from {UserId} ({Tenant}) failed: {Reason}", externalUserId, userId, tenant, outcome.Reason);
        }

        return outcome;
    }

    /// <summary>Gathers the facts (concurrently: the window is short) and decides.</summary>
    private async Task<WelcomeDecision> DecideAsync(
        string tenant, string code, string userId, string externalUserId, string? state, DateTimeOffset addedAt, CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        if (WelcomePlanner.IsExpired(addedAt, now, o.Window))
        {
            return WelcomePlanner.Decide(new WelcomeFacts(code, userId, addedAt, now, o.Window, null, new BankProfile(null, null, null), false, false, null));
        }

        var employeeTask = EmployeeAsync(tenant, userId, ct);
        var stateTask = CustomerStateAsync(tenant, userId, externalUserId, addedAt, ct);
        // A channel code with a welcome of its own (an active one) replaces the tenant's welcome template.
        var channelTask = state is null ? Task.FromResult<ChannelCode?>(null) : channelCodes.FindAsync(tenant, state, ct);
        var employee = await employeeTask.ConfigureAwait(false);
        var (optedOut, ended) = await stateTask.ConfigureAwait(false);
        var channel = await channelTask.ConfigureAwait(false);
        var templateId = channel is { AppliesOnAdd: true, WelcomeTemplateId: { } own } ? own : o.TemplateId;
        var template = employee is null ? null : await TemplateAsync(tenant, employee.BranchId, templateId, ct).ConfigureAwait(false);
        var settings = tenants.Value.Tenants.GetValueOrDefault(tenant);
        var bank = new BankProfile(settings?.BankName, settings?.BankHotline, settings?.BankSite);
        return WelcomePlanner.Decide(new WelcomeFacts(code, userId, addedAt, time.GetUtcNow(), o.Window, employee, bank, optedOut, ended, template));
    }

    /// <summary>A known customer's opt-out, and whether this relationship ended after the add (a new customer: neither).</summary>
    private async Task<(bool OptedOut, bool Ended)> CustomerStateAsync(string tenant, string userId, string externalUserId, DateTimeOffset addedAt, CancellationToken ct)
    {
        var id = await customers.FindIdAsync(tenant, IdentityKinds.External, externalUserId, ct).ConfigureAwait(false);
        if (id is null)
        {
            return (false, false);
        }

        var customerTask = customers.GetAsync(tenant, id, ct);
        var relationshipTask = relationships.GetAsync(tenant, userId, externalUserId, ct);
        var customer = await customerTask.ConfigureAwait(false);
        var relationship = await relationshipTask.ConfigureAwait(false);
        var optedOut = customer?.Value.HasTag(Delivery.Policy.DeliveryPolicy.OptedOutTag) == true;
        var ended = relationship?.Value is { } r && r.Status != RelationshipStatus.Active && r.StatusAt > addedAt;
        return (optedOut, ended);
    }

    /// <summary>An employee from the directory, reused for <see cref="WelcomeOptions.ContentCacheDuration"/> (a burst of adds
    /// is for a few account managers); an unknown one is not remembered, so CRM's upsert takes effect at once.</summary>
    private async Task<Employee?> EmployeeAsync(string tenant, string userId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_employees.TryGetValue((tenant, userId), out var cached) && cached.Until > now)
        {
            return cached.Employee;
        }

        var employee = await employees.GetAsync(tenant, userId, ct).ConfigureAwait(false);
        if (employee is not null && options.Value.ContentCacheDuration > TimeSpan.Zero)
        {
            _employees[(tenant, userId)] = (now + options.Value.ContentCacheDuration, employee);
        }

        return employee;
    }

    /// <summary>The sendable welcome template for a branch, reused for <see cref="WelcomeOptions.ContentCacheDuration"/>.
    /// Refusals are not kept, so content published a moment later is picked up at once.</summary>
    private async Task<SendableResult> TemplateAsync(string tenant, string? branch, string templateId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_templates.TryGetValue((tenant, branch, templateId), out var cached) && cached.Until > now)
        {
            return cached.Result;
        }

        var result = await content.GetSendableAsync(templateId, tenant, branch, ct).ConfigureAwait(false);
        if (result.IsSendable && options.Value.ContentCacheDuration > TimeSpan.Zero)
        {
            _templates[(tenant, branch, templateId)] = (now + options.Value.ContentCacheDuration, result);
        }

        return result;
    }

    /// <summary>
    /// Writes the record as the code's first. If the code has one: a final record means a duplicate (null: do nothing
    /// more); a live claim means another attempt is sending (<see cref="WelcomeInFlightException"/>: the queue retries
    /// later); a claim older than the lease belongs to an attempt that died, and is closed as outcome unknown without
    /// calling WeCom — a welcome_code is never sent twice. Returns the ETag to finish with, or null.
    /// </summary>
    private async Task<string?> ClaimAsync(WelcomeRecord record, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await ledger.TryAddAsync(record, ct).ConfigureAwait(false) is { } added)
            {
                return added;
            }

            var existing = await ledger.GetAsync(record.Tenant, record.WelcomeCode, ct).ConfigureAwait(false);
            if (existing is null)
            {
                continue;
            }

            if (existing.Value.ClaimId == record.ClaimId)
            {
                // Our own insert: it reached storage, and the client's retry of it after a timeout was the conflict.
                return existing.ETag;
            }

            if (existing.Value.IsFinal)
            {
                log.LogInformation("Welcome code of event {EventKey} ({Tenant}) was handled before ({Status}); nothing sent again",
                    record.EventKey, record.Tenant, existing.Value.Status);
                return null;
            }

            if (existing.Value.DecidedAt + options.Value.ClaimLease > time.GetUtcNow())
            {
                throw new WelcomeInFlightException($"Welcome code of event {record.EventKey} is being sent by another attempt; retry after it finishes.");
            }

            var closed = existing.Value with
            {
                Status = WelcomeStatus.Failed,
                Reason = $"{WelcomeReasons.OutcomeUnknown}: an attempt claimed the code at {existing.Value.DecidedAt:O} and did not record an outcome; not sent again (a welcome_code is used once)",
                DecidedAt = time.GetUtcNow(),
            };
            if (await ledger.TryReplaceAsync(closed, existing.ETag, ct).ConfigureAwait(false) is not null)
            {
                log.LogWarning("Welcome code of event {EventKey} ({Tenant}) was claimed at {ClaimedAt} and never finished; recorded as outcome unknown",
                    record.EventKey, record.Tenant, existing.Value.DecidedAt);
                return null;
            }
        }

        throw new WelcomeInFlightException($"Welcome code of event {record.EventKey} kept changing under us; retry.");
    }

    /// <summary>Writes the outcome of our WeCom call. Ours is the only call for the code, so it is the truth even if the
    /// claim was meanwhile closed as outcome unknown by an attempt that thought we had died.</summary>
    private async Task RecordOutcomeAsync(WelcomeRecord outcome, string etag)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await ledger.TryReplaceAsync(outcome, etag, CancellationToken.None).ConfigureAwait(false) is not null)
            {
                return;
            }

            if (await ledger.GetAsync(outcome.Tenant, outcome.WelcomeCode, CancellationToken.None).ConfigureAwait(false) is not { } current)
            {
                break;
            }

            etag = current.ETag;
        }

        log.LogWarning("Welcome {Status} for event {EventKey} ({Tenant}), but the record could not be updated", outcome.Status, outcome.EventKey, outcome.Tenant);
    }
}
