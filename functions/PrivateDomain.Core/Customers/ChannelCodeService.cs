using Microsoft.Extensions.Logging;
using PrivateDomain.Content;
using PrivateDomain.Delivery;
using PrivateDomain.Input;
using PrivateDomain.WeCom;

namespace PrivateDomain.Customers;

/// <summary>An operator's request for a new channel code.</summary>
/// <param name="Code">The state (≤ 30 characters, WeCom's limit), e.g. <c>p-xihu-chamber</c>; never reused.</param>
/// <param name="Channel">One of <see cref="ChannelKinds.All"/>.</param>
/// <param name="Name">A name for operators; the remark at WeCom (≤ 30 characters).</param>
/// <param name="Partner">The partner behind a partner code (required for <c>partner</c>).</param>
/// <param name="PartnerKind">e.g. 商会, 村委, 商户.</param>
/// <param name="Members">One employee userid, or several for a rotation (WeCom picks one per scan); at most 100.</param>
/// <param name="Tags">Tags an add through the code gets (≤ 20, each ≤ 30 characters, WeCom's corp tag name limit).</param>
/// <param name="WelcomeTemplateId">An approved welcome template for adds through this code; default: the tenant's welcome.</param>
public sealed record ChannelCodeRequest(
    string? Code, string? Channel, string? Name, string? Partner, string? PartnerKind, IReadOnlyList<string>? Members,
    IReadOnlyList<string>? Tags, string? WelcomeTemplateId);

/// <summary>The outcome of an operator action on a code: the code, or a problem naming the field (or WeCom's refusal).</summary>
/// <param name="Code">The code after the action.</param>
/// <param name="Field">The field at fault, when refused for bad input.</param>
/// <param name="Problem">What is wrong and how to fix it.</param>
/// <param name="Status">The HTTP status that fits: 400 bad input, 404 unknown, 409 exists / wrong state, 502 WeCom refused.</param>
public sealed record ChannelCodeOutcome(ChannelCode? Code, string? Field = null, string? Problem = null, int Status = 200);

