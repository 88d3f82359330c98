using System.Globalization;
using PrivateDomain.Content;
using PrivateDomain.Customers;
using PrivateDomain.Delivery;

namespace PrivateDomain.Welcome;

/// <summary>The bank's own details that messages name: from the tenant's configuration (<c>WeCom:Tenants:{tenant}:Bank*</c>).</summary>
/// <param name="Name">The bank's name, or null when not configured.</param>
/// <param name="Hotline">The customer-service hotline, or null.</param>
/// <param name="Site">The H5 site (https), or null.</param>
public sealed record BankProfile(string? Name, string? Hotline, Uri? Site);

/// <summary>Everything a welcome decision depends on, gathered beforehand so that the decision itself is pure.</summary>
/// <param name="WelcomeCode">WeCom's welcome_code.</param>
/// <param name="UserId">The employee the customer added.</param>
/// <param name="AddedAt">WeCom's CreateTime of the add event.</param>
/// <param name="Now">Now.</param>
/// <param name="Window">How long after the add a welcome may go (<see cref="WelcomeOptions.Window"/>).</param>
/// <param name="Employee">The employee from the directory, or null if unknown.</param>
/// <param name="Bank">The bank's details.</param>
/// <param name="OptedOut">The customer is known and opted out.</param>
/// <param name="RelationshipEnded">The relationship is known to have ended after this add.</param>
/// <param name="Content">The content library's answer for the welcome template.</param>
public sealed record WelcomeFacts(
    string WelcomeCode,
    string UserId,
    DateTimeOffset AddedAt,
    DateTimeOffset Now,
    TimeSpan Window,
    Employee? Employee,
    BankProfile Bank,
    bool OptedOut,
    bool RelationshipEnded,
    SendableResult? Content);

/// <summary>What to do with a welcome code.</summary>
public abstract record WelcomeDecision;

/// <summary>Send this complete message.</summary>
/// <param name="Rendered">The rendered template.</param>
/// <param name="Request">The send_welcome_msg request.</param>
public sealed record SendWelcome(RenderedMessage Rendered, WelcomeMessage Request) : WelcomeDecision;

/// <summary>Send nothing, and record why.</summary>
/// <param name="Status"><see cref="WelcomeStatus.Skipped"/> or <see cref="WelcomeStatus.Expired"/>.</param>
/// <param name="Reason">A <see cref="WelcomeReasons"/> code, a colon, and what an operator can do about it.</param>
public sealed record DoNotSendWelcome(WelcomeStatus Status, string Reason) : WelcomeDecision;

/// <summary>
/// The welcome decision, pure: expired → not sent; opted out or relationship ended → not sent; then the message must
/// render completely from the employee directory and the bank's configuration, or nothing is sent (no half-rendered
/// message: WeCom then shows the corp's default welcome). The customer's name is never a value here — the add event
/// does not carry it, and the fast path does not spend a WeCom call inside the 20 s window to look up a WeChat nickname,
/// which is no proper form of address anyway — so a welcome template must not use <c>{customer.name}</c>.
/// </summary>
public static class WelcomePlanner
{
    /// <summary>True when the welcome is older than <paramref name="window"/>.</summary>
    public static bool IsExpired(DateTimeOffset addedAt, DateTimeOffset now, TimeSpan window) => now - addedAt > window;

    /// <summary>Decides what to do with one welcome code.</summary>
    public static WelcomeDecision Decide(WelcomeFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var c = CultureInfo.InvariantCulture;
        if (IsExpired(facts.AddedAt, facts.Now, facts.Window))
        {
            return new DoNotSendWelcome(WelcomeStatus.Expired, string.Create(c,
                $"{WelcomeReasons.Expired}: the add event was {(facts.Now - facts.AddedAt).TotalSeconds:F1} s old; WeCom accepts a welcome_code for {facts.Window.TotalSeconds:F0} s"));
        }

        if (facts.OptedOut)
        {
            return new DoNotSendWelcome(WelcomeStatus.Skipped, $"{WelcomeReasons.OptedOut}: the customer opted out of messages");
        }

        if (facts.RelationshipEnded)
        {
            return new DoNotSendWelcome(WelcomeStatus.Skipped, $"{WelcomeReasons.RelationshipEnded}: the relationship was deleted after the add");
        }

        if (facts.Employee is not { } employee)
        {
            return new DoNotSendWelcome(WelcomeStatus.Skipped,
                $"{WelcomeReasons.UnknownEmployee}: {facts.UserId} is not in the employee directory; CRM must send EmployeeUpserted for them");
        }

        if (facts.Content?.Template is not { } template)
        {
            return new DoNotSendWelcome(WelcomeStatus.Skipped, $"{WelcomeReasons.NoTemplate}: {facts.Content?.Refusal?.Message ?? "no content library answer"}");
        }

        RenderedMessage rendered;
        try
        {
            rendered = template.Render(Values(employee, facts.Bank));
        }
        catch (TemplateRenderException e)
        {
            var hint = e.Missing.Contains("customer.name")
                ? " (a welcome template must not use {customer.name}: the add event does not carry it)"
                : e.Missing.Any(m => m.StartsWith("bank.", StringComparison.Ordinal))
                    ? " (set the tenant's WeCom:Tenants:{tenant}:BankName, BankHotline and BankSite)"
                    : e.Missing.Any(m => m.StartsWith("employee.", StringComparison.Ordinal) || m == "branch.name")
                        ? " (CRM's EmployeeUpserted for this employee lacks it)"
                        : "";
            var what = e.Missing.Count > 0 ? "no value for " + string.Join(", ", e.Missing.Select(m => "{" + m + "}")) : string.Join("; ", e.Problems);
            return new DoNotSendWelcome(WelcomeStatus.Skipped, $"{WelcomeReasons.MissingValues}: {template.Template} has {what}{hint}");
        }

        var attachments = new List<WeComAttachment>(rendered.Attachments.Length);
        foreach (var a in rendered.Attachments)
        {
            switch (a.Type)
            {
                case AttachmentType.Link:
                    attachments.Add(WeComAttachment.ForLink(a.Title ?? "", new Uri(a.Url!), a.Description, a.ImageUrl is null ? null : new Uri(a.ImageUrl)));
                    break;
                case AttachmentType.Image:
                    attachments.Add(new WeComAttachment { MsgType = "image", Image = new WeComImage(PicUrl: a.Url) });
                    break;
                default:
                    return new DoNotSendWelcome(WelcomeStatus.Skipped,
                        $"{WelcomeReasons.UnsupportedAttachment}: {template.Template} has a {a.Type} attachment, which needs a media upload the fast path does not do");
            }
        }

        return new SendWelcome(rendered, new WelcomeMessage(facts.WelcomeCode, new WeComText(rendered.Text), attachments.Count == 0 ? null : attachments));
    }

    /// <summary>The placeholder values of a welcome: the employee and the bank, never the customer's name.</summary>
    public static PlaceholderValues Values(Employee employee, BankProfile bank)
    {
        ArgumentNullException.ThrowIfNull(employee);
        ArgumentNullException.ThrowIfNull(bank);
        return new PlaceholderValues
        {
            EmployeeName = employee.Name,
            EmployeeTitle = employee.Title,
            BranchName = employee.BranchName,
            BankName = bank.Name,
            BankHotline = bank.Hotline,
            BankSite = bank.Site,
        };
    }
}
