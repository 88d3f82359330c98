using PrivateDomain.Customers;

namespace PrivateDomain.Campaigns;

/// <summary>An employer paying salaries through the bank (代发) and its parsed payday rule: what the window finder needs
/// to know about it.</summary>
/// <param name="EmployerId">The employer's id in CRM.</param>
/// <param name="Payday">Its payday rule.</param>
public sealed record PayrollEmployer(string EmployerId, PaydayRule Payday)
{
    /// <summary>The employer of a CRM payroll enrolment, its rule parsed.</summary>
    /// <exception cref="FormatException">The enrolment's rule is not a payday rule; the message names the employer.</exception>
    public static PayrollEmployer From(PayrollEnrolment enrolment)
    {
        ArgumentNullException.ThrowIfNull(enrolment);
        return PaydayRule.TryParse(enrolment.PaydayRule, out var rule, out var error)
            ? new PayrollEmployer(enrolment.EmployerId, rule)
            : throw new FormatException($"Employer {enrolment.EmployerId}: {error}");
    }
}
