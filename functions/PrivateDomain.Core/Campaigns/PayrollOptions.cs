using Microsoft.Extensions.Options;

namespace PrivateDomain.Campaigns;

/// <summary>Payroll-day campaign settings, bound from the <c>Payroll</c> configuration section. Where the calendar files
/// are read from is the host's concern (a folder locally, a blob container in Azure).</summary>
public sealed class PayrollOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Payroll";

    /// <summary>The tenant's IANA time zone (default <c>Asia/Shanghai</c>); campaign days are dates there.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Whether D-5…D-3 count working days (default) or calendar days.</summary>
    public PayrollDayCounting Counting { get; set; } = PayrollDayCounting.WorkingDays;

    /// <summary>How long a tenant's calendar (repository files plus published notices) is reused before it is read
    /// again (default one minute). A publication takes effect at once on the instance that took it; this bounds how
    /// long the others keep the previous calendar.</summary>
    public TimeSpan CalendarRefresh { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Validates <see cref="PayrollOptions"/> at start-up, naming the configuration key that is wrong.</summary>
public sealed class PayrollOptionsValidator : IValidateOptions<PayrollOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PayrollOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone ?? "", out _))
        {
            errors.Add($"Payroll:TimeZone \"{options.TimeZone}\" is not a known time zone; use an IANA id such as Asia/Shanghai.");
        }

        if (!Enum.IsDefined(options.Counting))
        {
            errors.Add($"Payroll:Counting must be {PayrollDayCounting.WorkingDays} or {PayrollDayCounting.CalendarDays}.");
        }

        if (options.CalendarRefresh <= TimeSpan.Zero || options.CalendarRefresh > TimeSpan.FromDays(1))
        {
            errors.Add($"Payroll:CalendarRefresh {options.CalendarRefresh} must be positive and at most a day, e.g. 00:01:00.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
