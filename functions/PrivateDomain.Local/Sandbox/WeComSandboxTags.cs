namespace PrivateDomain.Local.Sandbox;

/// <summary>Looking at and changing tag marks as an employee would in the WeCom client (for tests and demos).</summary>
public sealed partial class WeComSandbox
{
    /// <summary>The corp tag names an employee's customer carries, in "group/tag" form, sorted.</summary>
    public IReadOnlyList<string> TagsOn(string userId, string externalUserId)
    {
        if (!Marks.TryGetValue((userId, externalUserId), out var ids))
        {
            return [];
        }

        List<string> copy;
        lock (ids)
        {
            copy = [.. ids];
        }

        return copy.Select(id => TagGroups.Values.FirstOrDefault(g => g.Tags.Any(t => t.Id == id)) is { } g ? g.GroupName + "/" + g.Tags.First(t => t.Id == id).Name : id)
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Acts as the employee removing a tag (by name) from the customer in WeCom: WeCom's copy drifts from ours.</summary>
    public bool RemoveTagAsEmployee(string userId, string externalUserId, string tagName)
    {
        var id = TagGroups.Values.SelectMany(g => g.Tags).FirstOrDefault(t => t.Name == tagName).Id;
        if (id is null || !Marks.TryGetValue((userId, externalUserId), out var ids))
        {
            return false;
        }

        lock (ids)
        {
            return ids.Remove(id);
        }
    }
}
