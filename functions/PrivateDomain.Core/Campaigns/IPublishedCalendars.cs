namespace PrivateDomain.Campaigns;

/// <summary>
/// Holiday notices a tenant's operators published without a deploy (<c>PUT …/payroll/calendars/{year}</c>), kept as
/// the JSON they sent — the same document as <c>content-templates/calendars/cn-{year}.json</c>. The store keeps bytes
/// only; <see cref="PayrollCalendars"/> validates them with <see cref="HolidayNoticeReader"/> on the way in and again
/// on the way out, so a document edited by hand in storage cannot slip past the rules.
/// </summary>
public interface IPublishedCalendars
{
    /// <summary>Every notice published for <paramref name="tenant"/>, by year.</summary>
    Task<IReadOnlyList<PublishedCalendarFile>> ListAsync(string tenant, CancellationToken cancellationToken);

    /// <summary>Stores the notice for <paramref name="file"/>'s year, replacing an earlier publication of that year.</summary>
    /// <returns>True if the year had not been published before (created), false if it replaced one.</returns>
    Task<bool> SaveAsync(string tenant, PublishedCalendarFile file, CancellationToken cancellationToken);
}

/// <summary>One published notice as stored.</summary>
/// <param name="Year">The year it is for (the blob's name says so; the JSON must agree).</param>
/// <param name="Json">The document, UTF-8, exactly as it was validated.</param>
/// <param name="PublishedAt">When it was published.</param>
/// <param name="PublishedBy">Who published it (the operator as the audit names them).</param>
public sealed record PublishedCalendarFile(int Year, ReadOnlyMemory<byte> Json, DateTimeOffset PublishedAt, string PublishedBy)
{
    /// <summary>The name the notice goes by in errors: <c>cn-{year}.json (published)</c>, so a conflict says which
    /// side is the repository file and which the publication.</summary>
    public string Name => PublishedName(Year);

    /// <summary>The name of a published year's notice in errors.</summary>
    public static string PublishedName(int year) => FormattableString.Invariant($"cn-{year}.json (published)");
}
