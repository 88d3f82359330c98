using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using PrivateDomain.AccountManagers;
using PrivateDomain.Pages;
using PrivateDomain.WeCom;

namespace PrivateDomain.Functions.AccountManagers;

/// <summary>The chat sidebar (聊天工具栏) on Azure, <c>/api/sidebar/{tenant}</c>: the local host's edge (<see cref="ChatSidebarHttp"/>).</summary>
public sealed class ChatSidebarFunctions(
    IWeComWebAuthorisation auth, IJsApiTickets tickets, ChatSidebar sidebar, IOptions<ManagerMessagesOptions> options, IOptions<CampaignPagesOptions> pages,
    IOptions<WeComOptions> tenants, TimeProvider time)
{
    private const string Route = "sidebar/{tenant}";

    /// <summary>The page (after web authorisation).</summary>
    [Function("ChatSidebarPage")]
    public Task<IResult> PageAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest request, string tenant, CancellationToken cancellationToken) =>
        ChatSidebarHttp.PageAsync(tenant, (request ?? throw new ArgumentNullException(nameof(request))).HttpContext, auth, options, pages, tenants, time, cancellationToken);

    /// <summary>The JS-SDK signatures of the page's URL.</summary>
    [Function("ChatSidebarJsConfig")]
    public Task<IResult> JsConfigAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route + "/jsconfig")] HttpRequest request, string tenant, CancellationToken cancellationToken) =>
        ChatSidebarHttp.JsConfigAsync(tenant, (request ?? throw new ArgumentNullException(nameof(request))).HttpContext, tickets, options, tenants, time, cancellationToken);

    /// <summary>The customer in the chat, if the manager has them.</summary>
    [Function("ChatSidebarCustomer")]
    public Task<IResult> CustomerAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route + "/customer")] HttpRequest request, string tenant, CancellationToken cancellationToken) =>
        ChatSidebarHttp.CustomerAsync(tenant, (request ?? throw new ArgumentNullException(nameof(request))).HttpContext, sidebar, options, time, cancellationToken);

    /// <summary>Sets or removes one of the bank's tags.</summary>
    [Function("ChatSidebarTag")]
    public Task<IResult> TagAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route + "/tags")] HttpRequest request, string tenant, CancellationToken cancellationToken) =>
        ChatSidebarHttp.TagAsync(tenant, (request ?? throw new ArgumentNullException(nameof(request))).HttpContext, sidebar, options, time, cancellationToken);

    /// <summary>Marks a task done.</summary>
    [Function("ChatSidebarTaskDone")]
    public Task<IResult> TaskDoneAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route + "/tasks/done")] HttpRequest request, string tenant, CancellationToken cancellationToken) =>
        ChatSidebarHttp.TaskDoneAsync(tenant, (request ?? throw new ArgumentNullException(nameof(request))).HttpContext, sidebar, options, time, cancellationToken);
}
