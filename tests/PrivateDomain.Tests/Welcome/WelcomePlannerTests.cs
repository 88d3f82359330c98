using PrivateDomain.Content;
using PrivateDomain.Customers;
using PrivateDomain.Welcome;
using static PrivateDomain.Tests.Content.ContentFixtures;

namespace PrivateDomain.Tests.Welcome;

public sealed class WelcomePlannerTests
{
    private static readonly DateTimeOffset AddedAt = new(2026, 11, 25, 9, 30, 0, TimeSpan.FromHours(8));

    private static readonly Employee Chen = new("banka", "chenxiao", "陈晓", "理财经理", "西湖支行", null, 1, AddedAt);

    private static readonly BankProfile Bank = new("示例农商银行", "400-000-0000", new Uri("https://h5.example-bank.cn"));

    /// <summary>The shipped welcome template, newest approved version.</summary>
    private static SendableResult ShippedWelcome()
    {
        var file = MessageTemplateFolder.Load(MessagesDirectory)
            .Where(f => f.Template.Id == "welcome.default" && f.Approval.Status == ApprovalStatus.Approved)
            .MaxBy(f => f.Template.Version)!;
        return Sendable(file.Template);
    }

    private static SendableResult Sendable(MessageTemplate template) =>
        SendableResult.Sendable(new SendableTemplate(template, TemplateScope.Default,
            new ApprovalRecord(new TemplateRef(TemplateScope.Default, template.Id, template.Version), 1, ApprovalAction.Approved, "li.hua", AddedAt, template.ContentHash)));

    private static WelcomeFacts Facts(
        TimeSpan? age = null, Employee? employee = null, bool noEmployee = false, BankProfile? bank = null, bool optedOut = false, bool ended = false,
        SendableResult? content = null) =>
        new("WELCOME-CODE", "chenxiao", AddedAt, AddedAt + (age ?? TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(20),
            noEmployee ? null : employee ?? Chen, bank ?? Bank, optedOut, ended, content ?? ShippedWelcome());

    [Fact]
    public void A_fresh_add_with_a_known_employee_and_a_configured_bank_sends_the_rendered_welcome_naming_both()
    {
        var send = Assert.IsType<SendWelcome>(WelcomePlanner.Decide(Facts()));

        Assert.Equal("WELCOME-CODE", send.Request.WelcomeCode);
        Assert.StartsWith("您好，我是示例农商银行西湖支行的理财经理陈晓", send.Request.Text!.Content, StringComparison.Ordinal);
        Assert.Contains("400-000-0000", send.Request.Text.Content, StringComparison.Ordinal);
        var link = Assert.Single(send.Request.Attachments!);
        Assert.Equal("https://h5.example-bank.cn/h5/welcome-gift", link.Link!.Url);
        Assert.Equal(("welcome.default", 2), (send.Rendered.TemplateId, send.Rendered.Version));
    }

    [Fact]
    public void A_welcome_older_than_the_window_is_expired_and_not_sent()
    {
        var no = Assert.IsType<DoNotSendWelcome>(WelcomePlanner.Decide(Facts(age: TimeSpan.FromSeconds(21))));

        Assert.Equal(WelcomeStatus.Expired, no.Status);
        Assert.StartsWith(WelcomeReasons.Expired + ":", no.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_employee_is_skipped_with_the_userid_in_the_reason()
    {
        var no = Assert.IsType<DoNotSendWelcome>(WelcomePlanner.Decide(Facts(noEmployee: true)));

        Assert.Equal(WelcomeStatus.Skipped, no.Status);
        Assert.StartsWith(WelcomeReasons.UnknownEmployee + ": chenxiao", no.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_bank_details_skip_the_welcome_naming_each_missing_placeholder_rather_than_sending_half_a_message()
    {
        var no = Assert.IsType<DoNotSendWelcome>(WelcomePlanner.Decide(Facts(bank: new BankProfile(null, null, null))));

        Assert.Equal(WelcomeStatus.Skipped, no.Status);
        Assert.StartsWith(WelcomeReasons.MissingValues + ":", no.Reason, StringComparison.Ordinal);
        Assert.Contains("{bank.name}", no.Reason, StringComparison.Ordinal);
        Assert.Contains("{bank.hotline}", no.Reason, StringComparison.Ordinal);
        Assert.Contains("{bank.site}", no.Reason, StringComparison.Ordinal);
        Assert.Contains("BankName", no.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_employee_without_a_title_is_skipped_because_the_template_names_the_title()
    {
        var no = Assert.IsType<DoNotSendWelcome>(WelcomePlanner.Decide(Facts(employee: Chen with { Title = null })));

        Assert.Contains("{employee.title}", no.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_addressing_the_customer_by_name_is_skipped_because_the_add_event_carries_no_name()
    {
        var named = Sendable(Template(body: "{customer.name}您好，我是{employee.name}。", kind: "welcome", id: "welcome.default"));

        var no = Assert.IsType<DoNotSendWelcome>(WelcomePlanner.Decide(Facts(content: named)));

        Assert.Contains("{customer.name}", no.Reason, StringComparison.Ordinal);
        Assert.Contains("must not use {customer.name}", no.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_opted_out_customer_gets_no_welcome() =>
        Assert.Equal(WelcomeReasons.OptedOut, Reason(WelcomePlanner.Decide(Facts(optedOut: true))));

    [Fact]
    public void A_relationship_that_ended_after_the_add_gets_no_welcome() =>
        Assert.Equal(WelcomeReasons.RelationshipEnded, Reason(WelcomePlanner.Decide(Facts(ended: true))));

    [Fact]
    public void No_sendable_template_is_skipped_with_the_library_s_refusal()
    {
        var refused = SendableResult.Refused("welcome.default", ContentRefusalReason.NotApproved, "no approved version of \"welcome.default\"");

        var no = Assert.IsType<DoNotSendWelcome>(WelcomePlanner.Decide(Facts(content: refused)));

        Assert.Equal(WelcomeReasons.NoTemplate + ": no approved version of \"welcome.default\"", no.Reason);
    }

    [Fact]
    public void The_values_never_carry_a_customer_name() =>
        Assert.Null(WelcomePlanner.Values(Chen, Bank).CustomerName);

    private static string Reason(WelcomeDecision decision) =>
        Assert.IsType<DoNotSendWelcome>(decision).Reason.Split(':')[0];
}
