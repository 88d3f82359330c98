using PrivateDomain.Content;
using PrivateDomain.Delivery.Sending;

namespace PrivateDomain.IntegrationTests.Harness;

/// <summary>The bank and employee details the employee directory and tenant configuration would give, for every sender.</summary>
public sealed class FixedSenderContexts : ISenderContexts
{
    /// <inheritdoc />
    public Task<SenderContext?> GetAsync(string tenant, string senderId, CancellationToken cancellationToken) =>
        Task.FromResult<SenderContext?>(new SenderContext(tenant, null, new PlaceholderValues
        {
            EmployeeName = "张三",
            EmployeeTitle = "理财经理",
            BankName = "示例银行",
            BankHotline = "95500",
            BankSite = new Uri("https://h5.bank.example"),
            BranchName = "城东支行",
        }));
}
