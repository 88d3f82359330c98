using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using PrivateDomain.Content;
using PrivateDomain.Customers;
using PrivateDomain.Delivery.Policy;
using PrivateDomain.Journeys;

namespace PrivateDomain.Delivery.Sending;

/// <summary>
/// SendTouch: takes one account manager's due touches and turns them into WeCom tasks. For each touch: the delivery
/// policy (a refusal is recorded with its reason; quiet hours and caps put the touch off instead), then the content (only
/// an approved version, rendered completely, is sent). Touches of the same channel whose rendered text is the same travel
/// together: one add_msg_template for 1:1 (the account manager confirms it once), one add_moment_task for Moments, one
/// group mass send for group content.
/// </summary>
/// <remarks>
/// A WeCom mass send is not idempotent, so every call is bracketed: the touches are claimed in the ledger (ETag) and a
/// dispatch row is written with status Calling before the call; the msgid and the touches' outcomes after it. A run that
/// finds touches Pending under a dispatch that is still Calling (a crash between the call and the ledger update)
/// reconciles through get_groupmsg_list_v2 — a task by that sender with that text created since the dispatch — before it
/// calls again. Runs are safe to repeat and to overlap.
/// </remarks>
public sealed class TouchDispatcher(
    IDeliveryQueue queue,
    IDeliveryLedger ledger,
    IDispatchStore dispatches,
    IDeliveryHistoryStore history,
    IDeliveryNudges nudges,
    ICustomerStore customers,
    IRelationshipStore relationships,
    ISenderContexts senders,
    ContentLibrary content,
    DeliveryPolicy policy,
    IWeComApi wecom,
    DispatchOptions options,
    TimeProvider time,
    ILogger<TouchDispatcher> log)
{
    /// <summary>Delivers what is due in one sender's outbox. Safe to call at any time, any number of times, concurrently.</summary>
    public async Task<DispatchReport> DispatchAsync(string tenant, string senderId, CancellationToken cancellationToken)
    {
        var report = new DispatchReport();
        var now = time.GetUtcNow();
        var due = await queue.DueAsync(tenant, senderId, now, options.MaxTouchesPerRun, cancellationToken).ConfigureAwait(false);
        if (due.Count == 0)
        {
            return report;
        }

        var run = new Run(tenant, senderId, now, due.Count >= options.SenderBookFrom);
        // The rows of a campaign's touches a range query per step; a row not among them is read on its own below.
        IReadOnlyDictionary<TouchId, LedgerTouch> ledgerRows;
        try
        {
            ledgerRows = await ledger.GetManyAsync(tenant, due, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            log.LogWarning(e, "{Sender}: the ledger rows of {Count} due touches could not be read together; reading them one by one", senderId, due.Count);
            ledgerRows = new Dictionary<TouchId, LedgerTouch>();
        }

        var finished = new ConcurrentBag<TouchId>();
        var ready = new ConcurrentBag<Ready>();
        var inFlight = new ConcurrentDictionary<string, ConcurrentBag<LedgerTouch>>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            async (touch, ct) =>
            {
                try
                {
                    var row = ledgerRows.TryGetValue(touch.Id, out var read) ? read : await ledger.GetAsync(tenant, touch.Ref, ct).ConfigureAwait(false);
                    switch (row?.Status)
                    {
                        case null:
                            // Recorded in the outbox but not in the ledger: the journey's recording was cut short and will be
                            // retried. Leave the row; the recording's own nudge brings us back.
                            return;
                        case TouchStatus.Due:
                            if (await PrepareAsync(run, row, report, ct).ConfigureAwait(false) is { } r)
                            {
                                ready.Add(r);
                            }
                            else if (report.IsFinal(touch.Id))
                            {
                                finished.Add(touch.Id);
                            }

                            return;
                        case TouchStatus.Pending:
                            inFlight.GetOrAdd(row.DispatchId ?? "", _ => []).Add(row);
                            return;
                        default:
                            finished.Add(touch.Id); // already decided; the outbox row outlived a crash
                            return;
                    }
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    // One customer's trouble is that customer's: the rest of the outbox goes on.
                    if (await SetAsideAsync(run, touch, e, report, ct).ConfigureAwait(false))
                    {
                        finished.Add(touch.Id);
                    }
                }
            }).ConfigureAwait(false);

        foreach (var (dispatchId, rows) in inFlight)
        {
            await RecoverAsync(run, dispatchId, [.. rows], report, finished, cancellationToken).ConfigureAwait(false);
        }

        // Tasks are independent of each other: a few WeCom calls at a time (the client's rate limiter has the last word).
        var chunks = ready.GroupBy(r => (r.Touch.Channel, r.Message.TemplateId, r.Message.Version, r.Key))
            .SelectMany(g => g.OrderBy(r => r.Touch.Id.ToString(), StringComparer.Ordinal).Chunk(options.MaxRecipientsPerTask))
            .ToList();
        chunks = await WithinPersonalAllowanceAsync(run, chunks, report, cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = options.TasksInFlight, CancellationToken = cancellationToken },
            async (chunk, ct) => await SendAsync(run, chunk, report, finished, ct).ConfigureAwait(false)).ConfigureAwait(false);
        await run.FlushTalliesAsync(history, cancellationToken).ConfigureAwait(false);

        if (!finished.IsEmpty)
        {
            await queue.RemoveAsync(tenant, senderId, [.. finished.Distinct()], cancellationToken).ConfigureAwait(false);
        }

        if (due.Count == options.MaxTouchesPerRun)
        {
            await nudges.NudgeAsync(tenant, senderId, now, cancellationToken).ConfigureAwait(false); // more where these came from
        }

        return report;
    }

    // Policy, then content. Returns the touch ready to send, or null (refused, deferred or not claimable).
    private async Task<Ready?> PrepareAsync(Run run, LedgerTouch row, DispatchReport report, CancellationToken ct)
    {
        var touch = row.Touch;
        Customer? customer = null;
        Relationship? relationship;
        IReadOnlyCollection<string> policyTags;
        if (!touch.Personal && await run.BookEntryAsync(relationships, touch.CustomerId, ct).ConfigureAwait(false) is { } known)
        {
            // A large run's touch that does not name its customer: the sender's book has the relationship and the tags
            // the policy refuses on, written beside it by every profile write; the profile is not read.
            (relationship, policyTags) = known;
        }
        else
        {
            customer = (await customers.GetAsync(run.Tenant, touch.CustomerId, ct).ConfigureAwait(false))?.Value;
            relationship = await RelationshipOfAsync(run, customer, ct).ConfigureAwait(false);
            if (customer is null || relationship is null)
            {
                await RefuseNotConnectedAsync(run, touch, customer, report, ct).ConfigureAwait(false);
                return null;
            }

            policyTags = customer.Tags.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        }

        // Caps look back a week (and a day for time zones); tallies over the deletion-rate window.
        var past = new DeliveryHistory(
            touch.Channel == Channel.OneToOne // only 1:1 sends count against a customer's caps
                ? await run.CustomerSendsAsync(history, touch.CustomerId, ct).ConfigureAwait(false)
                : [],
            await run.SenderPostsAsync(history, ct).ConfigureAwait(false),
            await run.TallyAsync(history, TallySubject.Template, touch.Content, policy.DeletionWindowStart(run.Now), ct).ConfigureAwait(false),
            await run.TallyAsync(history, TallySubject.Sender, touch.SenderId, policy.DeletionWindowStart(run.Now), ct).ConfigureAwait(false));
        switch (policy.Evaluate(DeliveryRequest.For(touch, policyTags, relationship.Status), past, run.Now))
        {
            case DeliveryRefused { RetryAt: { } retryAt } deferred:
                await ledger.NoteDeferralAsync(run.Tenant, touch.Ref, deferred.Reason.ToString(), deferred.Message, retryAt, ct).ConfigureAwait(false);
                await queue.PostponeAsync(run.Tenant, touch, retryAt, ct).ConfigureAwait(false);
                await nudges.NudgeAsync(run.Tenant, touch.SenderId, retryAt, ct).ConfigureAwait(false);
                report.Count(touch.Id, deferred.Reason.ToString(), final: false);
                return null;
            case DeliveryRefused refused:
                await RefuseAsync(run, touch, report, refused.Reason.ToString(), refused.Message, ct).ConfigureAwait(false);
                return null;
        }

        var context = await run.SenderAsync(senders, ct).ConfigureAwait(false);
        if (context is null)
        {
            await RefuseAsync(run, touch, report, "UnknownSender",
                $"Account manager {touch.SenderId} is not in the employee directory; nothing is sent in their name.", ct).ConfigureAwait(false);
            return null;
        }

        var sendable = await run.TemplateAsync(content, touch.Content, context, ct).ConfigureAwait(false);
        if (sendable.Template is not { } template)
        {
            await RefuseAsync(run, touch, report, sendable.Refusal!.Reason.ToString(), sendable.Refusal.Message, ct).ConfigureAwait(false);
            return null;
        }

        if (template.Template.Channel != touch.Channel)
        {
            await RefuseAsync(run, touch, report, "WrongChannel",
                $"Template {touch.Content} is written for {template.Template.Channel}, the journey step sends it on {touch.Channel}.", ct).ConfigureAwait(false);
            return null;
        }

        // A mass-send step must not name the customer: each customer would be a task of their own to confirm.
        if (!touch.Personal && touch.Channel == Channel.OneToOne
            && MassSendRule.RefusalFor(template.Template, $"step {touch.Id.StepId} of {touch.Id.InstanceId}") is { } personalText)
        {
            await RefuseAsync(run, touch, report, nameof(RefusalReason.PersonalTextInMassSend), personalText, ct).ConfigureAwait(false);
            return null;
        }

        if (customer is null && MassSendRule.PerCustomerPlaceholders(template.Template).Count > 0)
        {
            // A Moments or group text naming its customer: the profile after all.
            customer = (await customers.GetAsync(run.Tenant, touch.CustomerId, ct).ConfigureAwait(false))?.Value;
            if (customer is null)
            {
                await RefuseNotConnectedAsync(run, touch, customer, report, ct).ConfigureAwait(false);
                return null;
            }
        }

        RenderedMessage message;
        try
        {
            message = template.Render(context.Values with { CustomerName = customer?.Name, Payday = touch.Payday ?? context.Values.Payday, PageOrigin = PageOrigin.Of(touch) });
        }
        catch (TemplateRenderException e)
        {
            await RefuseAsync(run, touch, report, "TemplateBroken", e.Message, ct).ConfigureAwait(false);
            return null;
        }

        var recipient = touch.Channel == Channel.OneToOne ? relationship.ExternalUserId : touch.CustomerId;
        return new Ready(row, touch, recipient, message, Key(message));
    }

    // The sender's relationship with this customer: from the sender's whole partition, read once for a large run, or a
    // point read per WeCom identity (usually one) for a small one.
    private async Task<Relationship?> RelationshipOfAsync(Run run, Customer? customer, CancellationToken ct)
    {
        Relationship? relationship = null;
        foreach (var externalUserId in customer?.ExternalUserIds ?? [])
        {
            if (await run.RelationshipAsync(relationships, externalUserId, ct).ConfigureAwait(false) is { } r
                && (relationship is null || r.StatusAt > relationship.StatusAt))
            {
                relationship = r;
            }
        }

        return relationship;
    }

    private Task RefuseNotConnectedAsync(Run run, Touch touch, Customer? customer, DispatchReport report, CancellationToken ct) =>
        RefuseAsync(run, touch, report, nameof(RefusalReason.NotConnected),
            customer is null ? $"Customer {touch.CustomerId} is not in the pool (erased or never imported)." : $"Customer {touch.CustomerId} is not a WeCom contact of account manager {touch.SenderId}.", ct);

    // Tasks of personal steps (each customer's own text, so each a task to confirm) beyond the account manager's daily
    // allowance wait for the next day, oldest slots first; mass-send tasks are not limited here.
    private async Task<List<Ready[]>> WithinPersonalAllowanceAsync(Run run, List<Ready[]> chunks, DispatchReport report, CancellationToken ct)
    {
        var personal = chunks.Where(c => c[0].Touch is { Personal: true, Channel: Channel.OneToOne }).ToList();
        if (personal.Count == 0)
        {
            return chunks;
        }

        var allowance = policy.PersonalTasks(await run.SenderPostsAsync(history, ct).ConfigureAwait(false), run.Now);
        var deferred = personal.OrderBy(c => c.Min(r => r.Touch.SlotAt)).ThenBy(c => c[0].Touch.Id.ToString(), StringComparer.Ordinal)
            .Skip(allowance.Remaining).ToList();
        if (deferred.Count == 0)
        {
            return chunks;
        }

        var message = $"Account manager {run.SenderId} was given {allowance.Used + allowance.Remaining} personal task(s) on {allowance.Day:yyyy-MM-dd}, " +
            $"the daily allowance (Delivery:Policy:PersonalTasksPerManagerPerDay = {policy.Options.PersonalTasksPerManagerPerDay}); " +
            $"each names its customer, so each is a task to confirm by hand. Put off to {allowance.NextDayOpens:yyyy-MM-dd HH:mm zzz}.";
        foreach (var r in deferred.SelectMany(c => c))
        {
            await ledger.NoteDeferralAsync(run.Tenant, r.Touch.Ref, nameof(RefusalReason.PersonalTaskCap), message, allowance.NextDayOpens, ct).ConfigureAwait(false);
            await queue.PostponeAsync(run.Tenant, r.Touch, allowance.NextDayOpens, ct).ConfigureAwait(false);
            report.Count(r.Touch.Id, nameof(RefusalReason.PersonalTaskCap), final: false);
        }

        await nudges.NudgeAsync(run.Tenant, run.SenderId, allowance.NextDayOpens, ct).ConfigureAwait(false);
        log.LogInformation("{Sender}: {Deferred} personal task(s) put off to {RetryAt} (daily allowance {Allowance} used)",
            run.SenderId, deferred.Count, allowance.NextDayOpens, policy.Options.PersonalTasksPerManagerPerDay);
        var held = deferred.ToHashSet();
        return [.. chunks.Where(c => !held.Contains(c))];
    }

    private async Task SendAsync(Run run, Ready[] group, DispatchReport report, ConcurrentBag<TouchId> finished, CancellationToken ct)
    {
        var first = group[0];
        var dispatch = new Dispatch(run.Tenant, run.SenderId, NewDispatchId(run.Now), first.Touch.Channel, first.Message.TemplateId, first.Message.Version,
            first.Message.Text, first.Message.Attachments, 0, run.Now, DispatchStatus.Calling, null, null, [], null);

        // Claim every touch for this dispatch; a touch another run claimed first is that run's to send.
        var won = await ledger.TryClaimManyAsync(run.Tenant, [.. group.Select(r => r.Row)], dispatch.Id, run.Now, ct).ConfigureAwait(false);
        var claimed = group.Where((_, i) => won[i]).ToList();

        if (claimed.Count == 0)
        {
            return;
        }

        dispatch = dispatch with { Recipients = claimed.Count };
        await dispatches.CreateAsync(dispatch, [.. claimed.Select(r => new DispatchMember(r.Recipient, r.Touch.Id, r.Touch.CustomerId, r.Touch.Campaign))], ct).ConfigureAwait(false);
        await CallAsync(run, dispatch, [.. claimed.Select(r => (r.Touch, r.Recipient))], report, finished, ct).ConfigureAwait(false);
    }

    private async Task CallAsync(Run run, Dispatch dispatch, IReadOnlyList<(Touch Touch, string Recipient)> touches, DispatchReport report,
        ConcurrentBag<TouchId> finished, CancellationToken ct)
    {
        var attachments = dispatch.Attachments.Select(ToWeCom).ToList();
        var text = dispatch.Text;
        string? weComId;
        IReadOnlyList<string> failList = [];
        WeComError? error;
        if (dispatch.Channel == Channel.Moments)
        {
            var result = await wecom.AddMomentTaskAsync(run.Tenant,
                new MomentTask(new WeComText(text), attachments.Count == 0 ? null : attachments, MomentVisibleRange.For([run.SenderId], null)), ct)
                .ConfigureAwait(false);
            (weComId, error) = (result.Value?.JobId, result.Error);
        }
        else
        {
            var mass = dispatch.Channel == Channel.OneToOne
                ? MassMessage.ToCustomers(run.SenderId, [.. touches.Select(t => t.Recipient)], text, attachments.Count == 0 ? null : attachments)
                : new MassMessage { ChatType = "group", Sender = run.SenderId, Text = new WeComText(text), Attachments = attachments.Count == 0 ? null : attachments };
            var result = await wecom.AddMessageTemplateAsync(run.Tenant, mass, ct).ConfigureAwait(false);
            (weComId, error) = (result.Value?.MsgId, result.Error);
            failList = result.Value?.FailList ?? [];
        }

        if (error is { Kind: WeComErrorKind.Indeterminate or WeComErrorKind.Transient or WeComErrorKind.Throttled or WeComErrorKind.Auth or WeComErrorKind.Unknown })
        {
            // Maybe created, maybe not: leave it Calling; the next run reconciles before calling again.
            log.LogWarning("Dispatch {DispatchId} of {Sender} ({Count} touches) may not have reached WeCom: {Error}; reconciling later", dispatch.Id, run.SenderId, touches.Count, error);
            await nudges.NudgeAsync(run.Tenant, run.SenderId, run.Now + options.ReconcileAfter, ct).ConfigureAwait(false);
            report.AddUncertain(touches.Count);
            return;
        }

        if (error is { Code: WeComErrors.InvalidExternalUserId } && dispatch.Channel == Channel.OneToOne && touches.Count > 1)
        {
            await SplitAsync(run, dispatch, touches, error, report, finished, ct).ConfigureAwait(false);
            return;
        }

        if (error is not null)
        {
            await dispatches.UpdateAsync(dispatch with { Status = DispatchStatus.Failed, Error = error.ToString() }, ct).ConfigureAwait(false);
            var failed = new TouchOutcome(TouchStatus.Failed, error.Code.ToString(CultureInfo.InvariantCulture), error.ToString(), null, run.Now);
            await ledger.SetOutcomesAsync(run.Tenant, [.. touches.Select(t => (t.Touch.Ref, failed))], ct).ConfigureAwait(false);
            foreach (var t in touches)
            {
                report.Count(t.Touch.Id, "Failed", final: true);
                finished.Add(t.Touch.Id);
            }

            return;
        }

        await CompleteAsync(run, dispatch with { Status = DispatchStatus.Created, WeComId = weComId }, touches, failList,
            report, finished, ct).ConfigureAwait(false);
    }

    // WeCom refused the whole task over a recipient it does not take (40096), so nothing was created: each half goes as a
    // task of its own, down to the one recipient, which then fails alone with WeCom's reason while the others are sent.
    // The halves' touches are claimed for their new dispatches before the refused one is marked failed, so a crash in
    // between leaves them to the new dispatches' recovery (or due again), never failed for the refused one.
    private async Task SplitAsync(Run run, Dispatch dispatch, IReadOnlyList<(Touch Touch, string Recipient)> touches, WeComError error,
        DispatchReport report, ConcurrentBag<TouchId> finished, CancellationToken ct)
    {
        log.LogWarning("Dispatch {DispatchId} of {Sender}: WeCom refused the task of {Count} touches ({Error}); sending it in halves to set the recipient aside",
            dispatch.Id, run.SenderId, touches.Count, error);
        var parts = new List<(Dispatch Dispatch, List<(Touch Touch, string Recipient)> Touches)>();
        foreach (var half in new[] { touches.Take(touches.Count / 2), touches.Skip(touches.Count / 2) })
        {
            var part = dispatch with { Id = NewDispatchId(run.Now), CreatedAt = run.Now, Status = DispatchStatus.Calling, Error = null };
            var claimed = new List<(Touch Touch, string Recipient)>();
            foreach (var t in half)
            {
                if (await ledger.GetAsync(run.Tenant, t.Touch.Ref, ct).ConfigureAwait(false) is { Status: TouchStatus.Pending } row
                    && string.Equals(row.DispatchId, dispatch.Id, StringComparison.Ordinal)
                    && await ledger.TryClaimAsync(run.Tenant, row, part.Id, run.Now, ct).ConfigureAwait(false))
                {
                    claimed.Add(t);
                }
            }

            if (claimed.Count > 0)
            {
                part = part with { Recipients = claimed.Count };
                await dispatches.CreateAsync(part, [.. claimed.Select(c => new DispatchMember(c.Recipient, c.Touch.Id, c.Touch.CustomerId, c.Touch.Campaign))], ct).ConfigureAwait(false);
                parts.Add((part, claimed));
            }
        }

        await dispatches.UpdateAsync(dispatch with { Status = DispatchStatus.Failed, Error = $"split in {parts.Count} after {error}" }, ct).ConfigureAwait(false);
        foreach (var (part, claimed) in parts)
        {
            await CallAsync(run, part, claimed, report, finished, ct).ConfigureAwait(false);
        }
    }

    // The task exists: record it, then each touch's outcome, then the counts the policy reads.
    private async Task CompleteAsync(Run run, Dispatch dispatch, IReadOnlyList<(Touch Touch, string Recipient)> touches, IReadOnlyList<string> failList,
        DispatchReport report, ConcurrentBag<TouchId> finished, CancellationToken ct)
    {
        await dispatches.UpdateAsync(dispatch, ct).ConfigureAwait(false);
        var failed = failList.ToHashSet(StringComparer.Ordinal);
        var sent = new List<Touch>(touches.Count);
        await ledger.SetDispatchOutcomesAsync(run.Tenant, dispatch.Id, [.. touches.Select(t => new TouchResult(t.Touch, failed.Contains(t.Recipient)
            ? new TouchOutcome(TouchStatus.Failed, "fail_list", "WeCom left the customer out of the task (not a contact of the sender, or over WeCom's receive limit).", dispatch.WeComId, run.Now)
            : new TouchOutcome(TouchStatus.Sent, null, null, dispatch.WeComId, run.Now)))], ct).ConfigureAwait(false);
        foreach (var t in touches)
        {
            var ok = !failed.Contains(t.Recipient);
            if (ok)
            {
                sent.Add(t.Touch);
            }

            report.Count(t.Touch.Id, ok ? "Sent" : "Failed", final: true);
            finished.Add(t.Touch.Id);
        }

        report.AddTask();
        await history.RecordSendsAsync(run.Tenant, dispatch, sent, run.Now, ct).ConfigureAwait(false);
        if (dispatch.Channel == Channel.OneToOne && sent.Count > 0)
        {
            run.CountSends(dispatch.TemplateId, sent.Count);
        }

        if (dispatch.Status == DispatchStatus.Created && dispatch.WeComId is not null)
        {
            await nudges.FollowUpAsync(run.Tenant, run.SenderId, dispatch.Id, run.Now + options.FollowUpInterval, ct).ConfigureAwait(false);
        }

        log.LogInformation("Dispatch {DispatchId}: {Channel} task {WeComId} by {Sender} for {Count} touch(es) of {Template}",
            dispatch.Id, dispatch.Channel, dispatch.WeComId, run.SenderId, sent.Count, dispatch.TemplateId);
    }

    // Touches Pending under a dispatch: finish what a crashed run started.
    private async Task RecoverAsync(Run run, string dispatchId, LedgerTouch[] rows, DispatchReport report, ConcurrentBag<TouchId> finished, CancellationToken ct)
    {
        var dispatch = dispatchId.Length == 0 ? null : await dispatches.GetAsync(run.Tenant, run.SenderId, dispatchId, ct).ConfigureAwait(false);
        if (dispatch is null)
        {
            // Claimed, but the dispatch row was never written, so nothing was called: due again once the claim is stale.
            foreach (var row in rows.Where(r => r.ClaimedAt is null || run.Now - r.ClaimedAt >= options.ReconcileAfter))
            {
                await ledger.SetOutcomeAsync(run.Tenant, row.Touch.Ref, new TouchOutcome(TouchStatus.Due, "claim-abandoned", "A dispatch claimed the touch and stopped before calling WeCom.", null, run.Now), ct)
                    .ConfigureAwait(false);
            }

            await nudges.NudgeAsync(run.Tenant, run.SenderId, run.Now + options.ReconcileAfter, ct).ConfigureAwait(false);
            return;
        }

        var members = await dispatches.MembersAsync(run.Tenant, dispatch.Id, ct).ToDictionaryAsync(m => m.Touch, cancellationToken: ct).ConfigureAwait(false);
        // The members are written before the dispatch row, so a row claimed for this dispatch but not among them never
        // went into its call (its claim was taken as lost): due again.
        var strays = rows.Where(r => !members.ContainsKey(r.Touch.Id)).ToList();
        foreach (var row in strays)
        {
            await ledger.SetOutcomeAsync(run.Tenant, row.Touch.Ref, new TouchOutcome(TouchStatus.Due, "claim-abandoned", "A dispatch claimed the touch but did not carry it.", null, run.Now), ct)
                .ConfigureAwait(false);
        }

        if (strays.Count > 0)
        {
            await nudges.NudgeAsync(run.Tenant, run.SenderId, run.Now, ct).ConfigureAwait(false);
        }

        IReadOnlyList<(Touch Touch, string Recipient)> touches = [.. rows.Where(r => members.ContainsKey(r.Touch.Id)).Select(r => (r.Touch, members[r.Touch.Id].Recipient))];
        if (touches.Count == 0)
        {
            return;
        }

        switch (dispatch.Status)
        {
            case DispatchStatus.Created or DispatchStatus.Confirmed:
                // The task was made and recorded; the crash came before these touches were.
                await CompleteAsync(run, dispatch, touches, [], report, finished, ct).ConfigureAwait(false);
                return;
            case DispatchStatus.Failed:
                foreach (var (touch, _) in touches)
                {
                    await ledger.SetOutcomeAsync(run.Tenant, touch.Ref, new TouchOutcome(TouchStatus.Failed, "dispatch-failed", dispatch.Error, null, run.Now), ct).ConfigureAwait(false);
                    finished.Add(touch.Id);
                }

                return;
        }

        if (run.Now - dispatch.CreatedAt < options.ReconcileAfter)
        {
            await nudges.NudgeAsync(run.Tenant, run.SenderId, dispatch.CreatedAt + options.ReconcileAfter, ct).ConfigureAwait(false);
            return; // another run may still be in the middle of this call
        }

        if (await FindCreatedAsync(run, dispatch, ct).ConfigureAwait(false) is { } found)
        {
            log.LogWarning("Dispatch {DispatchId} was created in WeCom as {WeComId} before a crash; recorded, not sent again", dispatch.Id, found);
            report.Reconciled += touches.Count;
            await CompleteAsync(run, dispatch with { Status = DispatchStatus.Created, WeComId = found }, touches, [], report, finished, ct).ConfigureAwait(false);
            return;
        }

        log.LogWarning("Dispatch {DispatchId} is not in WeCom; calling again", dispatch.Id);
        var again = dispatch with { CreatedAt = run.Now };
        await dispatches.UpdateAsync(again, ct).ConfigureAwait(false);
        await CallAsync(run, again, touches, report, finished, ct).ConfigureAwait(false);
    }

    // A task by this sender with this text, created since the dispatch was written: WeCom's record of our lost answer.
    private async Task<string?> FindCreatedAsync(Run run, Dispatch dispatch, CancellationToken ct)
    {
        if (dispatch.Channel == Channel.Moments)
        {
            return await FindMomentAsync(run, dispatch, ct).ConfigureAwait(false) is { } momentId ? "moment:" + momentId : null;
        }

        string? cursor = null;
        do
        {
            var page = await wecom.GetGroupMessageListAsync(run.Tenant, MassMessageListQuery.CreatedBetween(
                dispatch.Channel == Channel.OneToOne ? "single" : "group", dispatch.CreatedAt.AddMinutes(-1), run.Now.AddMinutes(1), run.SenderId, cursor), ct).ConfigureAwait(false);
            if (page.Value is not { } list)
            {
                throw new InvalidOperationException($"Cannot reconcile dispatch {dispatch.Id}: {page.Error}");
            }

            if (list.GroupMsgList?.FirstOrDefault(m => m.CreateType == 0 && string.Equals(m.Text?.Content, dispatch.Text, StringComparison.Ordinal)) is { } match)
            {
                return match.MsgId;
            }

            cursor = list.NextCursor;
        }
        while (!string.IsNullOrEmpty(cursor));

        return null;
    }

    // WeCom lists corp posts without their creator, so a candidate with our text is checked against its senders.
    private async Task<string?> FindMomentAsync(Run run, Dispatch dispatch, CancellationToken ct)
    {
        string? cursor = null;
        do
        {
            var page = await wecom.GetMomentListAsync(run.Tenant, MomentListQuery.CorpPostsBetween(dispatch.CreatedAt.AddMinutes(-1), run.Now.AddMinutes(1), cursor), ct)
                .ConfigureAwait(false);
            if (page.Value is not { } list)
            {
                throw new InvalidOperationException($"Cannot reconcile dispatch {dispatch.Id}: {page.Error}");
            }

            foreach (var moment in list.Moments ?? [])
            {
                if (string.Equals(moment.Text?.Content, dispatch.Text, StringComparison.Ordinal)
                    && await MomentSenderStatusAsync(run.Tenant, moment.MomentId, run.SenderId, ct).ConfigureAwait(false) is not null)
                {
                    return moment.MomentId;
                }
            }

            cursor = list.NextCursor;
        }
        while (!string.IsNullOrEmpty(cursor));

        return null;
    }

    // The sender's publish status on a moment; null if the moment is not theirs.
    private async Task<MomentPublishStatus?> MomentSenderStatusAsync(string tenant, string momentId, string senderId, CancellationToken ct)
    {
        string? cursor = null;
        do
        {
            var page = await wecom.GetMomentTaskAsync(tenant, new MomentTaskQuery(momentId, 1000, cursor), ct).ConfigureAwait(false);
            if (page.Value is not { } list)
            {
                throw new InvalidOperationException($"Cannot read moment {momentId}: {page.Error}");
            }

            if (list.TaskList?.FirstOrDefault(t => string.Equals(t.UserId, senderId, StringComparison.Ordinal)) is { } task)
            {
                return task.PublishStatus;
            }

            cursor = list.NextCursor;
        }
        while (!string.IsNullOrEmpty(cursor));

        return null;
    }

    /// <summary>
    /// Follows a created task up: whether the account manager confirmed it and, for 1:1, what reached each customer
    /// (ledger rows become Confirmed, Delivered or Undelivered); an unconfirmed mass send is reminded after
    /// <see cref="DispatchOptions.RemindAfter"/>, at most <see cref="DispatchOptions.MaxRemindersPerDay"/> times in 24 hours
    /// and never in quiet hours. Asks for another follow-up until confirmed or <see cref="DispatchOptions.FollowUpFor"/> has passed.
    /// </summary>
    public async Task<FollowUpResult> FollowUpAsync(string tenant, string senderId, string dispatchId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var dispatch = await dispatches.GetAsync(tenant, senderId, dispatchId, cancellationToken).ConfigureAwait(false);
        if (dispatch is not { Status: DispatchStatus.Created, WeComId: { } weComId })
        {
            return FollowUpResult.NothingToDo;
        }

        var confirmed = dispatch.Channel == Channel.Moments
            ? await MomentConfirmedAsync(tenant, dispatch, weComId, now, cancellationToken).ConfigureAwait(false)
            : await MassSendConfirmedAsync(tenant, dispatch, weComId, now, cancellationToken).ConfigureAwait(false);
        if (confirmed)
        {
            log.LogInformation("Dispatch {DispatchId} ({WeComId}) confirmed by {Sender}", dispatch.Id, weComId, senderId);
            return FollowUpResult.Confirmed;
        }

        var latest = await dispatches.GetAsync(tenant, senderId, dispatchId, cancellationToken).ConfigureAwait(false) ?? dispatch;
        var result = FollowUpResult.Waiting;
        var recent = latest.Reminders.Count(r => now - r < TimeSpan.FromDays(1));
        if (latest.Channel != Channel.Moments && now - latest.CreatedAt >= options.RemindAfter && recent < options.MaxRemindersPerDay && !policy.IsQuiet(now))
        {
            var reminded = await wecom.RemindGroupMessageSendAsync(tenant, new MassMessageReminder(weComId), cancellationToken).ConfigureAwait(false);
            if (reminded.IsSuccess)
            {
                await dispatches.UpdateAsync(latest with { Reminders = [.. latest.Reminders, now] }, cancellationToken).ConfigureAwait(false);
                result = FollowUpResult.Reminded;
            }
            else
            {
                log.LogWarning("Reminding {Sender} of dispatch {DispatchId} failed: {Error}", senderId, dispatch.Id, reminded.Error);
            }
        }

        if (now - latest.CreatedAt < options.FollowUpFor)
        {
            await nudges.FollowUpAsync(tenant, senderId, dispatchId, now + options.FollowUpInterval, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            log.LogWarning("Dispatch {DispatchId} ({WeComId}) of {Sender} was never confirmed; no longer followed", dispatch.Id, weComId, senderId);
            result = FollowUpResult.GaveUp;
        }

        return result;
    }

    private async Task<bool> MassSendConfirmedAsync(string tenant, Dispatch dispatch, string msgId, DateTimeOffset now, CancellationToken ct)
    {
        MassMessageSenderTask? task = null;
        string? cursor = null;
        do
        {
            var page = await wecom.GetGroupMessageTaskAsync(tenant, new MassMessageTaskQuery(msgId, 1000, cursor), ct).ConfigureAwait(false);
            if (page.Value is not { } list)
            {
                throw new InvalidOperationException($"Cannot read task {msgId}: {page.Error}");
            }

            task ??= list.TaskList?.FirstOrDefault(t => string.Equals(t.UserId, dispatch.SenderId, StringComparison.Ordinal));
            cursor = list.NextCursor;
        }
        while (task is null && !string.IsNullOrEmpty(cursor));

        if (task is not { IsSent: true })
        {
            return false;
        }

        var members = await dispatches.MembersAsync(tenant, dispatch.Id, ct).ToDictionaryAsync(m => m.Recipient, StringComparer.Ordinal, ct).ConfigureAwait(false);
        var outcomes = new Dictionary<TouchRef, TouchOutcome>();
        if (dispatch.Channel == Channel.OneToOne)
        {
            cursor = null;
            do
            {
                var page = await wecom.GetGroupMessageSendResultAsync(tenant, new MassMessageSendResultQuery(msgId, dispatch.SenderId, 1000, cursor), ct).ConfigureAwait(false);
                if (page.Value is not { } list)
                {
                    throw new InvalidOperationException($"Cannot read the results of task {msgId}: {page.Error}");
                }

                foreach (var r in list.SendList ?? [])
                {
                    if (r.ExternalUserId is { } id && members.TryGetValue(id, out var member))
                    {
                        outcomes[member.Ref(dispatch.SenderId)] = r.Status switch
                        {
                            MassMessageRecipientStatus.Sent => new TouchOutcome(TouchStatus.Delivered, null, null, msgId, now),
                            MassMessageRecipientStatus.NotAFriend => new TouchOutcome(TouchStatus.Undelivered, "NotAFriend", "The customer was no longer a contact of the account manager.", msgId, now),
                            MassMessageRecipientStatus.ReceiveLimitReached => new TouchOutcome(TouchStatus.Undelivered, "ReceiveLimitReached", "The customer had reached WeCom's limit of mass messages received.", msgId, now),
                            _ => new TouchOutcome(TouchStatus.Confirmed, null, null, msgId, now),
                        };
                    }
                }

                cursor = list.NextCursor;
            }
            while (!string.IsNullOrEmpty(cursor));
        }

        foreach (var m in members.Values.Where(m => !outcomes.ContainsKey(m.Ref(dispatch.SenderId))))
        {
            outcomes[m.Ref(dispatch.SenderId)] = new TouchOutcome(TouchStatus.Confirmed, null, null, msgId, now);
        }

        await ledger.SetOutcomesAsync(tenant, [.. outcomes.Select(o => (o.Key, o.Value))], ct).ConfigureAwait(false);
        await dispatches.UpdateAsync(dispatch with { Status = DispatchStatus.Confirmed, ConfirmedAt = now }, ct).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> MomentConfirmedAsync(string tenant, Dispatch dispatch, string weComId, DateTimeOffset now, CancellationToken ct)
    {
        var momentId = dispatch.MomentId ?? (weComId.StartsWith("moment:", StringComparison.Ordinal) ? weComId["moment:".Length..] : null);
        if (momentId is null)
        {
            var job = await wecom.GetMomentTaskResultAsync(tenant, weComId, ct).ConfigureAwait(false);
            if (job.Value is not { IsFinished: true, Result.MomentId: { } id })
            {
                return false; // WeCom is still making the post
            }

            momentId = id;
            dispatch = dispatch with { MomentId = id };
            await dispatches.UpdateAsync(dispatch, ct).ConfigureAwait(false);
        }

        if (await MomentSenderStatusAsync(tenant, momentId, dispatch.SenderId, ct).ConfigureAwait(false) != MomentPublishStatus.Published)
        {
            return false;
        }

        var members = await dispatches.MembersAsync(tenant, dispatch.Id, ct).ToListAsync(ct).ConfigureAwait(false);
        var published = new TouchOutcome(TouchStatus.Confirmed, null, null, weComId, now);
        await ledger.SetOutcomesAsync(tenant, [.. members.Select(m => (m.Ref(dispatch.SenderId), published))], ct).ConfigureAwait(false);
        await dispatches.UpdateAsync(dispatch with { Status = DispatchStatus.Confirmed, ConfirmedAt = now }, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>The reason recorded for a touch whose customer, relationship or ledger row cannot be read.</summary>
    public const string UnreadableReason = "Unreadable";

    // A touch whose preparation threw. Data that cannot be read (a corrupt or hand-edited row: JSON, format, enum) will
    // not read better next time: the touch is refused with the reason and leaves the outbox. Anything else (storage
    // unavailable for a moment, a timeout) may pass: the touch stays due and the outbox is nudged again later. Either
    // way the run goes on for the manager's other customers. True if the touch is final.
    private async Task<bool> SetAsideAsync(Run run, Touch touch, Exception e, DispatchReport report, CancellationToken ct)
    {
        if (!IsUnreadableData(e))
        {
            log.LogWarning(e, "Touch {TouchId} of customer {CustomerId} could not be prepared; left due and retried after {RetryAfter}",
                touch.Id, touch.CustomerId, options.ReconcileAfter);
            report.Count(touch.Id, "Retry", final: false);
            await nudges.NudgeAsync(run.Tenant, run.SenderId, run.Now + options.ReconcileAfter, ct).ConfigureAwait(false);
            return false;
        }

        log.LogError(e, "Touch {TouchId} refused: the data of customer {CustomerId} cannot be read", touch.Id, touch.CustomerId);
        try
        {
            await RefuseAsync(run, touch, report, UnreadableReason,
                $"The data for customer {touch.CustomerId} or this touch cannot be read ({e.GetType().Name}); the touch is set aside and the " +
                "account manager's other customers are served. Repair or re-import the customer, then start the journey again.", ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception again) when (!ct.IsCancellationRequested)
        {
            // Not even the refusal could be written: leave the outbox row, the next run tries again.
            log.LogError(again, "Touch {TouchId}: the refusal could not be recorded either", touch.Id);
            return false;
        }
    }

    private static bool IsUnreadableData(Exception e) => e is System.Text.Json.JsonException or FormatException or InvalidCastException
        or ArgumentException or OverflowException or KeyNotFoundException or NotSupportedException or TemplateRenderException
        || (e is AggregateException { InnerExceptions: [var inner] } && IsUnreadableData(inner));

    private async Task RefuseAsync(Run run, Touch touch, DispatchReport report, string reason, string message, CancellationToken ct)
    {
        await ledger.SetOutcomeAsync(run.Tenant, touch.Ref, new TouchOutcome(TouchStatus.Refused, reason, message, null, run.Now), ct).ConfigureAwait(false);
        log.LogInformation("Touch {TouchId} refused: {Reason}: {Message}", touch.Id, reason, message);
        report.Count(touch.Id, reason, final: true);
    }

    private static string Key(RenderedMessage m) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
        m.Text + "\n" + string.Join("\n", m.Attachments.Select(a => $"{a.Type}|{a.Title}|{a.Url}|{a.ImageUrl}|{a.AppId}|{a.Page}")))));

    private static WeComAttachment ToWeCom(TemplateAttachment a) => a.Type switch
    {
        AttachmentType.Link => WeComAttachment.ForLink(a.Title ?? "", new Uri(a.Url!), a.Description, a.ImageUrl is null ? null : new Uri(a.ImageUrl)),
        AttachmentType.Image => new WeComAttachment { MsgType = "image", Image = new WeComImage(PicUrl: a.ImageUrl ?? a.Url) },
        // A mini program card's cover is a media_id uploaded beforehand; the template's image field carries it.
        _ => new WeComAttachment { MsgType = "miniprogram", Miniprogram = new WeComMiniProgram(a.Title ?? "", a.ImageUrl ?? "", a.AppId ?? "", a.Page ?? "") },
    };

    // Time-ordered and unique: yyyyMMddHHmmssfff plus 8 random hex digits.
    private static string NewDispatchId(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    private sealed record Ready(LedgerTouch Row, Touch Touch, string Recipient, RenderedMessage Message, string Key);

    // Per-run caches: the sender's context and each template are looked up once per run.
    private sealed class Run(string tenant, string senderId, DateTimeOffset now, bool readBook)
    {
        private Task<(Dictionary<string, Relationship> ByContact, Dictionary<string, (Relationship, IReadOnlyList<string>?)> ByCustomer)>? _book;

        // The sender's relationships by external_userid. Read as one partition query (a page per 1,000) when the run
        // carries many touches; a row missing from it (a contact added since) is read on its own.
        public async Task<Relationship?> RelationshipAsync(IRelationshipStore store, string externalUserId, CancellationToken ct)
        {
            if (readBook)
            {
                _book ??= ReadBookAsync(store, ct);
                if ((await _book.ConfigureAwait(false)).ByContact.TryGetValue(externalUserId, out var known))
                {
                    return known;
                }
            }

            return (await store.GetAsync(tenant, senderId, externalUserId, ct).ConfigureAwait(false))?.Value;
        }

        // A large run's entry for a customer: their most recent relationship with the sender and their policy tags, or
        // null (a small run, no relationship in the book, or a row whose tags are not known: the profile decides).
        public async Task<(Relationship Relationship, IReadOnlyList<string> PolicyTags)?> BookEntryAsync(IRelationshipStore store, string customerId, CancellationToken ct)
        {
            if (!readBook)
            {
                return null;
            }

            _book ??= ReadBookAsync(store, ct);
            return (await _book.ConfigureAwait(false)).ByCustomer.TryGetValue(customerId, out var entry) && entry is (var r, { } tags) ? (r, tags) : null;
        }

        private async Task<(Dictionary<string, Relationship>, Dictionary<string, (Relationship, IReadOnlyList<string>?)>)> ReadBookAsync(
            IRelationshipStore store, CancellationToken ct)
        {
            var byContact = new Dictionary<string, Relationship>(StringComparer.Ordinal);
            var byCustomer = new Dictionary<string, (Relationship Relationship, IReadOnlyList<string>? Tags)>(StringComparer.Ordinal);
            await foreach (var (r, tags) in store.ListBookAsync(tenant, senderId, ct).ConfigureAwait(false))
            {
                byContact[r.ExternalUserId] = r;
                // Several WeCom identities of one customer: the most recent relationship, and every identity's tags (a
                // row whose tags are not known makes the whole entry unknown).
                byCustomer[r.CustomerId] = byCustomer.TryGetValue(r.CustomerId, out var seen)
                    ? (r.StatusAt > seen.Relationship.StatusAt ? r : seen.Relationship,
                        seen.Tags is null || tags is null ? null : [.. seen.Tags.Union(tags, StringComparer.Ordinal)])
                    : (r, tags);
            }

            return (byContact, byCustomer);
        }

        private readonly ConcurrentDictionary<string, Task<SendableResult>> _templates = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<(TallySubject, string), Task<DeletionTally>> _tallies = new();
        private Task<SenderContext?>? _sender;
        private Task<ImmutableArray<PastSend>>? _posts;

        public string Tenant => tenant;

        public string SenderId => senderId;

        public DateTimeOffset Now => now;

        public Task<SenderContext?> SenderAsync(ISenderContexts contexts, CancellationToken ct) =>
            _sender ??= contexts.GetAsync(tenant, senderId, ct);

        // 1:1 sends per template in this run, added to the deletion tallies once at the end (not once per task, which
        // would have parallel tasks fight over the same tally rows).
        private readonly ConcurrentDictionary<string, int> _sends = new(StringComparer.Ordinal);

        public void CountSends(string templateId, int n) => _sends.AddOrUpdate(templateId, n, (_, v) => v + n);

        public async Task FlushTalliesAsync(IDeliveryHistoryStore store, CancellationToken ct)
        {
            var total = 0;
            foreach (var (template, n) in _sends)
            {
                await store.CountSendsAsync(tenant, TallySubject.Template, template, n, now, ct).ConfigureAwait(false);
                total += n;
            }

            if (total > 0)
            {
                await store.CountSendsAsync(tenant, TallySubject.Sender, senderId, total, now, ct).ConfigureAwait(false);
            }

            _sends.Clear();
        }

        private Task<IReadOnlyDictionary<string, ImmutableArray<PastSend>>>? _sends1to1;

        // The customer's 1:1 sends by this sender over the caps' look-back (a week and a day for time zones): from the
        // sender's send book, read once for a large run, or the customer's rows of it for a small one.
        public async Task<ImmutableArray<PastSend>> CustomerSendsAsync(IDeliveryHistoryStore store, string customerId, CancellationToken ct)
        {
            if (!readBook)
            {
                return await store.CustomerSendsAsync(tenant, senderId, customerId, now.AddDays(-8), ct).ConfigureAwait(false);
            }

            _sends1to1 ??= store.SenderBookAsync(tenant, senderId, now.AddDays(-8), ct);
            return (await _sends1to1.ConfigureAwait(false)).GetValueOrDefault(customerId, []);
        }

        public Task<ImmutableArray<PastSend>> SenderPostsAsync(IDeliveryHistoryStore store, CancellationToken ct) =>
            _posts ??= store.SenderPostsAsync(tenant, senderId, now.AddDays(-2), ct);

        public Task<DeletionTally> TallyAsync(IDeliveryHistoryStore store, TallySubject subject, string id, DateTimeOffset since, CancellationToken ct) =>
            _tallies.GetOrAdd((subject, id), k => store.TallyAsync(tenant, k.Item1, k.Item2, since, ct));

        public Task<SendableResult> TemplateAsync(ContentLibrary library, string id, SenderContext? context, CancellationToken ct) =>
            _templates.GetOrAdd(id, i => library.GetSendableAsync(i, context?.Bank ?? tenant, context?.Branch, ct));
    }
}

/// <summary>How the dispatcher batches and recovers.</summary>
public sealed record DispatchOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Delivery";

    /// <summary>How long after a touch's slot the sender's outbox is read, so touches due in the same window travel
    /// together (default 2 minutes).</summary>
    public TimeSpan AggregationDelay { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Most customers in one WeCom task (WeCom accepts up to 10,000 external_userids; fewer keeps a task
    /// reviewable by the account manager). Default 1,000.</summary>
    public int MaxRecipientsPerTask { get; init; } = 1_000;

    /// <summary>Most outbox rows read in one run (the rest get another run at once). Default 5,000.</summary>
    public int MaxTouchesPerRun { get; init; } = 5_000;

    /// <summary>From how many due touches a run reads the sender's relationships as one partition query instead of a
    /// point read per touch (default 20: a manager's book of up to 20,000 contacts is 20 pages, a point read each
    /// of 20 touches).</summary>
    public int SenderBookFrom { get; init; } = 20;

    /// <summary>Storage calls in flight per run. Default 16.</summary>
    public int Parallelism { get; init; } = 16;

    /// <summary>WeCom tasks created at once per run (each is a handful of storage writes and one WeCom call). Default 8.</summary>
    public int TasksInFlight { get; init; } = 8;

    /// <summary>How long a dispatch may stay Calling before a run reconciles it (and a claim before it counts as
    /// abandoned). Longer than any single WeCom call with its retries. Default 2 minutes.</summary>
    public TimeSpan ReconcileAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a created task is checked for the account manager's confirmation (default 30 minutes).</summary>
    public TimeSpan FollowUpInterval { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a task may sit unconfirmed before the account manager is reminded (default 2 hours).</summary>
    public TimeSpan RemindAfter { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Reminders per task in any 24 hours (WeCom allows 3; default 3).</summary>
    public int MaxRemindersPerDay { get; init; } = 3;

    /// <summary>How long an unconfirmed task is followed (default 3 days).</summary>
    public TimeSpan FollowUpFor { get; init; } = TimeSpan.FromDays(3);

    /// <summary>Throws if a value is out of range.</summary>
    public DispatchOptions Validated() =>
        AggregationDelay < TimeSpan.Zero ? throw new ArgumentException("Delivery:AggregationDelay must not be negative.")
        : MaxRecipientsPerTask is < 1 or > 10_000 ? throw new ArgumentException("Delivery:MaxRecipientsPerTask must be 1–10,000 (WeCom's limit).")
        : MaxTouchesPerRun < 1 ? throw new ArgumentException("Delivery:MaxTouchesPerRun must be at least 1.")
        : Parallelism < 1 ? throw new ArgumentException("Delivery:Parallelism must be at least 1.")
        : TasksInFlight < 1 ? throw new ArgumentException("Delivery:TasksInFlight must be at least 1.")
        : ReconcileAfter <= TimeSpan.Zero ? throw new ArgumentException("Delivery:ReconcileAfter must be positive.")
        : FollowUpInterval <= TimeSpan.Zero ? throw new ArgumentException("Delivery:FollowUpInterval must be positive.")
        : MaxRemindersPerDay is < 0 or > 3 ? throw new ArgumentException("Delivery:MaxRemindersPerDay must be 0–3 (WeCom allows three reminders a day).")
        : this;
}

/// <summary>What a follow-up found.</summary>
public enum FollowUpResult
{
    /// <summary>The dispatch is not waiting for confirmation (unknown, failed or already confirmed).</summary>
    NothingToDo,
    /// <summary>Confirmed now; the touches' outcomes are recorded.</summary>
    Confirmed,
    /// <summary>Still unconfirmed; followed up again later.</summary>
    Waiting,
    /// <summary>Still unconfirmed; the account manager was reminded.</summary>
    Reminded,
    /// <summary>Unconfirmed for longer than it is followed.</summary>
    GaveUp,
}

/// <summary>What one dispatch run did, for logs, tests and benchmarks.</summary>
public sealed class DispatchReport
{
    private readonly ConcurrentDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<TouchId, bool> _final = new();

    private int _tasks;

    /// <summary>WeCom tasks created.</summary>
    public int Tasks => Volatile.Read(ref _tasks);

    private int _uncertain;

    /// <summary>Touches whose WeCom call may or may not have created a task (reconciled by a later run).</summary>
    public int Uncertain => Volatile.Read(ref _uncertain);

    /// <summary>Touches found already created in WeCom after a crash.</summary>
    public int Reconciled { get; internal set; }

    /// <summary>Touches by outcome: Sent, Failed, or a refusal or deferral reason.</summary>
    public IReadOnlyDictionary<string, int> Outcomes => _outcomes;

    internal void Count(TouchId id, string outcome, bool final)
    {
        _outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
        if (final)
        {
            _final[id] = true;
        }
    }

    internal bool IsFinal(TouchId id) => _final.ContainsKey(id);

    internal void AddTask() => Interlocked.Increment(ref _tasks);

    internal void AddUncertain(int n) => Interlocked.Add(ref _uncertain, n);
}
