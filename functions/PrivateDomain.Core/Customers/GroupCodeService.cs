using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Content;
using PrivateDomain.Delivery;
using PrivateDomain.Input;
using PrivateDomain.Journeys;
using PrivateDomain.WeCom;

namespace PrivateDomain.Customers;

/// <summary>An operator's request for a new group code.</summary>
/// <param name="Code">The state (≤ 30 characters, WeCom's limit), e.g. <c>g-xihu-salon</c>; never reused.</param>
/// <param name="Name">A name for operators; the remark at WeCom (≤ 30 characters).</param>
/// <param name="ChatIds">1–5 existing customer groups the QR leads to.</param>
/// <param name="AutoCreateRoom">Let WeCom create a new group when these are full (default true, WeCom's default).</param>
/// <param name="RoomBaseName">The name prefix of created groups (≤ 40 characters); needed when <paramref name="AutoCreateRoom"/>.</param>
/// <param name="RoomBaseId">The number created groups count from (default 1).</param>
/// <param name="WelcomeTemplateId">An approved template of kind welcome on the group channel: the group welcome.</param>
public sealed record GroupCodeRequest(
    string? Code, string? Name, IReadOnlyList<string>? ChatIds, bool? AutoCreateRoom, string? RoomBaseName, int? RoomBaseId, string? WelcomeTemplateId);

/// <summary>The outcome of an operator action on a group code: the code, or a problem naming the field (or WeCom's refusal).</summary>
/// <param name="Code">The code after the action.</param>
/// <param name="Field">The field at fault, when refused for bad input.</param>
/// <param name="Problem">What is wrong and how to fix it.</param>
/// <param name="Status">400 bad input, 404 unknown, 409 exists, 502 WeCom refused.</param>
public sealed record GroupCodeOutcome(GroupCode? Code, string? Field = null, string? Problem = null, int Status = 200);

