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
