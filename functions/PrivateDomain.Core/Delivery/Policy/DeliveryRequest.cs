using PrivateDomain.Customers;
using PrivateDomain.Journeys;

namespace PrivateDomain.Delivery.Policy;

/// <summary>
/// One touch about to be sent, with what the policy must know about the customer. For Moments and group the request
/// stands for the post the touch joins; the per-sender caps count posts, not the customers in their audience.
/// </summary>
/// <param name="Channel">The channel.</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="SenderId">The account manager (WeCom userid) who sends or posts it.</param>
/// <param name="TemplateId">The content template, for the template deletion-rate throttle.</param>
/// <param name="CustomerTags">The customer's current tags; <c>opted-out</c> and <c>deleted-us</c> are honoured.</param>
/// <param name="Relationship">The sender ↔ customer relationship status, when the caller has it.</param>
public sealed record DeliveryRequest(
    Channel Channel,
    string CustomerId,
    string SenderId,
    string TemplateId,
    IReadOnlyCollection<string> CustomerTags,
    RelationshipStatus? Relationship = null)
{
    /// <summary>The request for a touch the journey engine produced.</summary>
    public static DeliveryRequest For(Touch touch, IReadOnlyCollection<string> customerTags, RelationshipStatus? relationship = null)
    {
        ArgumentNullException.ThrowIfNull(touch);
        return new(touch.Channel, touch.CustomerId, touch.SenderId, touch.Content, customerTags, relationship);
    }
}