/// <summary>
/// Group codes (群活码): the code row first (a state is taken once), then the group welcome into WeCom's library
/// (<c>group_welcome_template/add</c> with notify, so the groups' owners are asked to apply it — WeCom sends a group's
/// welcome itself, as configured on the group, not per join way), then <c>add_join_way</c> and <c>get_join_way</c> for
/// the QR. Joins are attributed from <c>groupchat/get</c> after a join-by-QR event (<see cref="JoinedByQrAsync"/>).
/// </summary>
public sealed class GroupCodeService(
    IGroupCodes codes, IWeComGroupChats weCom, IGroupChatStore chats, ICustomerStore customers, ContentLibrary content,
    IOptions<WeComOptions> tenants, TimeProvider time, ILogger<GroupCodeService> log)
{
    /// <summary>The most groups a join way takes (WeCom).</summary>
    public const int MaxChats = 5;

    /// <summary>WeCom's limit on a group welcome's text, in UTF-8 bytes.</summary>
    public const int MaxWelcomeBytes = 3000;

    /// <summary>WeCom's join scene of a member who scanned a group QR.</summary>
    public const int JoinSceneQr = 3;

    /// <summary>Checks a request; the first problem as (field, message), or null.</summary>
    public static (string Field, string Message)? Validate(GroupCodeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Identifiers.ChannelCode.Check(request.Code, "code") is { } code)
        {
            return ("code", code + " It is the group QR's state: WeCom reports it for each member who joins through it.");
        }

        if (request.Name is { } name && (name.Length > ChannelCodeService.MaxNameLength || name.Any(char.IsControl)))
        {
            return ("name", $"At most {ChannelCodeService.MaxNameLength} characters without control characters (it is the QR's remark at WeCom).");
        }

        if (request.ChatIds is not { Count: > 0 } ids || ids.Count > MaxChats)
        {
            return ("chatIds", $"Name 1 to {MaxChats} customer groups (chat ids): WeCom's limit for a 「加入群聊」 QR.");
        }

        foreach (var id in ids)
        {
            if (Identifiers.ChatId.Check(id, "chatIds") is { } bad)
            {
                return ("chatIds", bad);
            }
        }

        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
        {
            return ("chatIds", "Each group once.");
        }

        if (request.AutoCreateRoom != false && (string.IsNullOrWhiteSpace(request.RoomBaseName) || request.RoomBaseName.Length > 40 || request.RoomBaseName.Any(char.IsControl)))
        {
            return ("roomBaseName", "When WeCom may create a new group once these are full (autoCreateRoom, the default), name its prefix: 1–40 characters, e.g. 西湖理财沙龙群.");
        }

        if (request.RoomBaseId is < 1 or > 100_000)
        {
            return ("roomBaseId", "The number new groups count from: 1 to 100000.");
        }

        if (request.WelcomeTemplateId is { } template
            && (template.Length is 0 or > 100 || !template.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')))
        {
            return ("welcomeTemplateId", "A template id: lowercase letters, digits, '.' and '-', e.g. welcome.group.");
        }

        return null;
    }

    /// <summary>Creates the code: the group welcome in WeCom's library (when asked for), the join way, its QR.</summary>
    public async Task<GroupCodeOutcome> CreateAsync(string tenant, GroupCodeRequest request, string? by, CancellationToken cancellationToken)
    {
        if (Validate(request) is var (field, message))
        {
            return new GroupCodeOutcome(null, field, message, 400);
        }

        (GroupWelcomeTemplate Welcome, int Version)? welcome = null;
        if (request.WelcomeTemplateId is { } templateId)
        {
            var made = await GroupWelcomeAsync(tenant, templateId, cancellationToken).ConfigureAwait(false);
            if (made.Problem is { } problem)
            {
                return new GroupCodeOutcome(null, "welcomeTemplateId", problem, 400);
            }

            welcome = (made.Welcome!, made.Version);
        }

        // The groups must exist and be customer groups this app sees; their owners are whose figures are read daily.
        foreach (var chatId in request.ChatIds!)
        {
            var chat = await weCom.GetGroupChatAsync(tenant, chatId, cancellationToken).ConfigureAwait(false);
            if (chat.Value?.GroupChat is not { } info)
            {
                return chat.Error is { Kind: WeComErrorKind.InvalidInput or WeComErrorKind.NotFound or WeComErrorKind.Permission }
                    ? new GroupCodeOutcome(null, "chatIds", $"WeCom does not know {chatId} as a customer group this app may use ({chat.Error}).", 400)
                    : new GroupCodeOutcome(null, null, $"WeCom did not answer for group {chatId} ({chat.Error}); try again.", 502);
            }

            if (info.Owner is { Length: > 0 } owner)
            {
                await chats.SetOwnerAsync(tenant, chatId, owner, cancellationToken).ConfigureAwait(false);
            }
        }

        var code = new GroupCode(request.Code!)
        {
            Name = request.Name,
            ChatIds = [.. request.ChatIds!],
            AutoCreateRoom = request.AutoCreateRoom != false,
            RoomBaseName = request.AutoCreateRoom != false ? request.RoomBaseName!.Trim() : null,
            RoomBaseId = request.AutoCreateRoom != false ? request.RoomBaseId ?? 1 : null,
            WelcomeTemplateId = request.WelcomeTemplateId,
            WelcomeTemplateVersion = welcome?.Version,
            Status = ChannelCodeStatus.Creating,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = by,
        };
        if (!await codes.TryAddAsync(tenant, code, cancellationToken).ConfigureAwait(false))
        {
            return new GroupCodeOutcome(null, "code", $"The group code {code.Code} exists (a state is never reused, even after a code is deleted); choose another.", 409);
        }

        if (welcome is { } w)
        {
            var added = await weCom.AddGroupWelcomeTemplateAsync(tenant, w.Welcome with { Notify = 1 }, cancellationToken).ConfigureAwait(false);
            if (added.Value is not { } entry)
            {
                await codes.SaveAsync(tenant, code with { Status = ChannelCodeStatus.Deleted }, cancellationToken).ConfigureAwait(false);
                return new GroupCodeOutcome(null, "welcomeTemplateId", $"WeCom refused the group welcome: {added.Error}. The library holds at most 100 group welcomes.", 502);
            }

            code = code with { WeComWelcomeTemplateId = entry.TemplateId };
            await codes.SaveAsync(tenant, code, cancellationToken).ConfigureAwait(false);
        }

        var way = new JoinWay(Scene: 2, Remark: code.Name, AutoCreateRoom: code.AutoCreateRoom ? 1 : 0, RoomBaseName: code.RoomBaseName, RoomBaseId: code.RoomBaseId,
            ChatIdList: code.ChatIds, State: code.Code);
        var created = await weCom.AddJoinWayAsync(tenant, way, cancellationToken).ConfigureAwait(false);
        if (created.Value is not { } answer)
        {
            var error = created.Error!;
            if (error.Kind == WeComErrorKind.Indeterminate)
            {
                log.LogWarning("add_join_way for group code {Code} ({Tenant}) has an unknown outcome: {Error}", code.Code, tenant, error);
                return new GroupCodeOutcome(code, null, $"WeCom did not say whether the group QR was created ({error}); it stays as Creating — delete it and create another.", 502);
            }

            await codes.SaveAsync(tenant, code with { Status = ChannelCodeStatus.Deleted }, cancellationToken).ConfigureAwait(false);
            return new GroupCodeOutcome(null, "chatIds", $"WeCom refused the group QR: {error}. Check that the groups are customer groups whose owners are in the app's visible range.", 502);
        }

        code = code with { ConfigId = answer.ConfigId };
        var detail = await weCom.GetJoinWayAsync(tenant, answer.ConfigId, cancellationToken).ConfigureAwait(false);
        code = code with { QrCode = detail.Value?.JoinWay.QrCode, Status = ChannelCodeStatus.Active };
        await codes.SaveAsync(tenant, code, cancellationToken).ConfigureAwait(false);
        log.LogInformation("Group code {Code} ({Tenant}) created at WeCom as {ConfigId}", code.Code, tenant, answer.ConfigId);
        return new GroupCodeOutcome(code);
    }

    /// <summary>Deletes the QR at WeCom (del_join_way); the row stays so past joins keep their attribution. The group
    /// welcome stays in WeCom's library: the groups' owners may have applied it to their groups.</summary>
    public async Task<GroupCodeOutcome> DeleteAsync(string tenant, string code, CancellationToken cancellationToken)
    {
        if (await codes.FindAsync(tenant, code, cancellationToken).ConfigureAwait(false) is not { } existing)
        {
            return new GroupCodeOutcome(null, "code", $"No group code {code}.", 404);
        }

        if (existing.Status == ChannelCodeStatus.Deleted)
        {
            return new GroupCodeOutcome(existing);
        }

        if (existing.ConfigId is { } configId)
        {
            var deleted = await weCom.DeleteJoinWayAsync(tenant, configId, cancellationToken).ConfigureAwait(false);
            if (deleted.Error is { } error && error.Kind is not (WeComErrorKind.NotFound or WeComErrorKind.InvalidInput))
            {
                return new GroupCodeOutcome(existing, null, $"WeCom did not delete the group QR: {error}. Try again.", 502);
            }
        }

        var next = existing with { Status = ChannelCodeStatus.Deleted };
        await codes.SaveAsync(tenant, next, cancellationToken).ConfigureAwait(false);
        return new GroupCodeOutcome(next);
    }

    /// <summary>The code's joins per group (groups WeCom created when the code's were full included) and how many of those
    /// customers have left again.</summary>
    public async Task<IReadOnlyList<GroupCodeChatStats>> StatsAsync(string tenant, GroupCode code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(code);
        var joins = new Dictionary<string, List<GroupCodeJoin>>(StringComparer.Ordinal);
        foreach (var chat in code.ChatIds)
        {
            joins[chat] = [];
        }

        await foreach (var join in codes.JoinsAsync(tenant, code.Code, cancellationToken).ConfigureAwait(false))
        {
            (joins.TryGetValue(join.ChatId, out var list) ? list : joins[join.ChatId] = []).Add(join);
        }

        var stats = new List<GroupCodeChatStats>();
        foreach (var (chat, list) in joins)
        {
            var members = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var m in chats.MembersAsync(tenant, chat, cancellationToken).ConfigureAwait(false))
            {
                if (await customers.FindIdAsync(tenant, IdentityKinds.External, m, cancellationToken).ConfigureAwait(false) is { } id)
                {
                    members.Add(id);
                }

                members.Add(CustomerIds.FromExternalUserId(tenant, m));
            }

            stats.Add(new GroupCodeChatStats(chat, list.Count, list.Count(j => !members.Contains(j.CustomerId))));
        }

        return stats;
    }

    /// <summary>
    /// Members joined <paramref name="chatId"/> by scanning a group QR (change_external_chat add_member, JoinScene 3): reads
    /// the group (groupchat/get) for each member's state and records the joins through our group codes, and the group's owner.
    /// Throws when WeCom could not answer for now (the event is processed again); a group WeCom refuses to show (unknown,
    /// not permitted, no app configured) is skipped with a warning.
    /// </summary>
    public async Task<int> JoinedByQrAsync(string tenant, string chatId, IReadOnlyCollection<string> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(members);
        var read = await weCom.GetGroupChatAsync(tenant, chatId, cancellationToken).ConfigureAwait(false);
        if (read.Value?.GroupChat is not { } chat)
        {
            if (read.Error is not { Kind: WeComErrorKind.Transient or WeComErrorKind.Throttled or WeComErrorKind.Indeterminate or WeComErrorKind.Unknown })
            {
                log.LogWarning("Group {ChatId} ({Tenant}) cannot be read at WeCom ({Error}); its QR joins stay unattributed", chatId, tenant, read.Error);
                return 0;
            }

            throw new InvalidOperationException($"Reading group {chatId} for its join states failed: {read.Error}; the event is processed again.");
        }

        if (chat.Owner is { Length: > 0 } owner)
        {
            await chats.SetOwnerAsync(tenant, chatId, owner, cancellationToken).ConfigureAwait(false);
        }

        var recorded = 0;
        foreach (var member in chat.MemberList ?? [])
        {
            if (member.Type != 2 || member.State is not { Length: > 0 } state || !members.Contains(member.UserId)
                || await codes.FindAsync(tenant, state, cancellationToken).ConfigureAwait(false) is not { } code)
            {
                continue;
            }

            var customerId = await customers.FindIdAsync(tenant, IdentityKinds.External, member.UserId, cancellationToken).ConfigureAwait(false)
                ?? CustomerIds.FromExternalUserId(tenant, member.UserId);
            await codes.RecordJoinAsync(tenant, code.Code, new GroupCodeJoin(chatId, customerId, DateTimeOffset.FromUnixTimeSeconds(member.JoinTime)), cancellationToken)
                .ConfigureAwait(false);
            recorded++;
        }

        return recorded;
    }

    /// <summary>The group welcome WeCom's library takes, made from an approved template of kind welcome on the group channel:
    /// its text (bank placeholders only — one welcome serves every group of the code, whoever owns it) and its first link.</summary>
    public async Task<(GroupWelcomeTemplate? Welcome, int Version, string? Problem)> GroupWelcomeAsync(string tenant, string templateId, CancellationToken cancellationToken)
    {
        var sendable = await content.GetSendableAsync(templateId, tenant, null, cancellationToken).ConfigureAwait(false);
        if (sendable.Template is not { } t)
        {
            return (null, 0, $"{templateId} cannot be sent: {sendable.Refusal?.Message}");
        }

        if (t.Template.Kind != ContentKind.Welcome || t.Template.Channel != Channel.Group)
        {
            return (null, 0, $"{templateId} is a {ContentNames.Of(t.Template.Kind)} template on {ContentNames.Of(t.Template.Channel)}; a group welcome is of kind welcome on the group channel.");
        }

        var bank = tenants.Value.Tenants.GetValueOrDefault(tenant);
        RenderedMessage rendered;
        try
        {
            rendered = t.Render(new PlaceholderValues { BankName = bank?.BankName, BankHotline = bank?.BankHotline, BankSite = bank?.BankSite });
        }
        catch (TemplateRenderException e)
        {
            return (null, 0, $"{templateId} cannot be a group welcome: {string.Join("; ", e.Problems.Concat(e.Missing))}. One group welcome serves every group of the code, so it may use the bank's placeholders only.");
        }

        if (Encoding.UTF8.GetByteCount(rendered.Text) > MaxWelcomeBytes)
        {
            return (null, 0, $"{templateId}'s text is over WeCom's {MaxWelcomeBytes} bytes for a group welcome.");
        }

        var link = rendered.Attachments.FirstOrDefault(a => a.Type == AttachmentType.Link);
        if (rendered.Attachments.Length > (link is null ? 0 : 1))
        {
            return (null, 0, $"{templateId} has attachments a group welcome cannot carry: one link card at most (images and mini programs need a media upload).");
        }

        return (new GroupWelcomeTemplate(Text: new WeComText(rendered.Text),
            Link: link is null ? null : new GroupWelcomeLink(link.Title ?? "", link.Url!, link.ImageUrl, link.Description)), t.Template.Version, null);
    }
}