/// <summary>
/// Creates, pauses, resumes and deletes channel codes: the code row first (so a state is taken once, even by two racing
/// operators), then WeCom's add_contact_way, then the row with WeCom's config_id and QR. A WeCom refusal removes the row.
/// </summary>
public sealed class ChannelCodeService(
    IChannelCodes codes, IWeComContactWays weCom, ContentLibrary content, ICustomerStore customers, IRelationshipStore relationships, TimeProvider time,
    ILogger<ChannelCodeService> log)
{
    /// <summary>The most members a rotation may have.</summary>
    public const int MaxMembers = 100;

    /// <summary>The most tags a code applies.</summary>
    public const int MaxTags = 20;

    /// <summary>WeCom's limit on a remark and on a corp tag's name.</summary>
    public const int MaxNameLength = 30;

    /// <summary>Checks a request; the first problem as (field, message), or null.</summary>
    public static (string Field, string Message)? Validate(ChannelCodeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Identifiers.ChannelCode.Check(request.Code, "code") is { } code)
        {
            return ("code", code + " It is the QR's state: WeCom returns it in the add event.");
        }

        if (request.Channel is null || !ChannelKinds.All.Contains(request.Channel))
        {
            return ("channel", $"Say which kind of channel: one of {string.Join(", ", ChannelKinds.All)}.");
        }

        if (request.Name is { } name && (name.Length > MaxNameLength || name.Any(char.IsControl)))
        {
            return ("name", $"At most {MaxNameLength} characters without control characters (it is the code's remark at WeCom).");
        }

        if (request.Channel == ChannelKinds.Partner && string.IsNullOrWhiteSpace(request.Partner))
        {
            return ("partner", "A partner code names its partner (the chamber of commerce, village committee or merchant).");
        }

        foreach (var (field, value) in new[] { ("partner", request.Partner), ("partnerKind", request.PartnerKind) })
        {
            if (value is not null && (value.Length > 64 || value.Any(char.IsControl)))
            {
                return (field, "At most 64 characters without control characters.");
            }
        }

        if (request.Members is not { Count: > 0 } members || members.Count > MaxMembers)
        {
            return ("members", $"Name 1 to {MaxMembers} employee userids: one for a personal code, several for a rotation.");
        }

        foreach (var m in members)
        {
            if (Identifiers.UserId.Check(m, "members") is { } bad)
            {
                return ("members", bad);
            }
        }

        if (members.Distinct(StringComparer.Ordinal).Count() != members.Count)
        {
            return ("members", "Each employee once.");
        }

        var tags = request.Tags ?? [];
        if (tags.Count > MaxTags || tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > MaxNameLength || t.Any(char.IsControl)))
        {
            return ("tags", $"At most {MaxTags} tags, each 1–{MaxNameLength} characters (WeCom's corp tag name limit).");
        }

        if (request.WelcomeTemplateId is { } template
            && (template.Length is 0 or > 100 || !template.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')))
        {
            return ("welcomeTemplateId", "A template id: lowercase letters, digits, '.' and '-', e.g. welcome.partner.");
        }

        return null;
    }

    /// <summary>Creates a code at WeCom and keeps it with its config_id and QR URL.</summary>
    public async Task<ChannelCodeOutcome> CreateAsync(string tenant, ChannelCodeRequest request, string? by, CancellationToken cancellationToken)
    {
        if (Validate(request) is var (field, message))
        {
            return new ChannelCodeOutcome(null, field, message, 400);
        }

        if (request.WelcomeTemplateId is { } templateId)
        {
            var sendable = await content.GetSendableAsync(templateId, tenant, null, cancellationToken).ConfigureAwait(false);
            if (sendable.Template is not { } t)
            {
                return new ChannelCodeOutcome(null, "welcomeTemplateId", $"{templateId} cannot be sent: {sendable.Refusal?.Message}", 400);
            }

            if (t.Template.Kind != ContentKind.Welcome || t.Template.Channel != Journeys.Channel.OneToOne)
            {
                return new ChannelCodeOutcome(null, "welcomeTemplateId", $"{templateId} is a {t.Template.Kind} template on {t.Template.Channel}; a code's welcome must be of kind welcome on the 1:1 channel.", 400);
            }
        }

        var members = request.Members!;
        var code = new ChannelCode(request.Code!, request.Channel!, request.Partner, request.PartnerKind, members[0])
        {
            Name = request.Name,
            Members = [.. members],
            Tags = [.. (request.Tags ?? []).Select(t => t.Trim()).Distinct(StringComparer.Ordinal)],
            WelcomeTemplateId = request.WelcomeTemplateId,
            Status = ChannelCodeStatus.Creating,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = by,
        };
        if (!await codes.TryAddAsync(tenant, code, cancellationToken).ConfigureAwait(false))
        {
            return new ChannelCodeOutcome(null, "code", $"The code {code.Code} exists (a state is never reused, even after a code is deleted); choose another.", 409);
        }

        return await CreateAtWeComAsync(tenant, code, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The state of a customer's referral code: <c>r-</c> and 20 characters derived from the tenant and the
    /// customer id, so asking twice gives the same code and the state names nobody.</summary>
    public static string ReferralState(string tenant, string customerId) =>
        "r-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tenant + "\n" + customerId)))[..20];

    /// <summary>
    /// A customer's referral code (老带新): a "contact me" QR of their account manager whose adds are recorded as referred
    /// by them. Made once per customer; asking again answers the same code. 404 if the customer is unknown, 409 if they
    /// have no account manager on WeCom.
    /// </summary>
    public async Task<ChannelCodeOutcome> ReferralCodeAsync(string tenant, string referrerId, string? by, CancellationToken cancellationToken)
    {
        var state = ReferralState(tenant, referrerId);
        if (await codes.FindAsync(tenant, state, cancellationToken).ConfigureAwait(false) is { Status: ChannelCodeStatus.Active } existing)
        {
            return new ChannelCodeOutcome(existing);
        }

        if (await customers.GetAsync(tenant, referrerId, cancellationToken).ConfigureAwait(false) is null)
        {
            return new ChannelCodeOutcome(null, "customerId", $"No customer {referrerId}.", 404);
        }

        var manager = await relationships.ListByCustomerAsync(tenant, referrerId, cancellationToken)
            .FirstOrDefaultAsync(r => r.Status == RelationshipStatus.Active, cancellationToken).ConfigureAwait(false);
        if (manager is null)
        {
            return new ChannelCodeOutcome(null, "customerId", "The customer has no account manager on WeCom; a referral code adds to their manager.", 409);
        }

        var code = new ChannelCode(state, ChannelKinds.Referral, referrerId, "customer", manager.UserId)
        {
            Name = "老带新",
            Members = [manager.UserId],
            Tags = [],
            Status = ChannelCodeStatus.Creating,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = by,
        };
        if (!await codes.TryAddAsync(tenant, code, cancellationToken).ConfigureAwait(false)
            && await codes.FindAsync(tenant, state, cancellationToken).ConfigureAwait(false) is { } raced)
        {
            // Another request made it (or a failed attempt left it): answer what is there rather than a second QR.
            return raced.Status == ChannelCodeStatus.Active ? new ChannelCodeOutcome(raced)
                : new ChannelCodeOutcome(raced, null, $"The customer's referral code is {raced.Status}; delete it to make a new one.", 409);
        }

        return await CreateAtWeComAsync(tenant, code, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ChannelCodeOutcome> CreateAtWeComAsync(string tenant, ChannelCode code, CancellationToken cancellationToken)
    {
        var members = code.Members;
        var way = new ContactWay(Type: members.Count == 1 ? 1 : 2, Scene: 2, Remark: code.Name, SkipVerify: true, State: code.Code, User: code.Members);
        var created = await weCom.AddContactWayAsync(tenant, way, cancellationToken).ConfigureAwait(false);
        if (created.Value is not { } answer)
        {
            var error = created.Error!;
            if (error.Kind == WeComErrorKind.Indeterminate)
            {
                // It may exist at WeCom: keep the row as Creating so the state is not reused; an operator deletes it.
                log.LogWarning("add_contact_way for code {Code} ({Tenant}) has an unknown outcome: {Error}", code.Code, tenant, error);
                return new ChannelCodeOutcome(code, null, $"WeCom did not say whether the code was created ({error}); it stays as Creating — delete it and create another.", 502);
            }

            await codes.SaveAsync(tenant, code with { Status = ChannelCodeStatus.Deleted }, cancellationToken).ConfigureAwait(false);
            return new ChannelCodeOutcome(null, "members", $"WeCom refused the code: {error}. Check that the members use customer contact (客户联系) and are in the app's visible range.", 502);
        }

        code = code with { ConfigId = answer.ConfigId, QrCode = answer.QrCode, Status = ChannelCodeStatus.Active };
        await codes.SaveAsync(tenant, code, cancellationToken).ConfigureAwait(false);
        log.LogInformation("Channel code {Code} ({Tenant}) created at WeCom as {ConfigId}", code.Code, tenant, answer.ConfigId);
        return new ChannelCodeOutcome(code);
    }

    /// <summary>Pauses (<paramref name="paused"/>) or resumes a code: adds keep their attribution but get no tags or code welcome while paused.</summary>
    public async Task<ChannelCodeOutcome> SetPausedAsync(string tenant, string code, bool paused, CancellationToken cancellationToken)
    {
        if (await codes.FindAsync(tenant, code, cancellationToken).ConfigureAwait(false) is not { } existing)
        {
            return new ChannelCodeOutcome(null, "code", $"No channel code {code}.", 404);
        }

        if (existing.Status is not (ChannelCodeStatus.Active or ChannelCodeStatus.Paused))
        {
            return new ChannelCodeOutcome(existing, "code", $"The code is {existing.Status}; only an active code can be paused and a paused one resumed.", 409);
        }

        var next = existing with { Status = paused ? ChannelCodeStatus.Paused : ChannelCodeStatus.Active };
        if (next.Status != existing.Status)
        {
            await codes.SaveAsync(tenant, next, cancellationToken).ConfigureAwait(false);
        }

        return new ChannelCodeOutcome(next);
    }

    /// <summary>Deletes a code at WeCom (the QR stops working) and marks it deleted; its past adds keep their attribution.</summary>
    public async Task<ChannelCodeOutcome> DeleteAsync(string tenant, string code, CancellationToken cancellationToken)
    {
        if (await codes.FindAsync(tenant, code, cancellationToken).ConfigureAwait(false) is not { } existing)
        {
            return new ChannelCodeOutcome(null, "code", $"No channel code {code}.", 404);
        }

        if (existing.Status == ChannelCodeStatus.Deleted)
        {
            return new ChannelCodeOutcome(existing);
        }

        if (existing.ConfigId is { } configId)
        {
            var deleted = await weCom.DeleteContactWayAsync(tenant, configId, cancellationToken).ConfigureAwait(false);
            if (deleted.Error is { } error && error.Kind != WeComErrorKind.NotFound)
            {
                return new ChannelCodeOutcome(existing, null, $"WeCom did not delete the code: {error}. Try again.", 502);
            }
        }

        var next = existing with { Status = ChannelCodeStatus.Deleted };
        await codes.SaveAsync(tenant, next, cancellationToken).ConfigureAwait(false);
        return new ChannelCodeOutcome(next);
    }
}
