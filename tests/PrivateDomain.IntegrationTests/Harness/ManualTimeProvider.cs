namespace PrivateDomain.IntegrationTests.Harness;

/// <summary>A clock a test sets by hand.</summary>
public sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    /// <summary>The time it reports.</summary>
    public DateTimeOffset Now { get; set; } = now;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
}
