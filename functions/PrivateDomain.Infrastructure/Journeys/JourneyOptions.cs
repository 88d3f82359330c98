namespace PrivateDomain.Journeys.Storage;

/// <summary>Journey settings, bound from the <c>Journeys</c> section.</summary>
public sealed class JourneyOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Journeys";

    /// <summary>The folder of journey definitions; default <c>content-templates/journeys</c> next to the app (copied on build).</summary>
    public string? DefinitionsPath { get; set; }

    /// <summary>Local runner only: journey seconds per real second (1 = real time; demos and tests run faster).</summary>
    public double ClockSpeed { get; set; } = 1;

    /// <summary>Local runner only: the real instant a fast clock counts from (journey now = epoch + speed × (now − epoch)),
    /// so a restarted host continues the same journey time; unset, the clock counts from the host's start.</summary>
    public DateTimeOffset? ClockEpoch { get; set; }

    /// <summary>The definitions folder actually used.</summary>
    public string ResolvedDefinitionsPath =>
        string.IsNullOrWhiteSpace(DefinitionsPath) ? Path.Combine(AppContext.BaseDirectory, "content-templates", "journeys") : DefinitionsPath;
}
