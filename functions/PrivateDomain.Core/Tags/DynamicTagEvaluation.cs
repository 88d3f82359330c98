using PrivateDomain.Customers;

namespace PrivateDomain.Tags;

/// <summary>What evaluating the rules changes on a profile.</summary>
/// <param name="Changed">The new profile, or null when nothing changes.</param>
/// <param name="Added">Tags that appear, with their rule.</param>
/// <param name="Removed">Tags that disappear, with their rule.</param>
public sealed record DynamicTagChange(Customer? Changed, IReadOnlyList<(string Tag, string Rule)> Added, IReadOnlyList<(string Tag, string Rule)> Removed);

/// <summary>
/// The rules applied to one profile, pure: a rule that holds adds its tag (source <c>rule:{id}</c>) unless the customer
/// already carries that tag from anywhere; a tag a rule set goes when its rule no longer holds or no longer exists. Tags
/// from CRM, WeCom or channel codes are never removed here.
/// </summary>
public static class DynamicTagEvaluation
{
    /// <summary>Evaluates <paramref name="rules"/> for the customer at <paramref name="now"/>.</summary>
    public static DynamicTagChange Evaluate(DynamicTagRules? rules, Customer customer, IReadOnlyList<CustomerSignal> signals, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(signals);
        var added = new List<(string, string)>();
        var removed = new List<(string, string)>();
        var tags = customer.Tags.ToList();
        var byId = (rules?.Rules ?? []).ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var tag in customer.Tags.Where(t => t.Source.StartsWith(DynamicTagRules.SourcePrefix, StringComparison.Ordinal)))
        {
            var ruleId = tag.Source[DynamicTagRules.SourcePrefix.Length..];
            if (!byId.TryGetValue(ruleId, out var rule) || rule.Tag != tag.Name || !rule.Holds(customer, signals, now))
            {
                tags.Remove(tag);
                removed.Add((tag.Name, ruleId));
            }
        }

        foreach (var rule in rules?.Rules ?? [])
        {
            if (!tags.Any(t => t.Name == rule.Tag) && rule.Holds(customer, signals, now))
            {
                tags.Add(new CustomerTag(rule.Tag, TagKind.Dynamic, rule.Source, now));
                added.Add((rule.Tag, rule.Id));
            }
        }

        return added.Count == 0 && removed.Count == 0
            ? new DynamicTagChange(null, [], [])
            : new DynamicTagChange(customer with { Tags = tags, UpdatedAt = customer.UpdatedAt > now ? customer.UpdatedAt : now }, added, removed);
    }

    /// <summary>True for tags this application manages at WeCom: those channel codes and rules set.</summary>
    public static bool IsManaged(CustomerTag tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return tag.Source.StartsWith(DynamicTagRules.SourcePrefix, StringComparison.Ordinal)
            || tag.Source.StartsWith(CustomerEventProcessor.ChannelTagSource, StringComparison.Ordinal);
    }
}
