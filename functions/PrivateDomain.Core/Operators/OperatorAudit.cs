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

/// <summary>An audit row written before the work, to be completed after it.</summary>
/// <param name="Action">The action as written (outcome <see cref="OperatorAudit.Started"/>).</param>
/// <param name="RowId">The row's id in the store.</param>
public sealed record OperatorAuditEntry(OperatorAction Action, string RowId);

/// <summary>
/// The operator audit log. A row is added before an action's work and completed once after it (the outcome, status and
/// counts); a call that dies half way leaves its row <see cref="OperatorAudit.Started"/>. Rows are never deleted.
/// Every text is cut to <see cref="Input.InputLimits.AuditField"/> characters, so no input can make the write fail.
/// </summary>
public interface IOperatorAudit
{
    /// <summary>Adds a finished action (a refusal decided before any work).</summary>
    Task RecordAsync(OperatorAction action, CancellationToken cancellationToken);

    /// <summary>Adds the row of an action about to run, with outcome <see cref="OperatorAudit.Started"/>.</summary>
    Task<OperatorAuditEntry> BeginAsync(OperatorAction action, CancellationToken cancellationToken);

    /// <summary>Completes a row with the action's outcome ("201", "400 …", "500 failed: …"), and its action and target as
    /// <paramref name="entry"/> now names them (the work may have refined them after reading the request).</summary>
    Task CompleteAsync(OperatorAuditEntry entry, string outcome, CancellationToken cancellationToken);

    /// <summary>A tenant's actions on one day (UTC), oldest first.</summary>
    IAsyncEnumerable<OperatorAction> ListAsync(string tenant, DateOnly day, CancellationToken cancellationToken);
}

/// <summary>Audit vocabulary.</summary>
public static class OperatorAudit
{
    /// <summary>The outcome of a row whose work has not finished (or never did: the process died).</summary>
    public const string Started = "started";
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

    /// <summary>Every role the operator API knows.</summary>
    public static IReadOnlyList<string> All { get; } = [Operator, Admin, Auditor];
}
