using Microsoft.Extensions.Options;

namespace PrivateDomain.Welcome;

/// <summary>Welcome-message settings, bound from the <c>Welcome</c> section.</summary>
public sealed class WelcomeOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Welcome";

    /// <summary>
    /// How long after WeCom's CreateTime of the add event a welcome is still worth sending (default 20 s: WeCom accepts a
    /// welcome_code only that long after the event). Older welcomes are recorded as expired, not sent.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The template id of the welcome message (default <c>welcome.default</c>; branch and bank overrides apply).</summary>
    public string TemplateId { get; set; } = "welcome.default";

    /// <summary>
    /// How long the approved welcome template of a branch, and an employee's directory entry, are reused before they are
    /// read again (default 30 s). Keeps a burst of adds from asking the content library and the directory once per
    /// customer; a withdrawal, a new sensitive word or a CRM change to the employee takes effect within this time. Zero
    /// reads every time.
    /// </summary>
    public TimeSpan ContentCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a "sending" record holds a welcome code (default 25 s: longer than the window, so by then nobody can send
    /// it). A claim older than this is from an attempt that died; it is closed as outcome unknown, never sent again.
    /// Until then a duplicate is retried by its queue.
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(25);
}

/// <summary>Validates <see cref="WelcomeOptions"/> at start-up, naming the key.</summary>
public sealed class WelcomeOptionsValidator : IValidateOptions<WelcomeOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, WelcomeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Window <= TimeSpan.Zero || options.Window > TimeSpan.FromSeconds(20))
        {
            errors.Add("Welcome:Window must be positive and at most 00:00:20 (WeCom accepts a welcome_code for 20 s after the add event).");
        }

        if (string.IsNullOrWhiteSpace(options.TemplateId))
        {
            errors.Add("Welcome:TemplateId must name a message template of kind welcome, such as welcome.default.");
        }

        if (options.ContentCacheDuration < TimeSpan.Zero || options.ContentCacheDuration > TimeSpan.FromMinutes(10))
        {
            errors.Add("Welcome:ContentCacheDuration must be between 00:00:00 and 00:10:00.");
        }

        if (options.ClaimLease < options.Window)
        {
            errors.Add("Welcome:ClaimLease must be at least Welcome:Window (default 00:00:25), or a slow send could be closed while it may still succeed.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
