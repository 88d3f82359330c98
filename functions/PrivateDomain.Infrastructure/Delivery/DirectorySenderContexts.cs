using Microsoft.Extensions.Options;
using PrivateDomain.Customers;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.WeCom;
using PrivateDomain.Welcome;

namespace PrivateDomain.Delivery.Storage;

/// <summary>
/// A sender's context from the employee directory (name, title, branch — CRM's EmployeeUpserted) and the tenant's bank
/// details (<c>WeCom:Tenants:{tenant}:BankName/BankHotline/BankSite</c>): the same values the welcome message uses. The
/// branch id picks a branch's template overrides.
/// </summary>
public sealed class DirectorySenderContexts(IEmployeeDirectory employees, IOptions<WeComOptions> tenants, PrivateDomain.Pages.SignedPageLinks? pages = null) : ISenderContexts
{
    /// <inheritdoc />
    public async Task<SenderContext?> GetAsync(string tenant, string senderId, CancellationToken cancellationToken)
    {
        if (await employees.GetAsync(tenant, senderId, cancellationToken).ConfigureAwait(false) is not { } employee)
        {
            return null;
        }

        var settings = tenants.Value.Tenants.GetValueOrDefault(tenant);
        var bank = new BankProfile(settings?.BankName, settings?.BankHotline, settings?.BankSite);
        return new SenderContext(tenant, employee.BranchId, WelcomePlanner.Values(employee, bank) with { PageLinks = pages?.For(tenant, senderId) });
    }
}
