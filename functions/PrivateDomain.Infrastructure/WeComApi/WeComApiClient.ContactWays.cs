using PrivateDomain.Delivery;
using PrivateDomain.WeCom;

namespace PrivateDomain.WeComApi;

/// <summary>The "contact me" calls (<see cref="IWeComContactWays"/>) over the same token, limiter and retry path.</summary>
public sealed partial class WeComApiClient : IWeComContactWays
{
    // add_contact_way is not idempotent: a repeat after an unknown outcome would make a second QR with the same state.
    private static readonly WeComCall AddContactWay = new("externalcontact/add_contact_way", HttpMethod.Post, Idempotent: false);
    private static readonly WeComCall UpdateContactWay = new("externalcontact/update_contact_way", HttpMethod.Post, Idempotent: true);
    private static readonly WeComCall GetContactWay = new("externalcontact/get_contact_way", HttpMethod.Post, Idempotent: true);
    private static readonly WeComCall ListContactWay = new("externalcontact/list_contact_way", HttpMethod.Post, Idempotent: true);
    private static readonly WeComCall DelContactWay = new("externalcontact/del_contact_way", HttpMethod.Post, Idempotent: true);

    /// <inheritdoc />
    public Task<WeComApiResult<ContactWayCreated>> AddContactWayAsync(string tenant, ContactWay way, CancellationToken cancellationToken) =>
        CallAsync<ContactWayCreated>(tenant, AddContactWay, way, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<WeComAck>> UpdateContactWayAsync(string tenant, ContactWay way, CancellationToken cancellationToken) =>
        CallAsync<WeComAck>(tenant, UpdateContactWay, way, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<ContactWayDetail>> GetContactWayAsync(string tenant, string configId, CancellationToken cancellationToken) =>
        CallAsync<ContactWayDetail>(tenant, GetContactWay, new ContactWay(ConfigId: configId), null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<ContactWayList>> ListContactWaysAsync(string tenant, ContactWayListQuery query, CancellationToken cancellationToken) =>
        CallAsync<ContactWayList>(tenant, ListContactWay, query, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<WeComAck>> DeleteContactWayAsync(string tenant, string configId, CancellationToken cancellationToken) =>
        CallAsync<WeComAck>(tenant, DelContactWay, new ContactWay(ConfigId: configId), null, cancellationToken);
}
