namespace PrivateDomain.Customers;

/// <summary>Kinds of signal the pool raises for other capabilities (welcome messages, journeys, hand-over).</summary>
public static class SignalKinds
{
    /// <summary>A customer added an employee; carries the WelcomeCode when WeCom gave one (usable ~20 s).</summary>
    public const string Added = "added";
    /// <summary>The customer deleted the employee: ends journeys, pauses delivery.</summary>
    public const string DeletedUs = "deleted-us";
    /// <summary>An employee changed the customer in WeCom (remark, tags): refresh through externalcontact/get.</summary>
    public const string ProfileRefreshDue = "profile-refresh-due";
    /// <summary>CRM reported a purchase: a conversion.</summary>
    public const string Converted = "converted";
    /// <summary>CRM reported an abandoned loan application: starts the check-in journey.</summary>
    public const string LoanApplicationAbandoned = "loan-application-abandoned";
    /// <summary>The customer opened a tracked link we host (engagement).</summary>
    public const string Clicked = "clicked";
    /// <summary>The customer opted out on our unsubscribe page: ends journeys; delivery never sends to them again.</summary>
    public const string OptedOut = "opted-out";
    /// <summary>Raised on the referrer: a new customer added through their referral code (data: customerId, userId).</summary>
    public const string Referred = "referred";
    /// <summary>An employee left: their customers are listed for hand-over.</summary>
    public const string EmployeeLeft = "employee-left";
}

/// <summary>
/// A signal about a customer, written to an inbox so that nothing is lost when its consumer (a journey, the welcome
/// message fast path) is not running yet. Its id is derived from the cause, so raising it twice stores it once.
/// </summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="CustomerId">The customer it concerns (or the employee userid for <see cref="SignalKinds.EmployeeLeft"/>).</param>
/// <param name="Id">Idempotency id: the cause's key plus the kind.</param>
/// <param name="Kind">One of <see cref="SignalKinds"/>.</param>
/// <param name="At">When the cause happened.</param>
/// <param name="Data">Small key/value payload (userid, external_userid, welcome code …).</param>
public sealed record CustomerSignal(
    string Tenant, string CustomerId, string Id, string Kind, DateTimeOffset At, IReadOnlyDictionary<string, string> Data);
