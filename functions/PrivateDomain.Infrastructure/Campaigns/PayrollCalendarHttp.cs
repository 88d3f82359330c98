using System.Globalization;
using Microsoft.AspNetCore.Http;
using PrivateDomain.Operators;

namespace PrivateDomain.Campaigns;

/// <summary>
/// The working-day calendar's operator edge, shared by both hosts so they answer identically:
/// <c>GET /api/tenants/{tenant}/payroll/calendars</c> (the years in force, a repository file or a publication) and
/// <c>PUT …/calendars/{year}</c> (publish a year's State Council notice without a deploy; Admin only; the same JSON as
/// <c>content-templates/calendars/cn-{year}.json</c> and the same validation). The caller is authenticated before
/// this runs (middleware locally, <see cref="OperatorAccess.AuthenticateAsync"/> in a function). Every call is audited.
/// </summary>
public static class PayrollCalendarHttp
{
    private static readonly string[] Publishers = [OperatorRoles.Admin];
    private static readonly string[] Readers = [OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor];

    /// <summary>A year in force.</summary>
    /// <param name="Year">The year.</param>
    /// <param name="Source"><c>repository</c> (a file shipped with the app) or <c>published</c>.</param>
    /// <param name="Title">The notice's title.</param>
    /// <param name="DocumentNumber">Its document number (发文字号).</param>
    /// <param name="IssuedOn">When it was issued.</param>
    /// <param name="Url">Where the government publishes it.</param>
    /// <param name="PublishedAt">When it was published here (publications only).</param>
    /// <param name="PublishedBy">By whom (publications only).</param>
    public sealed record CalendarYearView(
        int Year, string Source, string Title, string DocumentNumber, DateOnly IssuedOn, Uri Url, DateTimeOffset? PublishedAt, string? PublishedBy);

    /// <summary><c>GET …/payroll/calendars</c>: the years in force (Operator, Admin or Auditor).</summary>
    public static Task<IResult> ListAsync(string tenant, HttpContext http, OperatorAccess access, PayrollCalendars calendars, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(calendars);
        return access.RunAsync(http, tenant, "payroll.calendars", "*", Readers, async _ =>
            Results.Ok((await calendars.YearsAsync(tenant, ct).ConfigureAwait(false)).Select(View)));
    }

    /// <summary><c>PUT …/payroll/calendars/{year}</c>: publishes the notice in the body (Admin): 201 created, 200
    /// replaced, 400 problem+json naming each wrong field, 413 for a body larger than a notice; audited.</summary>
    public static Task<IResult> PublishAsync(int year, string tenant, HttpContext http, OperatorAccess access, PayrollCalendars calendars, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(calendars);
        var target = year.ToString(CultureInfo.InvariantCulture);
        return access.RunAsync(http, tenant, "payroll.calendar.publish", target, Publishers, async _ =>
        {
            var body = await ReadBodyAsync(http.Request, ct).ConfigureAwait(false);
            if (body is null)
            {
                return Results.Problem(detail: $"A notice is at most {PayrollCalendars.MaxNoticeBytes} bytes of JSON.",
                    statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large");
            }

            var publication = await calendars.PublishAsync(tenant, year, body, Actor(http), ct).ConfigureAwait(false);
            if (publication.Outcome == CalendarPublicationOutcome.Invalid)
            {
                return Results.ValidationProblem(ByField(publication.Errors),
                    detail: $"The {target} notice was not published: {publication.Errors[0]}" + (publication.Errors.Count > 1 ? $" (and {publication.Errors.Count - 1} more)" : ""),
                    title: "Invalid calendar notice");
            }

            var inForce = (await calendars.YearsAsync(tenant, ct).ConfigureAwait(false)).First(y => y.Year == year);
            return publication.Outcome == CalendarPublicationOutcome.Created
                ? Results.Created($"/api/tenants/{tenant}/payroll/calendars/{target}", View(inForce))
                : Results.Ok(View(inForce));
        });
    }

    /// <summary>The body, or null if it is longer than a notice can be.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > PayrollCalendars.MaxNoticeBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > PayrollCalendars.MaxNoticeBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The reader's errors keyed by the field each names (<c>makeUpWorkingDays[0].date: …</c>), or <c>body</c>.</summary>
    private static Dictionary<string, string[]> ByField(IReadOnlyList<string> errors) =>
        errors.GroupBy(e => e.IndexOf(": ", StringComparison.Ordinal) is var i and > 0 && !e.StartsWith("not valid JSON", StringComparison.Ordinal) ? e[..i] : "body",
                StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

    /// <summary>The operator as the audit names them: object id and username.</summary>
    private static string Actor(HttpContext http)
    {
        string? Claim(params string[] types) => types.Select(t => http.User.FindFirst(t)?.Value).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        return $"{Claim("oid", "http://schemas.microsoft.com/identity/claims/objectidentifier") ?? "?"} "
            + $"({Claim("preferred_username", "name", System.Security.Claims.ClaimTypes.Name) ?? "unknown"})";
    }

    private static CalendarYearView View(CalendarYearInForce y) => new(
        y.Year, y.Source == CalendarSource.Published ? "published" : "repository", y.Notice.Title, y.Notice.DocumentNumber, y.Notice.IssuedOn,
        y.Notice.Url, y.PublishedAt, y.PublishedBy);
}
