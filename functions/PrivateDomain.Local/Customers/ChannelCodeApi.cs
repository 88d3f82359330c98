using PrivateDomain.Customers;
using PrivateDomain.Local.Operators;
using PrivateDomain.Operators;

namespace PrivateDomain.Local.Customers;

/// <summary>Operator API for channel codes on the local host, <c>/api/tenants/{tenant}/channel-codes</c> (<see cref="ChannelCodeHttp"/>).</summary>
public static class ChannelCodeApi
{
    /// <summary>Maps the routes (they require an authenticated caller; roles and tenant are checked per call).</summary>
    public static IEndpointRouteBuilder MapChannelCodeApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tenants/{tenant}/channel-codes").RequireAuthorization();
        group.MapPost("", (string tenant, HttpContext http, OperatorAccess access, ChannelCodeService service, CancellationToken ct) =>
                ChannelCodeHttp.CreateAsync(tenant, http, access, service, ct))
            .Describe("channel-codes", "Create a channel code (渠道活码) at WeCom (add_contact_way): its state, one member or a rotation, tags and welcome for adds through it; answers it with the QR URL", ChannelCodeHttp.Writers)
            .DescribeBody<ChannelCodeRequest>().Produces<ChannelCodeHttp.ChannelCodeView>(StatusCodes.Status201Created);
        group.MapGet("", (string tenant, HttpContext http, OperatorAccess access, IChannelCodes codes, CancellationToken ct) =>
                ChannelCodeHttp.ListAsync(tenant, http, access, codes, ct))
            .Describe("channel-codes", "List the tenant's channel codes (deleted ones too)", ChannelCodeHttp.Readers)
            .Produces<ChannelCodeHttp.ChannelCodeList>();
        group.MapGet("/{code}", (string tenant, string code, HttpContext http, OperatorAccess access, IChannelCodes codes, CancellationToken ct) =>
                ChannelCodeHttp.GetAsync(tenant, code, http, access, codes, ct))
            .Describe("channel-codes", "One channel code with its adds, deletions and conversions (each customer once)", ChannelCodeHttp.Readers)
            .Produces<ChannelCodeHttp.ChannelCodeView>();
        group.MapPost("/{code}/pause", (string tenant, string code, HttpContext http, OperatorAccess access, ChannelCodeService service, CancellationToken ct) =>
                ChannelCodeHttp.SetPausedAsync(tenant, code, true, http, access, service, ct))
            .Describe("channel-codes", "Pause a code: adds stay attributed but get no tags and the default welcome (the QR keeps working)", ChannelCodeHttp.Writers)
            .Produces<ChannelCodeHttp.ChannelCodeView>();
        group.MapPost("/{code}/resume", (string tenant, string code, HttpContext http, OperatorAccess access, ChannelCodeService service, CancellationToken ct) =>
                ChannelCodeHttp.SetPausedAsync(tenant, code, false, http, access, service, ct))
            .Describe("channel-codes", "Resume a paused code", ChannelCodeHttp.Writers)
            .Produces<ChannelCodeHttp.ChannelCodeView>();
        group.MapDelete("/{code}", (string tenant, string code, HttpContext http, OperatorAccess access, ChannelCodeService service, CancellationToken ct) =>
                ChannelCodeHttp.DeleteAsync(tenant, code, http, access, service, ct))
            .Describe("channel-codes", "Delete a code at WeCom (del_contact_way): the QR stops working; past adds keep their attribution", ChannelCodeHttp.Writers)
            .Produces<ChannelCodeHttp.ChannelCodeView>();
        app.MapPost("/api/tenants/{tenant}/customers/{customerId}/referral-code", (string tenant, string customerId, HttpContext http, OperatorAccess access,
                ChannelCodeService service, CancellationToken ct) => ChannelCodeHttp.ReferralCodeAsync(tenant, customerId, http, access, service, ct))
            .RequireAuthorization()
            .Describe("channel-codes", "A customer's referral code (老带新): a QR of their account manager whose new adds are recorded as referred by them; made once, the same code after", ChannelCodeHttp.Writers)
            .Produces<ChannelCodeHttp.ChannelCodeView>();
        return app;
    }
}
