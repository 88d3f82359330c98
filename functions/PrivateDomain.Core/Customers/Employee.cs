using System.Text.RegularExpressions;

namespace PrivateDomain.Customers;

/// <summary>
/// An employee (usually an account manager, 客户经理) as the bank's CRM/HR describes them, keyed by their WeCom userid.
/// The welcome message names them, their title and their branch.
/// </summary>
/// <param name="Tenant">The tenant (bank).</param>
/// <param name="UserId">The WeCom userid (成员UserID), as add_external_contact's UserID carries it.</param>
/// <param name="Name">The name customers see, e.g. 陈晓.</param>
/// <param name="Title">The title, e.g. 理财经理; null when CRM has none.</param>
/// <param name="BranchName">The branch (网点) customers see, e.g. 西湖支行; null when CRM has none.</param>
/// <param name="BranchId">The branch's id in the content library (lowercase letters, digits and '-'), choosing a branch's
/// template overrides; null for none.</param>
/// <param name="Version">The CRM version of this employee's record; an older or equal version never overwrites a newer one.</param>
/// <param name="UpdatedAt">When CRM changed it.</param>
public sealed partial record Employee(
    string Tenant, string UserId, string Name, string? Title, string? BranchName, string? BranchId, long Version, DateTimeOffset UpdatedAt)
{
    /// <summary>The userid of the employee's supervisor (e.g. the branch's 网点负责人), from CRM's optional
    /// <c>supervisorUserId</c>: who is offered a recall when a customer deletes this employee, and whose team view lists
    /// them. Null when CRM names none.</summary>
    public string? SupervisorId { get; init; }

    /// <summary>True for a branch id the content library accepts as a scope (<c>branch/{bank}/{branch}</c>).</summary>
    public static bool IsBranchId(string value) => BranchIdPattern().IsMatch(value ?? "");

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex BranchIdPattern();
}

/// <summary>The employee directory: who a WeCom userid is. Fed by CRM's <c>EmployeeUpserted</c>.</summary>
public interface IEmployeeDirectory
{
    /// <summary>One employee, or null if CRM never described them.</summary>
    Task<Employee?> GetAsync(string tenant, string userId, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="employee"/> unless the stored record's version is the same or newer.</summary>
    /// <returns>True if stored; false if it was stale.</returns>
    Task<bool> UpsertAsync(Employee employee, CancellationToken cancellationToken);

    /// <summary>Every employee of the tenant (a directory is hundreds to a few thousand rows).</summary>
    IAsyncEnumerable<Employee> ListAsync(string tenant, CancellationToken cancellationToken);
}
