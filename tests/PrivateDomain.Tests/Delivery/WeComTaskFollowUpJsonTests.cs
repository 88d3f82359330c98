using System.Text.Json;
using PrivateDomain.Delivery;

namespace PrivateDomain.Tests.Delivery;

/// <summary>The follow-up records read WeCom's documented answers (the samples of documents 93338 and 93333) and write its requests.</summary>
public sealed class WeComTaskFollowUpJsonTests
{
    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, WeComJson.Options)!;

    [Fact]
    public void A_get_groupmsg_task_answer_reads_each_senders_status_and_send_time()
    {
        var list = Read<MassMessageTaskList>("""
            {"errcode":0,"errmsg":"ok","next_cursor":"CURSOR",
             "task_list":[{"userid":"zhangsan","status":2,"send_time":1552536375},{"userid":"lisi","status":0}]}
            """);

        Assert.Equal("CURSOR", list.NextCursor);
        Assert.Equal([("zhangsan", MassMessageSenderStatus.Sent, (long?)1552536375), ("lisi", MassMessageSenderStatus.Unconfirmed, null)],
            list.TaskList!.Select(t => (t.UserId, t.Status, t.SendTime)));
        Assert.True(list.TaskList![0].IsSent);
    }

    [Fact]
    public void A_get_groupmsg_send_result_answer_reads_customers_and_groups_with_their_status()
    {
        var result = Read<MassMessageSendResult>("""
            {"errcode":0,"errmsg":"ok","next_cursor":"",
             "send_list":[{"external_userid":"wmqfasd1e19278asdasAAAA","userid":"zhangsan","status":1,"send_time":1552536375},
                          {"external_userid":"wmqfasd1e19278asdasBBBB","userid":"zhangsan","status":3},
                          {"chat_id":"wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA","userid":"zhangsan","status":2}]}
            """);

        Assert.Equal([MassMessageRecipientStatus.Sent, MassMessageRecipientStatus.ReceiveLimitReached, MassMessageRecipientStatus.NotAFriend],
            result.SendList!.Select(r => r.Status));
        Assert.Equal("wmqfasd1e19278asdasAAAA", result.SendList![0].ExternalUserId);
        Assert.Equal("wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA", result.SendList[2].ChatId);
        Assert.Null(result.SendList[1].SendTime);
    }

    [Fact]
    public void A_get_moment_list_answer_reads_posts_with_their_content()
    {
        var list = Read<MomentList>("""
            {"errcode":0,"errmsg":"ok","next_cursor":"CURSOR",
             "moment_list":[{"moment_id":"momxxx","creator":"xxxx","create_time":1605000000,"create_type":1,"visible_type":1,
               "text":{"content":"test"},"image":[{"media_id":"WWCISP_xxx"}],
               "video":{"media_id":"WWCISP_yyy","thumb_media_id":"WWCISP_zzz"},
               "link":{"title":"腾讯网-QQ.COM","url":"https://www.qq.com"},
               "location":{"latitude":"23.10647","longitude":"113.32446","name":"广州市海珠区"}}]}
            """);

        var moment = Assert.Single(list.Moments!);
        Assert.Equal(("momxxx", "xxxx", 1605000000L, 1, 1), (moment.MomentId, moment.Creator, moment.CreateTime, moment.CreateType, moment.VisibleType));
        Assert.Equal("WWCISP_xxx", Assert.Single(moment.Image!).MediaId);
        Assert.Equal("WWCISP_zzz", moment.Video!.ThumbMediaId);
        Assert.Equal("https://www.qq.com", moment.Link!.Url);
        Assert.Equal("广州市海珠区", moment.Location!.Name);
    }

    [Fact]
    public void A_get_moment_task_answer_reads_each_senders_publish_status()
    {
        var list = Read<MomentTaskList>("""
            {"errcode":0,"errmsg":"ok","next_cursor":"","task_list":[{"userid":"zhangsan","publish_status":1},{"userid":"lisi","publish_status":0}]}
            """);

        Assert.Equal([MomentPublishStatus.Published, MomentPublishStatus.Unpublished], list.TaskList!.Select(t => t.PublishStatus));
    }

    [Fact]
    public void The_queries_write_WeComs_field_names_and_leave_out_what_is_unset()
    {
        Assert.Equal("""{"msgid":"msgA","limit":1000}""", JsonSerializer.Serialize(new MassMessageTaskQuery("msgA", Limit: 1000), WeComJson.Options));
        Assert.Equal("""{"msgid":"msgA","userid":"zhangsan","cursor":"C"}""", JsonSerializer.Serialize(new MassMessageSendResultQuery("msgA", "zhangsan", Cursor: "C"), WeComJson.Options));
        Assert.Equal("""{"moment_id":"momA"}""", JsonSerializer.Serialize(new MomentTaskQuery("momA"), WeComJson.Options));
        Assert.Equal("""{"start_time":1605000000,"end_time":1605172726,"filter_type":0,"limit":20}""",
            JsonSerializer.Serialize(MomentListQuery.CorpPostsBetween(DateTimeOffset.FromUnixTimeSeconds(1605000000), DateTimeOffset.FromUnixTimeSeconds(1605172726)), WeComJson.Options));
    }
}
