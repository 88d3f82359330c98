using System.Text.Json.Serialization;

namespace PrivateDomain.Delivery;

/// <summary>
/// externalcontact/add_moment_task [95094/96351]: a Moments post each sender confirms in WeCom. Asynchronous: the answer
/// is a jobid for get_moment_task_result. Text up to 2,000 characters; up to 9 images, or 1 video, or 1 link.
/// </summary>
public sealed record MomentTask(WeComText? Text, IReadOnlyList<WeComAttachment>? Attachments, MomentVisibleRange? VisibleRange);

/// <summary>Who posts (sender_list; none = everyone in the app's range) and which customers see it (corp tag ids only).</summary>
public sealed record MomentVisibleRange(MomentSenderList? SenderList, MomentExternalContactList? ExternalContactList)
{
    /// <summary>Posted by <paramref name="userIds"/>, seen by customers with any of <paramref name="tagIds"/>.</summary>
    public static MomentVisibleRange For(IReadOnlyList<string> userIds, IReadOnlyList<string>? tagIds) =>
        new(new MomentSenderList(userIds, null), tagIds is { Count: > 0 } ? new MomentExternalContactList(tagIds) : null);
}

/// <summary>The senders: userids (up to 100,000) and departments.</summary>
public sealed record MomentSenderList(IReadOnlyList<string>? UserList, IReadOnlyList<long>? DepartmentList);

/// <summary>The customers who may see the post, by corp tag id (规则组标签 not supported).</summary>
public sealed record MomentExternalContactList(IReadOnlyList<string>? TagList);

/// <summary>add_moment_task's answer: the jobid (valid 24 h).</summary>
public sealed record MomentTaskCreated([property: JsonPropertyName("jobid")] string JobId);

/// <summary>
/// externalcontact/get_moment_task_result [96351] (GET, jobid in the query): status 1 started, 2 running, 3 done; when
/// done, <see cref="Result"/> has the moment_id and the senders and tags WeCom rejected.
/// </summary>
public sealed record MomentTaskResult(int Status, string? Type, MomentTaskOutcome? Result)
{
    /// <summary>True once the task was created (status 3).</summary>
    public bool IsFinished => Status == 3;
}

/// <summary>The finished task: its own errcode, the moment_id, and what was invalid.</summary>
public sealed record MomentTaskOutcome(
    [property: JsonPropertyName("errcode")] int ErrCode,
    [property: JsonPropertyName("errmsg")] string? ErrMsg,
    string? MomentId,
    MomentSenderList? InvalidSenderList,
    MomentExternalContactList? InvalidExternalContactList);

/// <summary>
/// externalcontact/get_moment_list [93333]: the Moments posts created strictly between start and end (WeCom writes
/// "(start_time, end_time)"; at most 30 days apart), by creator and filter_type (0 corp, 1 employee, 2 both, the
/// default). Paged by cursor, at most 20 a page. Used to find a post whose add_moment_task jobid was lost: WeCom does
/// not return <c>creator</c> for posts made through add_moment_task, so match those on time and content.
/// </summary>
public sealed record MomentListQuery(
    long StartTime,
    long EndTime,
    string? Creator = null,
    int? FilterType = null,
    string? Cursor = null,
    int? Limit = null)
{
    /// <summary>filter_type 0: posts the corp created (add_moment_task).</summary>
    public const int CorpPosts = 0;

    /// <summary>filter_type 1: posts employees created themselves.</summary>
    public const int EmployeePosts = 1;

    /// <summary>filter_type 2: both.</summary>
    public const int AllPosts = 2;

    /// <summary>Corp-created posts (filter_type 0) strictly between <paramref name="from"/> and <paramref name="to"/>, 20 a page.</summary>
    public static MomentListQuery CorpPostsBetween(DateTimeOffset from, DateTimeOffset to, string? cursor = null) =>
        new(from.ToUnixTimeSeconds(), to.ToUnixTimeSeconds(), FilterType: CorpPosts, Cursor: cursor, Limit: 20);
}

/// <summary>One page of <see cref="MomentListQuery"/>; an empty <see cref="NextCursor"/> means the last page.</summary>
public sealed record MomentList(
    [property: JsonPropertyName("moment_list")] IReadOnlyList<MomentRecord>? Moments,
    string? NextCursor);

/// <summary>
/// A Moments post as get_moment_list lists it: create_type 0 corp, 1 employee; visible_type 0 some customers, 1 all.
/// <see cref="Creator"/> is absent for posts made through add_moment_task.
/// </summary>
public sealed record MomentRecord(
    string MomentId,
    string? Creator,
    long CreateTime,
    int CreateType,
    int VisibleType,
    WeComText? Text,
    IReadOnlyList<WeComMedia>? Image,
    MomentVideo? Video,
    MomentLink? Link,
    MomentLocation? Location);

/// <summary>A post's video (media ids to download through the temporary media API).</summary>
public sealed record MomentVideo(string MediaId, string? ThumbMediaId);

/// <summary>A post's link.</summary>
public sealed record MomentLink(string? Title, string Url);

/// <summary>A post's location.</summary>
public sealed record MomentLocation(string? Latitude, string? Longitude, string? Name);

/// <summary>
/// externalcontact/get_moment_task [93333]: for a corp-created post, which senders have published it. Paged by cursor,
/// at most 1,000 a page (default 500).
/// </summary>
public sealed record MomentTaskQuery(string MomentId, int? Limit = null, string? Cursor = null);

/// <summary>One page of <see cref="MomentTaskQuery"/>; an empty <see cref="NextCursor"/> means the last page.</summary>
public sealed record MomentTaskList(IReadOnlyList<MomentSenderTask>? TaskList, string? NextCursor);

/// <summary>A sender of a corp-created post and whether they published it.</summary>
public sealed record MomentSenderTask(
    [property: JsonPropertyName("userid")] string UserId,
    MomentPublishStatus PublishStatus);

/// <summary>publish_status on get_moment_task.</summary>
public enum MomentPublishStatus
{
    /// <summary>0 未发表: the employee has not confirmed the post.</summary>
    Unpublished = 0,

    /// <summary>1 已发表.</summary>
    Published = 1,
}
