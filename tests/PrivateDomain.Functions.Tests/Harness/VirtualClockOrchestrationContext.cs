using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.Logging;

namespace PrivateDomain.Functions.Tests.Harness;

/// <summary>
/// The orchestration context the app's orchestrators get in the tests: the test host's context with the
/// <see cref="VirtualClock"/>'s time. Everything else is passed through; retry policies keep their attempts but wait
/// milliseconds between them (their waits are durable timers too).
/// </summary>
internal sealed class VirtualClockOrchestrationContext : TaskOrchestrationContext
{
    private readonly TaskOrchestrationContext _inner;
    private readonly VirtualClock _clock;
    private TimeSpan _offset;

    public VirtualClockOrchestrationContext(TaskOrchestrationContext inner, VirtualClock clock)
    {
        _inner = inner;
        _clock = clock;
        _offset = clock.OffsetAtStart(inner.InstanceId, RawInput(inner));
    }

    public override TaskName Name => _inner.Name;

    public override string InstanceId => _inner.InstanceId;

    public override ParentOrchestrationInstance? Parent => _inner.Parent;

    public override DateTime CurrentUtcDateTime => _inner.CurrentUtcDateTime + _offset;

    public override bool IsReplaying => _inner.IsReplaying;

    public override string Version => _inner.Version;

    public override IReadOnlyDictionary<string, object?> Properties => _inner.Properties;

    public override TaskOrchestrationEntityFeature Entities => _inner.Entities;

    protected override ILoggerFactory LoggerFactory => _inner.ReplaySafeLoggerFactory;

    // The test host hands orchestrators their input as JSON (the adapter cannot know the type the app's orchestrator
    // asks for); it is read with the worker's own converter.
    public override T? GetInput<T>() where T : default => _inner.GetInput<object>() switch
    {
        null => default,
        T typed => typed,
        JsonElement json => JsonDataConverter.Default.Deserialize<T>(json.GetRawText()),
        var other => throw new InvalidCastException($"Orchestration input of type {other.GetType()} is not a {typeof(T)}."),
    };

    public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null) =>
        _inner.CallActivityAsync<TResult>(name, input, Compressed(options));

    public override async Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var held = _clock.HoldAfter is { } hold && new DateTimeOffset(fireAt, TimeSpan.Zero) > hold;
        await _inner.CreateTimer(_inner.CurrentUtcDateTime + (held ? _clock.HeldDelay : _clock.TimerStep), cancellationToken);
        // Fired: the orchestration's time is now the timer's due time (never earlier than it was).
        var offset = fireAt - _inner.CurrentUtcDateTime;
        if (offset > _offset)
        {
            _offset = offset;
        }
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default) =>
        _inner.WaitForExternalEvent<T>(eventName, cancellationToken);

    public override void SendEvent(string instanceId, string eventName, object payload) => _inner.SendEvent(instanceId, eventName, payload);

    public override void SetCustomStatus(object? customStatus) => _inner.SetCustomStatus(customStatus);

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null) =>
        _inner.CallSubOrchestratorAsync<TResult>(orchestratorName, input, Compressed(options));

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
    {
        _clock.Carry(InstanceId, Normalise(JsonDataConverter.Default.Serialize(newInput)), _offset);
        _inner.ContinueAsNew(newInput, preserveUnprocessedEvents);
    }

    public override Guid NewGuid() => _inner.NewGuid();

    private static string RawInput(TaskOrchestrationContext context)
    {
        try
        {
            return context.GetInput<object>() is JsonElement json ? Normalise(json.GetRawText()) : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static string Normalise(string? json) =>
        string.IsNullOrEmpty(json) ? "" : JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

    private static TaskOptions? Compressed(TaskOptions? options) =>
        options?.Retry?.Policy is { } policy
            ? TaskOptions.FromRetryPolicy(new RetryPolicy(
                policy.MaxNumberOfAttempts, TimeSpan.FromMilliseconds(10), policy.BackoffCoefficient, TimeSpan.FromMilliseconds(50)))
            : options;
}
