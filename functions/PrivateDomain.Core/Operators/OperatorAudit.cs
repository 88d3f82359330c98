namespace PrivateDomain.Operators;

/// <summary>One operator action, as the append-only audit keeps it.</summary>
/// <param name="Tenant">The PrivateDomain tenant acted on.</param>
/// <param name="Actor">Who: the token's object id and display name or UPN.</param>
/// <param name="Action">What, e.g. <c>journey.start</c>.</param>
/// <param name="Target">On what, e.g. the journey instance id.</param>
/// <param name="From">From where: the caller's address.</param>
/// <param name="At">When.</param>
/// <param name="Outcome">The HTTP status or result it ended with.</param>
public sealed record OperatorAction(string Tenant, string Actor, string Action, string Target, string From, DateTimeOffset At, string Outcome);

/// <summary>The append-only operator audit log. Rows are only ever added.</summary>
public interface IOperatorAudit
{
    /// <summary>Appends one action.</summary>
    Task RecordAsync(OperatorAction action, CancellationToken cancellationToken);

    /// <summary>A tenant's actions on one day (UTC), oldest first.</summary>
    IAsyncEnumerable<OperatorAction> ListAsync(string tenant, DateOnly day, CancellationToken cancellationToken);
}

/// <summary>Operator roles (Entra app roles in the token's <c>roles</c> claim).</summary>
public static class OperatorRoles
{
    /// <summary>Starts, signals and cancels journeys and campaigns.</summary>
    public const string Operator = "Operator";
    /// <summary>Everything an operator does, plus tenant administration.</summary>
    public const string Admin = "Admin";
    /// <summary>Reads only.</summary>
    public const string Auditor = "Auditor";
}
