using PrivateDomain.Content;
using static PrivateDomain.Tests.Content.ContentFixtures;

namespace PrivateDomain.Tests.Content;

public sealed class TemplateRenderingTests
{
    [Fact]
    public void Customer_employee_and_bank_placeholders_are_filled()
    {
        var t = Template("{customer.name}您好，我是{bank.name}{branch.name}的{employee.title}{employee.name}，热线 {bank.hotline}。");

        var m = TemplateRenderer.Render(t, Values);

        Assert.Equal("王女士您好，我是示例农商银行西湖支行的理财经理陈晓，热线 400-000-0000。", m.Text);
        Assert.Equal(("t.one", 1), (m.TemplateId, m.Version));
    }

    [Fact]
    public void A_missing_value_is_an_error_naming_the_placeholder_and_nothing_is_rendered()
    {
        var t = Template("{customer.name}您好，我是{employee.name}。");
        TemplateRenderException? e = null;
        RenderedMessage? rendered = null;

        try
        {
            rendered = TemplateRenderer.Render(t, Values with { CustomerName = " " });
        }
        catch (TemplateRenderException x)
        {
            e = x;
        }

        Assert.Null(rendered);
        Assert.NotNull(e);
        Assert.Equal(["customer.name"], e.Missing);
        Assert.Contains("t.one v1 cannot be rendered: body: no value for {customer.name}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_missing_value_across_fields_is_reported_at_once()
    {
        var t = Template("{customer.name}，{payroll.payday}发薪", extra: """, "attachments": [ { "type": "link", "title": "{bank.name}福利", "url": "{bank.site}/w" } ]""");

        var e = Assert.Throws<TemplateRenderException>(() => TemplateRenderer.Render(t, new PlaceholderValues { CustomerName = "王女士" }));

        Assert.Equal(["bank.name", "bank.site", "payroll.payday"], e.Missing);
        Assert.Contains("attachments[0].title: no value for {bank.name} (the bank's name)", e.Problems);
    }

    [Fact]
    public void An_unknown_placeholder_in_a_template_built_in_code_is_named()
    {
        var t = Template() with { Body = "{customer.nickname}您好" };

        var e = Assert.Throws<TemplateRenderException>(() => TemplateRenderer.Render(t, Values));

        Assert.StartsWith("body: unknown placeholder {customer.nickname}", e.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_is_inserted_as_text_and_never_expanded_again()
    {
        var m = TemplateRenderer.Render(Template("{customer.name}您好"), Values with { CustomerName = "{bank.hotline}" });

        Assert.Equal("{bank.hotline}您好", m.Text);
    }

    [Fact]
    public void Doubled_braces_render_as_single_braces()
    {
        Assert.Equal("{注意} 王女士", TemplateRenderer.Render(Template("{{注意}} {customer.name}"), Values).Text);
    }

    [Fact]
    public void A_link_on_the_banks_site_renders_to_an_absolute_https_url()
    {
        var t = Template(extra: """, "attachments": [ { "type": "link", "title": "福利", "url": "{bank.site}/h5/w?a=1" } ]""");

        var m = TemplateRenderer.Render(t, Values);

        Assert.Equal("https://h5.example-bank.cn/h5/w?a=1", m.Attachments[0].Url);
    }

    [Fact]
    public void A_bank_site_that_is_not_https_fails_the_render()
    {
        var t = Template(extra: """, "attachments": [ { "type": "link", "title": "福利", "url": "{bank.site}/h5/w" } ]""");

        var e = Assert.Throws<TemplateRenderException>(() => TemplateRenderer.Render(t, Values with { BankSite = new Uri("http://h5.example-bank.cn") }));

        Assert.Contains("is not an absolute https URL", e.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_rendered_text_pushed_over_WeComs_limit_by_a_long_value_is_refused()
    {
        var t = Template(new string('息', 1300) + "{customer.name}");

        var e = Assert.Throws<TemplateRenderException>(() => TemplateRenderer.Render(t, Values with { CustomerName = new string('名', 40) }));

        Assert.StartsWith("rendered body: 4020 bytes of UTF-8", e.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_payday_renders_as_a_Chinese_month_and_day()
    {
        Assert.Equal("3月10日发薪", TemplateRenderer.Render(Template("{payroll.payday}发薪"), Values).Text);
    }

    [Fact]
    public void Every_shipped_template_renders_with_complete_values()
    {
        foreach (var f in MessageTemplateFolder.Load(MessagesDirectory))
        {
            var m = TemplateRenderer.Render(f.Template, Values);

            Assert.DoesNotContain("{", m.Text, StringComparison.Ordinal);
            Assert.All(m.Attachments.Where(a => a.Url is not null), a => Assert.StartsWith("https://", a.Url, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_page_placeholder_becomes_a_link_naming_the_page_the_campaign_and_the_template_version_but_not_the_customer()
    {
        var m = TemplateRenderer.Render(Template("福利：{page.welfare} 答题：{page.quiz:fin-1} 产品：{page.product:steady-income-90}", version: 4), Values);

        Assert.Equal("福利：https://pages.example/p/page.welfare/payroll:E-ACME:2026-03/t.one@v4 答题：https://pages.example/p/page.quiz:fin-1/payroll:E-ACME:2026-03/t.one@v4 "
            + "产品：https://pages.example/p/page.product:steady-income-90/payroll:E-ACME:2026-03/t.one@v4", m.Text);
    }

    [Theory]
    [InlineData("{page.product}")] // a product page must name its product
    [InlineData("{page.lottery}")]
    [InlineData("{page.quiz:Bad Id}")]
    public void An_unknown_or_incomplete_page_placeholder_is_refused_when_the_template_is_read(string placeholder)
    {
        Assert.Contains("unknown placeholder", Invalid(Json(placeholder)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_page_links_configured_a_page_placeholder_stops_the_send_naming_the_setting()
    {
        var e = Assert.Throws<TemplateRenderException>(() => TemplateRenderer.Render(Template("{page.welfare}"), Values with { PageLinks = null }));

        Assert.Contains("CampaignPages:BaseUrl", e.Message, StringComparison.Ordinal);
        Assert.Equal(["page.welfare"], e.Missing);
    }
}
