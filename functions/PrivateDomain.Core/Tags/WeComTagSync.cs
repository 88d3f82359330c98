using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Customers;
using PrivateDomain.Delivery;

namespace PrivateDomain.Tags;

/// <summary>Tag settings, bound from the <c>Tags</c> section.</summary>
public sealed class TagOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Tags";

    /// <summary>The WeCom corp tag group that holds the tags this application manages (default 私域标签); created on first use.</summary>
    public string WeComGroupName { get; set; } = "私域标签";

    /// <summary>The local time of the nightly dynamic-tag sweep (default 02:30, the bank's time zone).</summary>
    public TimeOnly SweepAt { get; set; } = new(2, 30);

    /// <summary>The folder of rules files; default <c>content-templates/tag-rules</c> next to the app.</summary>
    public string? RulesPath { get; set; }
}

/// <summary>Thrown when WeCom did not take a tag change; the queue retries the sync later.</summary>
public sealed class TagSyncException(string message) : Exception(message);

/// <summary>
/// Brings a customer's managed tags (<see cref="DynamicTagEvaluation.IsManaged"/>) into line at WeCom, on every
/// relationship the customer has with an account manager: it reads WeCom's copy (<c>externalcontact/get</c>), and marks
/// (<c>mark_tag</c>) what is missing and removes what should not be there, within the app's own tag group only — a
/// manager's own tags and other apps' tags are never touched. Reading WeCom's copy each time makes a sync also the
/// reconciliation when WeCom's copy drifted. Corp tags are created in the group on first use (<c>add_corp_tag</c>).
/// The WeCom client already retries rate limits (45009/45033) with backoff; what still fails throws
/// <see cref="TagSyncException"/> so the queue retries the whole sync later.
/// </summary>
public sealed class WeComTagSync(
    ICustomerStore customers, IRelationshipStore relationships, IWeComApi weCom, IOptions<TagOptions> options, ILogger<WeComTagSync> log)
{
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _tagIds = new(StringComparer.Ordinal);

    /// <summary>Syncs one customer; answers how many mark_tag calls it made.</summary>
    public async Task<int> SyncAsync(string tenant, string customerId, CancellationToken cancellationToken)
    {
        if (await customers.GetAsync(tenant, customerId, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return 0; // erased
        }

        var desired = stored.Value.Tags.Where(DynamicTagEvaluation.IsManaged).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var active = new List<Relationship>();
        await foreach (var r in relationships.ListByCustomerAsync(tenant, customerId, cancellationToken).ConfigureAwait(false))
        {
            if (r.Status == RelationshipStatus.Active)
            {
                active.Add(r);
            }
        }

        if (active.Count == 0)
        {
            return 0;
        }

        var ids = await TagIdsAsync(tenant, desired, cancellationToken).ConfigureAwait(false);
        var desiredIds = desired.Select(n => ids[n]).ToHashSet(StringComparer.Ordinal);
        var groupIds = ids.Values.ToHashSet(StringComparer.Ordinal);
        var calls = 0;
        foreach (var byContact in active.GroupBy(r => r.ExternalUserId, StringComparer.Ordinal))
        {
            var onWeCom = await WeComTagsAsync(tenant, byContact.Key, cancellationToken).ConfigureAwait(false);
            foreach (var r in byContact)
            {
                var current = onWeCom.GetValueOrDefault(r.UserId) ?? [];
                var add = desiredIds.Where(id => !current.Contains(id)).Order(StringComparer.Ordinal).ToList();
                var remove = current.Where(id => groupIds.Contains(id) && !desiredIds.Contains(id)).Order(StringComparer.Ordinal).ToList();
                if (add.Count == 0 && remove.Count == 0)
                {
                    continue;
                }

                calls++;
                var result = await weCom.MarkTagAsync(tenant, new TagMarking(r.UserId, r.ExternalUserId, add.Count == 0 ? null : add, remove.Count == 0 ? null : remove),
                    cancellationToken).ConfigureAwait(false);
                if (result.Error is { } error)
                {
                    if (error.Kind == WeComErrorKind.NotFound || error.Code == WeComErrors.InvalidExternalUserId)
                    {
                        log.LogInformation("mark_tag for {CustomerId} on {UserId}: the relationship is gone at WeCom ({Error}); skipped", customerId, r.UserId, error.Code);
                        continue;
                    }

                    if (error.Code == 40068)
                    {
                        _tagIds.TryRemove(tenant, out _); // a tag deleted in WeCom's admin console: list (and create) again on the retry
                    }

                    throw new TagSyncException($"mark_tag for customer {customerId} on {r.UserId} failed: {error}; the sync is retried from the queue.");
                }
            }
        }

        return calls;
    }

    /// <summary>The tag ids on each follower of a contact at WeCom (all pages).</summary>
    private async Task<Dictionary<string, HashSet<string>>> WeComTagsAsync(string tenant, string externalUserId, CancellationToken ct)
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        string? cursor = null;
        do
        {
            var page = await weCom.GetExternalContactAsync(tenant, externalUserId, cursor, ct).ConfigureAwait(false);
            if (page.Value is not { } detail)
            {
                throw new TagSyncException($"externalcontact/get for {externalUserId} failed: {page.Error}; the sync is retried from the queue.");
            }

            foreach (var follower in detail.FollowUser ?? [])
            {
                var set = result.TryGetValue(follower.UserId, out var s) ? s : result[follower.UserId] = new HashSet<string>(StringComparer.Ordinal);
                set.UnionWith((follower.Tags ?? []).Where(t => t.Type == 1 && t.TagId is not null).Select(t => t.TagId!));
            }

            cursor = string.IsNullOrEmpty(detail.NextCursor) ? null : detail.NextCursor;
        }
        while (cursor is not null);
        return result;
    }

    /// <summary>Name → corp tag id for every tag of the app's group, creating <paramref name="needed"/> ones that do not exist.</summary>
    private async Task<Dictionary<string, string>> TagIdsAsync(string tenant, IReadOnlySet<string> needed, CancellationToken ct)
    {
        if (_tagIds.TryGetValue(tenant, out var cached) && needed.All(cached.ContainsKey))
        {
            return cached;
        }

        var group = options.Value.WeComGroupName;
        var list = await weCom.GetCorpTagListAsync(tenant, CorpTagQuery.All, ct).ConfigureAwait(false);
        if (list.Value is not { } tags)
        {
            throw new TagSyncException($"get_corp_tag_list failed: {list.Error}; the sync is retried from the queue.");
        }

        var existing = tags.TagGroup?.FirstOrDefault(g => g.GroupName == group && !g.Deleted);
        var ids = (existing?.Tag ?? []).Where(t => !t.Deleted).ToDictionary(t => t.Name, t => t.Id, StringComparer.Ordinal);
        var missing = needed.Where(n => !ids.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            var created = await weCom.AddCorpTagAsync(tenant, new NewCorpTags(existing?.GroupId, existing is null ? group : null, null,
                [.. missing.Select(n => new NewCorpTag(n))]), ct).ConfigureAwait(false);
            if (created.Value is not { } answer)
            {
                _tagIds.TryRemove(tenant, out _);
                throw new TagSyncException($"add_corp_tag for {string.Join(", ", missing)} failed: {created.Error}; the sync is retried from the queue.");
            }

            foreach (var t in answer.TagGroup.Tag ?? [])
            {
                ids[t.Name] = t.Id;
            }
        }

        _tagIds[tenant] = ids;
        return ids;
    }
}
