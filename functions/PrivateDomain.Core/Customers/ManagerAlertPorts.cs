using PrivateDomain.WeCom;

namespace PrivateDomain.Customers;

/// <summary>WeCom events that concern the account manager rather than the pool: a customer deleted them (流失提醒), or
/// they pressed a button of one of the app's cards. Both are called again when an event is processed again; the
/// implementation acts once per deletion and once per press.</summary>
public interface IManagerAlerts
{
    /// <summary>The customer deleted the manager (del_follow_user), already recorded on the relationship.</summary>
    Task CustomerDeletedManagerAsync(string tenant, string customerId, FollowUserDeleted deletion, CancellationToken cancellationToken);

    /// <summary>A manager pressed a template card button (template_card_event).</summary>
    Task CardButtonPressedAsync(string tenant, TemplateCardButtonPressed press, CancellationToken cancellationToken);
}
