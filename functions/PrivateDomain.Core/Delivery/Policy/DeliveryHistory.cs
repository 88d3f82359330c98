using System.Collections.Immutable;
using PrivateDomain.Journeys;

namespace PrivateDomain.Delivery.Policy;

/// <summary>
/// What has already been sent, as the ledger knows it — the policy reads no store itself, so the caller passes what
/// the rules need: this customer's sends and this sender's posts for at least the last seven local days, and the
/// deletion tallies over <see cref="DeliveryPolicyOptions.DeletionRateWindow"/>.
/// </summary>
/// <param name="CustomerSends">Sends to the customer of the request (all channels; the 1:1 caps count 1:1 only).</param>
/// <param name="SenderSends">Posts by the sender of the request, one entry per Moments or group post.</param>
/// <param name="Template">Sends and deletions attributed to the request's template in the window.</param>
/// <param name="Sender">Sends and deletions attributed to the request's sender in the window.</param>
public sealed record DeliveryHistory(
    ImmutableArray<PastSend> CustomerSends,
    ImmutableArray<PastSend> SenderSends,
    DeletionTally Template,
    DeletionTally Sender)
{
    /// <summary>Nothing sent, nothing deleted.</summary>
    public static DeliveryHistory Empty { get; } = new([], [], DeletionTally.None, DeletionTally.None);
}

/// <summary>A send the ledger recorded: its channel, when the task or post was created, and (for a sender's posts)
/// whether it was a personal task (<see cref="DeliveryPolicyOptions.PersonalTasksPerManagerPerDay"/>).</summary>
public readonly record struct PastSend(Channel Channel, DateTimeOffset At, bool Personal = false);

/// <summary>Sends and the deletions (del_follow_user) attributed to them, over the deletion-rate window.</summary>
public readonly record struct DeletionTally(int Sends, int Deletions)
{
    /// <summary>No sends, no deletions.</summary>
    public static DeletionTally None => default;

    /// <summary>Deletions per send; 0 with no sends.</summary>
    public double Rate => Sends <= 0 ? 0 : (double)Deletions / Sends;
}
