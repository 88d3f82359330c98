namespace PrivateDomain.Campaigns;

/// <summary>Tells the account manager about a follow-up task (a task card in WeCom). Called every time a task is
/// recorded — also when it existed already — so a crash between the task and the card is repaired by the retry; the
/// implementation sends each task's card once.</summary>
public interface IFollowUpNotices
{
    /// <summary>The task exists: make sure its manager hears of it.</summary>
    Task TaskRecordedAsync(FollowUpTask task, CancellationToken cancellationToken);
}
