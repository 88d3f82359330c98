using PrivateDomain.AccountManagers;
using PrivateDomain.Delivery;

namespace PrivateDomain.WeComApi;

/// <summary>The JS-SDK tickets (get_jsapi_ticket, ticket/get?type=agent_config) over the same token, limiter and retries.</summary>
public sealed partial class WeComApiClient
{
    // [90506]: both answer {ticket, expires_in}; each is limited (400 an hour per corp, 100 per app [90454]): cache them.
    private static readonly WeComCall GetJsApiTicket = new("get_jsapi_ticket", HttpMethod.Get, Idempotent: true);
    private static readonly WeComCall GetAgentTicket = new("ticket/get", HttpMethod.Get, Idempotent: true);

    /// <summary>Asks WeCom for a fresh ticket (callers cache it: <see cref="WeComJsApiTickets"/>).</summary>
    public Task<WeComApiResult<JsApiTicketAnswer>> FetchJsApiTicketAsync(string tenant, JsApiTicketKind kind, CancellationToken cancellationToken) =>
        kind == JsApiTicketKind.Corp
            ? CallAsync<JsApiTicketAnswer>(tenant, GetJsApiTicket, null, null, cancellationToken)
            : CallAsync<JsApiTicketAnswer>(tenant, GetAgentTicket, null, "&type=agent_config", cancellationToken);
}

/// <summary>A ticket as WeCom answers it.</summary>
public sealed record JsApiTicketAnswer(string Ticket, long ExpiresIn);
