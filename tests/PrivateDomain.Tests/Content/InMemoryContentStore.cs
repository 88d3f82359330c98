using PrivateDomain.Content;

namespace PrivateDomain.Tests.Content;

/// <summary>The content ports in memory, for the pure use-case tests (Azurite covers the real stores).</summary>
internal sealed class InMemoryContentStore : ITemplateStore, IContentApprovalLog, ISensitiveWordStore
{
    private readonly Dictionary<string, MessageTemplate> _templates = new(StringComparer.Ordinal);
    private readonly List<ApprovalRecord> _rows = [];
    private SensitiveWordScreen? _screen;

    public IReadOnlyList<ApprovalRecord> Rows => _rows;

    public Task<PublishOutcome> PublishAsync(TemplateScope scope, MessageTemplate content, CancellationToken cancellationToken)
    {
        var key = Key(new TemplateRef(scope, content.Id, content.Version));
        if (_templates.TryGetValue(key, out var existing))
        {
            return Task.FromResult(existing.ContentHash == content.ContentHash ? PublishOutcome.Unchanged : PublishOutcome.Conflict);
        }

        _templates[key] = content;
        return Task.FromResult(PublishOutcome.Created);
    }

    public Task<MessageTemplate?> GetAsync(TemplateRef version, CancellationToken cancellationToken) =>
        Task.FromResult(_templates.GetValueOrDefault(Key(version)));

    public Task<IReadOnlyList<int>> ListVersionsAsync(TemplateScope scope, string id, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<int>>(_templates.Where(kv => kv.Key.StartsWith($"{scope.Key}/{id}/v", StringComparison.Ordinal))
            .Select(kv => kv.Value.Version).Order().ToList());

    public Task<IReadOnlyList<ApprovalRecord>> ReadAsync(TemplateScope scope, string id, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ApprovalRecord>>(_rows.Where(r => r.Template.Scope == scope && r.Template.Id == id).ToList());

    public Task<bool> TryAppendAsync(ApprovalRecord record, CancellationToken cancellationToken)
    {
        if (_rows.Any(r => r.Template == record.Template && r.Sequence == record.Sequence))
        {
            return Task.FromResult(false);
        }

        _rows.Add(record);
        return Task.FromResult(true);
    }

    public Task<SensitiveWordScreen?> GetAsync(CancellationToken cancellationToken) => Task.FromResult(_screen);

    public Task<bool> PublishAsync(SensitiveWordScreen screen, CancellationToken cancellationToken)
    {
        var changed = _screen?.Hash != screen.Hash;
        _screen = screen;
        return Task.FromResult(changed);
    }

    private static string Key(TemplateRef r) => $"{r.Scope.Key}/{r.Id}/v{r.Version}";
}
