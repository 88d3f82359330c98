using PrivateDomain.WeCom;

namespace PrivateDomain.Tests.WeCom;

public sealed class CallbackXmlTests
{
    private static string Event(string evt, string change, string extra) =>
        $"<xml><ToUserName><![CDATA[wwcorp]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1764050000</CreateTime>" +
        $"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{evt}]]></Event><ChangeType><![CDATA[{change}]]></ChangeType>{extra}</xml>";

    private const string Contact = "<UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[wmEXT]]></ExternalUserID>";

    [Fact]
    public void An_add_external_contact_carries_employee_customer_state_and_welcome_code()
    {
        var e = CallbackXml.ParseEvent(Event("change_external_contact", "add_external_contact",
            Contact + "<State><![CDATA[qr-村委-07]]></State><WelcomeCode><![CDATA[WC123]]></WelcomeCode>"));

        Assert.Equal(new ExternalContactAdded("wwcorp", DateTimeOffset.FromUnixTimeSeconds(1764050000), "zhangsan", "wmEXT", "qr-村委-07", "WC123"), e);
    }

    [Fact]
    public void An_add_without_welcome_code_has_none()
    {
        var e = Assert.IsType<ExternalContactAdded>(CallbackXml.ParseEvent(Event("change_external_contact", "add_external_contact", Contact)));
        Assert.Null(e.WelcomeCode);
        Assert.Null(e.State);
    }

    [Theory]
    [InlineData("add_half_external_contact", typeof(HalfExternalContactAdded))]
    [InlineData("edit_external_contact", typeof(ExternalContactEdited))]
    [InlineData("del_external_contact", typeof(ExternalContactDeleted))]
    [InlineData("del_follow_user", typeof(FollowUserDeleted))]
    [InlineData("transfer_fail", typeof(CustomerTransferFailed))]
    public void Every_customer_contact_change_has_its_type(string change, Type expected) =>
        Assert.IsType(expected, CallbackXml.ParseEvent(Event("change_external_contact", change, Contact)));

    [Fact]
    public void Deletion_by_transfer_and_transfer_failure_keep_their_reason()
    {
        var deleted = Assert.IsType<ExternalContactDeleted>(CallbackXml.ParseEvent(Event("change_external_contact", "del_external_contact",
            Contact + "<Source><![CDATA[DELETE_BY_TRANSFER]]></Source>")));
        var failed = Assert.IsType<CustomerTransferFailed>(CallbackXml.ParseEvent(Event("change_external_contact", "transfer_fail",
            Contact + "<FailReason><![CDATA[customer_refused]]></FailReason>")));

        Assert.Equal("DELETE_BY_TRANSFER", deleted.Source);
        Assert.Equal("customer_refused", failed.FailReason);
    }

    [Fact]
    public void A_group_chat_member_change_keeps_its_detail_scenes_and_members()
    {
        var e = Assert.IsType<GroupChatUpdated>(CallbackXml.ParseEvent(Event("change_external_chat", "update",
            "<ChatId><![CDATA[wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA]]></ChatId><UpdateDetail><![CDATA[add_member]]></UpdateDetail>" +
            "<JoinScene>1</JoinScene><MemChangeCnt>2</MemChangeCnt><MemChangeList><Item><![CDATA[wmA]]></Item><Item><![CDATA[wmB]]></Item></MemChangeList>")));

        Assert.Equal("add_member", e.UpdateDetail);
        Assert.Equal(1, e.JoinScene);
        Assert.Null(e.QuitScene);
        Assert.Equal(2, e.MemChangeCount);
        Assert.Equal(["wmA", "wmB"], e.MemChangeList);
    }

    [Fact]
    public void Group_chat_create_and_dismiss_and_tag_changes_are_typed()
    {
        Assert.IsType<GroupChatCreated>(CallbackXml.ParseEvent(Event("change_external_chat", "create", "<ChatId>c1</ChatId>")));
        Assert.IsType<GroupChatDismissed>(CallbackXml.ParseEvent(Event("change_external_chat", "dismiss", "<ChatId>c1</ChatId>")));
        var tag = Assert.IsType<CorpTagChanged>(CallbackXml.ParseEvent(Event("change_external_tag", "shuffle",
            "<Id><![CDATA[etXXX]]></Id><TagType><![CDATA[tag_group]]></TagType><StrategyId>1</StrategyId>")));
        Assert.Equal(("shuffle", "etXXX", "tag_group", "1"), (tag.ChangeType, tag.TagId, tag.TagType, tag.StrategyId));
        Assert.Equal("change_external_tag/shuffle", tag.Kind);
    }

    [Fact]
    public void An_event_we_do_not_know_is_kept_as_unrecognised_rather_than_refused()
    {
        var e = Assert.IsType<UnrecognisedEvent>(CallbackXml.ParseEvent(Event("change_external_contact", "brand_new_change", Contact)));
        Assert.Equal("unrecognised/event/change_external_contact/brand_new_change", e.Kind);
    }

    [Theory]
    [InlineData("<!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><xml><ToUserName>&x;</ToUserName></xml>")]
    [InlineData("<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><xml>&lol2;</xml>")]
    [InlineData("<xml><ToUserName>unclosed</xml>")]
    [InlineData("<notxml/>")]
    [InlineData("")]
    public void DTDs_entities_and_broken_xml_are_refused_as_malformed(string xml)
    {
        var e = Assert.Throws<CallbackRejectedException>(() => CallbackXml.ParseEvent(xml));
        Assert.Equal(CallbackRejection.Malformed, e.Reason);
    }

    [Fact]
    public void A_known_event_without_its_customer_is_refused_naming_the_field()
    {
        var e = Assert.Throws<CallbackRejectedException>(() =>
            CallbackXml.ParseEvent(Event("change_external_contact", "add_external_contact", "<UserID>zhangsan</UserID>")));
        Assert.Contains("ExternalUserID", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_over_the_size_bound_is_refused()
    {
        var huge = Event("change_external_contact", "edit_external_contact", Contact + "<Pad>" + new string('x', CallbackXml.MaxCharacters) + "</Pad>");
        Assert.Equal(CallbackRejection.Malformed, Assert.Throws<CallbackRejectedException>(() => CallbackXml.ParseEvent(huge)).Reason);
    }

    [Fact]
    public void The_envelope_yields_its_Encrypt_element()
    {
        Assert.Equal("abc+/=", CallbackXml.ReadEncrypt("<xml><ToUserName><![CDATA[ww]]></ToUserName><Encrypt><![CDATA[abc+/=]]></Encrypt><AgentID>1</AgentID></xml>"));
        Assert.Throws<CallbackRejectedException>(() => CallbackXml.ReadEncrypt("<xml><ToUserName>ww</ToUserName></xml>"));
    }
}
