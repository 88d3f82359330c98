using PrivateDomain.Customers.Crm;

namespace PrivateDomain.Tests.Customers;

public sealed class EmployeeUpsertedMessageTests
{
    private static string Message(string data, string crmId = "") =>
        $$"""{"schema":"privatedomain.crm/1","messageId":"m-1","type":"EmployeeUpserted","tenant":"demo",{{crmId}}"version":4,"occurredAt":"2026-11-25T09:30:00+08:00","data":{{data}}}""";

    [Fact]
    public void An_employee_upsert_needs_no_crm_id_and_carries_name_title_and_branch()
    {
        var m = CrmMessage.Parse(Message("""{"employeeUserId":"zhangsan","name":"张三","title":"理财经理","branchName":"西湖支行","branchId":"xihu"}"""));

        Assert.Null(m.CrmId);
        Assert.Equal(("zhangsan", "张三", "理财经理", "西湖支行", "xihu"),
            (m.DataString("employeeUserId"), m.DataString("name"), m.DataString("title"), m.DataString("branchName"), m.DataString("branchId")));
    }

    [Fact]
    public void An_employee_upsert_without_a_name_is_refused_naming_the_field() =>
        Assert.Equal("data.name is required.", Assert.Throws<CrmMessageException>(() => CrmMessage.Parse(Message("""{"employeeUserId":"zhangsan"}"""))).Message);

    [Fact]
    public void A_branch_id_that_cannot_name_a_content_folder_is_refused() =>
        Assert.StartsWith("data.branchId", Assert.Throws<CrmMessageException>(() =>
            CrmMessage.Parse(Message("""{"employeeUserId":"zhangsan","name":"张三","branchId":"西湖"}"""))).Message, StringComparison.Ordinal);
}
