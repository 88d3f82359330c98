using Microsoft.Extensions.Logging;
using PrivateDomain.WeCom;

namespace PrivateDomain.Customers;

/// <summary>
/// Applies stored WeCom callback events to the pool: profiles, relationships, attribution, group chats, the tag
/// catalogue, and signals for other capabilities. Processing an event again, or events out of order, ends in the same
/// state: relationship changes carry WeCom's CreateTime and never overwrite a newer one, tags and identities are sets,
/// and signals are keyed by the event.
/// </summary>
public sealed class CustomerEventProcessor(
    ICallbackEventStore events,
    ICustomerPool pool,
    ICustomerStore customers,
    IRelationshipStore relationships,
    IChannelCodes channelCodes,
    ISignalInbox signals,
    IGroupChatStore groupChats,
    ICorpTagCatalogue tagCatalogue,
    ICustomerEventRefs eventRefs,
    IErasureTombstones tombstones,
    ICustomerErasureStore erasure,
    Delivery.Sending.IDeliveryHistoryStore deliveryHistory,
    Tags.ITagSyncQueue tagSync,
    IManagerAlerts managerAlerts,
    GroupCodeService groupCodes,
    ILogger<CustomerEventProcessor> log)
{
    /// <summary>How long after a 1:1 send a deletion is blamed on it (three days).</summary>
    public static readonly TimeSpan DeletionAttribution = TimeSpan.FromDays(3);

    /// <summary>The profile attribute naming the channel code a customer first added through.</summary>
    public const string ChannelCodeAttribute = "channelCode";

    /// <summary>The profile attribute naming the customer who referred this one (老带新), set once.</summary>
    public const string ReferredByAttribute = "referredBy";

    /// <summary>The source of a tag a channel code applied: this prefix and the code.</summary>
    public const string ChannelTagSource = "channel:";

    /// <summary>The dynamic tag a customer gets when they delete an account manager.</summary>
    public const string DeletedUsTag = "deleted-us";

    /// <summary>Processes one queued event. Returns false if the stored event is missing (nothing to do).</summary>
    public async Task<bool> ProcessAsync(CallbackEventMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stored = await events.GetAsync(message.Tenant, message.EventKey, message.CreatedAt, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            log.LogWarning("Queued WeCom event {EventKey} for {Tenant} is not in the store (erased?)", message.EventKey, message.Tenant);
            return false;
        }

        var evt = CallbackXml.ParseEvent(stored.PlaintextXml);
        var tenant = message.Tenant;
        var key = message.EventKey;
        if (ContactOf(evt) is { } contact
            && await tombstones.ErasedAtAsync(tenant, contact, cancellationToken).ConfigureAwait(false) is { } erasedAt
            && evt.CreatedAt <= erasedAt)
        {
            // An event about an erased customer from before the erasure (queued, or retried by WeCom): drop it and its raw copy.
            await erasure.DeleteRawEventAsync(tenant, key, message.CreatedAt, cancellationToken).ConfigureAwait(false);
            log.LogInformation("Dropped WeCom event {EventKey} about a contact erased at {ErasedAt}", key, erasedAt);
            return true;
        }

        switch (evt)
        {
            case ExternalContactAdded a:
                await AddedAsync(tenant, key, a.UserId, a.ExternalUserId, a.State, a.WelcomeCode, a.CreatedAt, cancellationToken).ConfigureAwait(false);
                break;
            case HalfExternalContactAdded h:
                await AddedAsync(tenant, key, h.UserId, h.ExternalUserId, h.State, h.WelcomeCode, h.CreatedAt, cancellationToken).ConfigureAwait(false);
                break;
            case ExternalContactEdited e:
                var editedId = await pool.EnsureForExternalUserAsync(tenant, e.ExternalUserId, e.CreatedAt, cancellationToken).ConfigureAwait(false);
                await RefAsync(editedId).ConfigureAwait(false);
                await RaiseAsync(tenant, editedId, key, SignalKinds.ProfileRefreshDue, e.CreatedAt,
                    ("userId", e.UserId), ("externalUserId", e.ExternalUserId)).ConfigureAwait(false);
                break;
            case ExternalContactDeleted d:
                await RefAsync(await SetStatusAsync(tenant, d.UserId, d.ExternalUserId, d.CreatedAt,
                    d.Source == "DELETE_BY_TRANSFER" ? RelationshipStatus.Transferred : RelationshipStatus.DeletedByEmployee,
                    d.Source, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                break;
            case FollowUserDeleted f:
                var customerId = await SetStatusAsync(tenant, f.UserId, f.ExternalUserId, f.CreatedAt,
                    RelationshipStatus.DeletedByCustomer, null, cancellationToken).ConfigureAwait(false);
                await RefAsync(customerId).ConfigureAwait(false);
                await pool.UpdateAsync(tenant, customerId, c => CustomerChanges.WithTag(c, DeletedUsTag, TagKind.Dynamic, "wecom", f.CreatedAt),
                    cancellationToken).ConfigureAwait(false);
                if ((await relationships.GetAsync(tenant, f.UserId, f.ExternalUserId, cancellationToken).ConfigureAwait(false))?.Value.State is { } deletedState)
                {
                    // The code's deletion count: the relationship remembers the code it was added through.
                    await channelCodes.RecordAsync(tenant, deletedState, ChannelCodeMetrics.Deletions, customerId, f.CreatedAt, cancellationToken).ConfigureAwait(false);
                }

                await RaiseAsync(tenant, customerId, key, SignalKinds.DeletedUs, f.CreatedAt,
                    ("userId", f.UserId), ("externalUserId", f.ExternalUserId)).ConfigureAwait(false);
                // The deletion-rate throttle: blamed on the last 1:1 template this manager sent the customer.
                await deliveryHistory.RecordDeletionAsync(tenant, customerId, f.UserId, f.CreatedAt, DeletionAttribution, cancellationToken).ConfigureAwait(false);
                await managerAlerts.CustomerDeletedManagerAsync(tenant, customerId, f, cancellationToken).ConfigureAwait(false);
                break;
            case TemplateCardButtonPressed press:
                await managerAlerts.CardButtonPressedAsync(tenant, press, cancellationToken).ConfigureAwait(false);
                break;
            case CustomerTransferFailed t:
                await RefAsync(await RecordTransferFailureAsync(tenant, t, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                break;
            case GroupChatCreated c:
                await groupChats.SetChatAsync(tenant, c.ChatId, "active", c.CreatedAt, cancellationToken).ConfigureAwait(false);
                break;
            case GroupChatDismissed d:
                await groupChats.SetChatAsync(tenant, d.ChatId, "dismissed", d.CreatedAt, cancellationToken).ConfigureAwait(false);
                break;
            case GroupChatUpdated u:
                await groupChats.SetChatAsync(tenant, u.ChatId, "active", u.CreatedAt, cancellationToken).ConfigureAwait(false);
                if (u.UpdateDetail is "add_member" or "del_member" && u.MemChangeList.Count > 0)
                {
                    var members = new List<string>();
                    foreach (var member in u.MemChangeList)
                    {
                        if (await tombstones.ErasedAtAsync(tenant, member, cancellationToken).ConfigureAwait(false) is { } memberErasedAt
                            && u.CreatedAt <= memberErasedAt)
                        {
                            continue; // an erased customer's old membership change is not recorded again
                        }

                        members.Add(member);
                        // Members are external_userids (customers) or userids (employees). A customer whose add has not been
                        // processed yet (events run in parallel) is referenced under the id that add will give them, so
                        // erasing them later still finds this event.
                        if (await customers.FindIdAsync(tenant, IdentityKinds.External, member, cancellationToken).ConfigureAwait(false) is { } memberId)
                        {
                            await RefAsync(memberId, u.ChatId).ConfigureAwait(false);
                        }
                        else if (LooksLikeExternalUserId(member))
                        {
                            await RefAsync(CustomerIds.FromExternalUserId(tenant, member), u.ChatId).ConfigureAwait(false);
                        }
                    }

                    await groupChats.SetMembersAsync(tenant, u.ChatId, members, u.UpdateDetail == "add_member", u.CreatedAt, cancellationToken)
                        .ConfigureAwait(false);
                    if (u.UpdateDetail == "add_member" && u.JoinScene == GroupCodeService.JoinSceneQr && members.Count > 0)
                    {
                        // The event names no state: WeCom reports it per member in groupchat/get, for a group code's joins.
                        await groupCodes.JoinedByQrAsync(tenant, u.ChatId, members, cancellationToken).ConfigureAwait(false);
                    }
                }

                break;
            case CorpTagChanged tag when tag.TagId is not null:
                await tagCatalogue.RecordChangeAsync(tenant, tag.TagId, tag.TagType ?? "tag", tag.ChangeType, tag.CreatedAt, cancellationToken)
                    .ConfigureAwait(false);
                break;
            default:
                log.LogInformation("WeCom event {EventKey} ({Kind}) for {Tenant} has no effect on the pool", key, evt.Kind, tenant);
                break;
        }

        return true;

        Task RefAsync(string customerId, string? chatId = null) =>
            eventRefs.AddAsync(tenant, customerId, new CustomerEventRef(key, evt.CreatedAt, chatId), cancellationToken);

        Task RaiseAsync(string t, string id, string cause, string kind, DateTimeOffset at, params (string Key, string Value)[] data) =>
            signals.RaiseAsync(new CustomerSignal(t, id, cause + ":" + kind, kind, at, data.ToDictionary(d => d.Key, d => d.Value)), cancellationToken);
    }

    // WeCom's external_userids start with wm (or wo for some older contacts); employees' userids are the corp's own.
    private static bool LooksLikeExternalUserId(string id) =>
        id.Length > 2 && (id.StartsWith("wm", StringComparison.Ordinal) || id.StartsWith("wo", StringComparison.Ordinal));

    /// <summary>The customer (external_userid) a customer-contact event is about.</summary>
    private static string? ContactOf(WeComEvent evt) => evt switch
    {
        ExternalContactAdded e => e.ExternalUserId,
        HalfExternalContactAdded e => e.ExternalUserId,
        ExternalContactEdited e => e.ExternalUserId,
        ExternalContactDeleted e => e.ExternalUserId,
        FollowUserDeleted e => e.ExternalUserId,
        CustomerTransferFailed e => e.ExternalUserId,
        _ => null,
    };

    private async Task AddedAsync(
        string tenant, string eventKey, string userId, string externalUserId, string? state, string? welcomeCode, DateTimeOffset at, CancellationToken ct)
    {
        var customerId = await pool.EnsureForExternalUserAsync(tenant, externalUserId, at, ct).ConfigureAwait(false);
        // The welcome code too: the welcome ledger's row, keyed by it, names the contact.
        await eventRefs.AddAsync(tenant, customerId, new CustomerEventRef(eventKey, at, null, welcomeCode), ct).ConfigureAwait(false);
        var code = state is null ? null : await channelCodes.FindAsync(tenant, state, ct).ConfigureAwait(false);
        string? referredBy = null;
        if (code is { Channel: ChannelKinds.Referral, Partner: { } referrer })
        {
            if (await ReferralRefusalAsync(tenant, customerId, referrer, userId, externalUserId, at, ct).ConfigureAwait(false) is { } refusal)
            {
                log.LogInformation("Add of {CustomerId} through the referral code of {Referrer} not counted as a referral: {Reason}", customerId, referrer, refusal);
                code = code with { Channel = ChannelKinds.ReferralRefused, Partner = null };
            }
            else
            {
                referredBy = referrer;
            }
        }

        var added = new Relationship(tenant, userId, externalUserId, customerId, at, state, code?.Channel, code?.Partner,
            RelationshipStatus.Active, at, null);
        await WriteRelationshipAsync(added, existing => existing.StatusAt > at ? null : added with
        {
            // A re-add keeps the first attribution only if this add carries none.
            State = state ?? existing.State,
            Channel = code?.Channel ?? existing.Channel,
            Partner = code?.Partner ?? existing.Partner,
        }, ct).ConfigureAwait(false);

        if (code is not null)
        {
            // First-touch attribution on the profile; later codes stay on their relationships.
            await pool.UpdateAsync(tenant, customerId, c => c.Attributes.ContainsKey("channel") ? null
                : CustomerChanges.WithAttributes(c, at, ("channel", code.Channel), ("partner", code.Partner), (ChannelCodeAttribute, code.Code)), ct).ConfigureAwait(false);
            await channelCodes.RecordAsync(tenant, code.Code, ChannelCodeMetrics.Adds, customerId, at, ct).ConfigureAwait(false);
            if (code.AppliesOnAdd && code.Tags.Count > 0)
            {
                // The code's tags, kept as ours (source channel:{code}) so CRM's set replacement keeps them, and marked at WeCom.
                await pool.UpdateAsync(tenant, customerId, c => code.Tags.Aggregate((Customer?)null,
                    (changed, tag) => CustomerChanges.WithTag(changed ?? c, tag, TagKind.Dynamic, ChannelTagSource + code.Code, at) ?? changed), ct).ConfigureAwait(false);
                await tagSync.RequestAsync(tenant, customerId, ct).ConfigureAwait(false);
            }
        }

        if (referredBy is not null)
        {
            // Once: the first referral is the one kept; the referrer hears of it (a reward, a journey) through a signal.
            await pool.UpdateAsync(tenant, customerId, c => c.Attributes.ContainsKey(ReferredByAttribute) ? null
                : CustomerChanges.WithAttributes(c, at, (ReferredByAttribute, referredBy)), ct).ConfigureAwait(false);
            await signals.RaiseAsync(new CustomerSignal(tenant, referredBy, eventKey + ":" + SignalKinds.Referred, SignalKinds.Referred, at,
                new Dictionary<string, string> { ["customerId"] = customerId, ["userId"] = userId }), ct).ConfigureAwait(false);
        }

        var data = new Dictionary<string, string> { ["userId"] = userId, ["externalUserId"] = externalUserId };
        if (welcomeCode is not null)
        {
            data["welcomeCode"] = welcomeCode;
        }

        if (state is not null)
        {
            data["state"] = state;
        }

        await signals.RaiseAsync(new CustomerSignal(tenant, customerId, eventKey + ":" + SignalKinds.Added, SignalKinds.Added, at, data), ct)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Why an add through <paramref name="referrer"/>'s referral code is not a referral, or null if it is: the referrer
    /// themselves (self-referral), a customer someone else referred first, a customer who was already ours through
    /// another account manager before this add, or a loop (the new customer is up the referrer's own referral chain).
    /// </summary>
    private async Task<string?> ReferralRefusalAsync(
        string tenant, string customerId, string referrer, string userId, string externalUserId, DateTimeOffset at, CancellationToken ct)
    {
        if (referrer == customerId)
        {
            return "self-referral";
        }

        var profile = (await customers.GetAsync(tenant, customerId, ct).ConfigureAwait(false))?.Value;
        if (profile?.Attributes.GetValueOrDefault(ReferredByAttribute) is { } earlier)
        {
            return earlier == referrer ? null : "already referred by another customer";
        }

        await foreach (var r in relationships.ListByCustomerAsync(tenant, customerId, ct).ConfigureAwait(false))
        {
            if ((r.UserId != userId || r.ExternalUserId != externalUserId) && r.AddedAt < at)
            {
                return "already a customer through " + r.UserId;
            }
        }

        var up = referrer;
        for (var hop = 0; hop < 16; hop++)
        {
            var next = (await customers.GetAsync(tenant, up, ct).ConfigureAwait(false))?.Value.Attributes.GetValueOrDefault(ReferredByAttribute);
            if (next is null)
            {
                return null;
            }

            if (next == customerId)
            {
                return "a referral loop";
            }

            up = next;
        }

        return null;
    }

    private async Task<string> SetStatusAsync(
        string tenant, string userId, string externalUserId, DateTimeOffset at, RelationshipStatus status, string? detail, CancellationToken ct)
    {
        var customerId = await pool.EnsureForExternalUserAsync(tenant, externalUserId, at, ct).ConfigureAwait(false);
        // A deletion we hear of before (or without) the add still records the relationship, so a late add cannot revive it.
        var fresh = new Relationship(tenant, userId, externalUserId, customerId, at, null, null, null, status, at, detail);
        await WriteRelationshipAsync(fresh, existing => existing.StatusAt > at ? null : existing with
        {
            Status = status,
            StatusAt = at,
            StatusDetail = detail,
        }, ct).ConfigureAwait(false);
        return customerId;
    }

    private async Task<string> RecordTransferFailureAsync(string tenant, CustomerTransferFailed t, CancellationToken ct)
    {
        var customerId = await pool.EnsureForExternalUserAsync(tenant, t.ExternalUserId, t.CreatedAt, ct).ConfigureAwait(false);
        var fresh = new Relationship(tenant, t.UserId, t.ExternalUserId, customerId, t.CreatedAt, null, null, null,
            RelationshipStatus.Active, t.CreatedAt, "transfer_fail:" + t.FailReason);
        await WriteRelationshipAsync(fresh, existing => existing.StatusAt > t.CreatedAt ? null : existing with
        {
            StatusAt = t.CreatedAt,
            StatusDetail = "transfer_fail:" + t.FailReason,
        }, ct).ConfigureAwait(false);
        return customerId;
    }

    /// <summary>Inserts <paramref name="fresh"/> or applies <paramref name="change"/> to the stored one (null = keep), with ETag retries.</summary>
    private async Task WriteRelationshipAsync(Relationship fresh, Func<Relationship, Relationship?> change, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var existing = await relationships.GetAsync(fresh.Tenant, fresh.UserId, fresh.ExternalUserId, ct).ConfigureAwait(false);
            if (existing is null)
            {
                if (await relationships.TryWriteAsync(fresh, null, ct).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            var next = change(existing.Value);
            if (next is null || next == existing.Value)
            {
                return;
            }

            if (await relationships.TryWriteAsync(next, existing.ETag, ct).ConfigureAwait(false))
            {
                return;
            }
        }

        throw new InvalidOperationException($"Relationship {fresh.UserId}/{fresh.ExternalUserId} kept changing under us; the event will be retried.");
    }
}
