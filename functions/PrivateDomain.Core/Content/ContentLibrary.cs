using System.Collections.Immutable;

namespace PrivateDomain.Content;

/// <summary>
/// The content library's use cases: publish template versions (from the repository or an operator), maker-checker
/// (submit, approve, reject), and the question delivery asks before every send — which version of this id, if any, may
/// go to a customer of this bank and branch (<see cref="GetSendableAsync"/>).
/// </summary>
/// <remarks>With the journeys' catalog it also holds content to <see cref="MassSendRule"/>: a version a mass-send step
/// would send may not name the customer, and is refused at approval (or publication from the repository) with the
/// placeholder and the step named.</remarks>
public sealed class ContentLibrary(
    ITemplateStore templates, IContentApprovalLog approvals, ISensitiveWordStore words, TimeProvider time, Journeys.JourneyCatalog? journeys = null)
{
    private const int AppendAttempts = 5;

    /// <summary>Publishes a new version an operator wrote, as a draft by <paramref name="author"/>.</summary>
    /// <exception cref="MessageTemplateException">The template breaks a rule, or the version exists with other content.</exception>
    public async Task<PublishOutcome> PublishAsync(TemplateScope scope, MessageTemplate template, string author, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentException.ThrowIfNullOrWhiteSpace(author);
        template = MessageTemplateReader.Normalise(template);
        var outcome = await StoreAsync(scope, template, template.ToString(), cancellationToken).ConfigureAwait(false);
        await AppendAsync(new TemplateRef(scope, template.Id, template.Version), state => state.History.IsEmpty
            ? [new ApprovalRecord(new TemplateRef(scope, template.Id, template.Version), 0, ApprovalAction.Drafted, author, time.GetUtcNow(), template.ContentHash, Note: "published by an operator")]
            : [], cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>
    /// Publishes the repository's library: the sensitive-word list, then every template file in
    /// <paramref name="directory"/> with its recorded approval. Idempotent: a second run stores nothing and appends no
    /// approval rows. A file marked approved is the bank's compliance sign-off given in the repository's review; it is
    /// recorded (role <c>repository-review</c>, note naming the file) only if the version passes the screen and no
    /// decision is in the log yet — an approval or rejection made through the library always stands.
    /// </summary>
    /// <exception cref="MessageTemplateException">A file or the word list is invalid, an approved file fails the screen,
    /// or a published version's content changed; nothing is published when a file is invalid or fails the screen.</exception>
    public async Task<ContentPublishReport> PublishFolderAsync(string directory, string sensitiveWordsFile, CancellationToken cancellationToken)
    {
        var files = MessageTemplateFolder.Load(directory);
        var screen = SensitiveWordScreen.Read(await File.ReadAllBytesAsync(sensitiveWordsFile, cancellationToken).ConfigureAwait(false), sensitiveWordsFile);
        var errors = files.Where(f => f.Approval.Status == ApprovalStatus.Approved)
            .SelectMany(f => screen.Screen(f.Template).Select(h => $"{f.Path}: marked approved but fails the sensitive-word screen: {h}"))
            .ToList();
        // The version a step would send is each scope's newest approved one; older approved versions are history.
        errors.AddRange(files.Where(f => f.Approval.Status == ApprovalStatus.Approved)
            .GroupBy(f => (f.Scope.Key, f.Template.Id))
            .Select(g => g.MaxBy(f => f.Template.Version)!)
            .SelectMany(f => MassSendProblems(f.Template).Select(p => $"{f.Path}: marked approved but {p}")));
        if (errors.Count > 0)
        {
            throw new MessageTemplateException(directory, errors);
        }

        var listChanged = await words.PublishAsync(screen, cancellationToken).ConfigureAwait(false);
        int created = 0, unchanged = 0, rows = 0;
        foreach (var file in files)
        {
            try
            {
                var outcome = await StoreAsync(file.Scope, file.Template, file.Path, cancellationToken).ConfigureAwait(false);
                created += outcome == PublishOutcome.Created ? 1 : 0;
                unchanged += outcome == PublishOutcome.Unchanged ? 1 : 0;
                rows += await AppendAsync(file.Ref, state => FileRows(file, state, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            }
            catch (MessageTemplateException e)
            {
                errors.AddRange(e.Errors.Select(x => $"{file.Path}: {x}"));
            }
        }

        return errors.Count > 0
            ? throw new MessageTemplateException(directory, errors)
            : new ContentPublishReport(created, unchanged, rows, listChanged, screen.Version);
    }

    /// <summary>A maker submits a draft for approval.</summary>
    /// <exception cref="ContentApprovalException">It is not a draft, or does not exist.</exception>
    public async Task<ApprovalRecord> SubmitAsync(TemplateRef template, string submittedBy, CancellationToken cancellationToken)
    {
        var content = await RequireAsync(template, cancellationToken).ConfigureAwait(false);
        return await DecideAsync(template, state => MakerChecker.Submit(template, content.ContentHash, state, submittedBy, time.GetUtcNow()), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>A Compliance checker approves a submitted version: not its author or submitter, and only if it passes
    /// the current sensitive-word list. Records who and when.</summary>
    /// <exception cref="ContentApprovalException">A rule refused; <see cref="ContentApprovalException.Reason"/> says which.</exception>
    public async Task<ApprovalRecord> ApproveAsync(TemplateRef template, ContentReviewer reviewer, CancellationToken cancellationToken)
    {
        var content = await RequireAsync(template, cancellationToken).ConfigureAwait(false);
        if (MassSendProblems(content) is [var first, ..])
        {
            throw new ContentApprovalException(template, ApprovalRefusal.PersonalTextInMassSend, first);
        }

        var screen = await words.GetAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new ContentApprovalException(template, ApprovalRefusal.NoScreen, "no sensitive-word list is published, so nothing can be approved; publish content-templates/sensitive-words first");
        return await DecideAsync(template, state => MakerChecker.Approve(template, content, state, reviewer, screen, time.GetUtcNow()), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>A Compliance checker rejects a submitted version, with a reason. The version can never be sent; revise
    /// it as a new version.</summary>
    /// <exception cref="ContentApprovalException">A rule refused.</exception>
    public async Task<ApprovalRecord> RejectAsync(TemplateRef template, ContentReviewer reviewer, string reason, CancellationToken cancellationToken)
    {
        var content = await RequireAsync(template, cancellationToken).ConfigureAwait(false);
        return await DecideAsync(template, state => MakerChecker.Reject(template, content.ContentHash, state, reviewer, reason, time.GetUtcNow()), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The approval state and history of one version.</summary>
    public async Task<TemplateApprovalState> GetApprovalAsync(TemplateRef template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        var rows = await approvals.ReadAsync(template.Scope, template.Id, cancellationToken).ConfigureAwait(false);
        return TemplateApprovalState.From(rows.Where(r => r.Template.Version == template.Version));
    }

    /// <summary>
    /// The version of <paramref name="id"/> to send to a customer of <paramref name="bank"/> served from
    /// <paramref name="branch"/>: the newest approved version of the most specific scope that has one (branch → bank →
    /// default). A scope whose versions are all unapproved is passed over, so a branch's draft override never blocks
    /// the approved default. The chosen version is screened again with the current word list — a word compliance
    /// added since the approval stops it — and its stored content must hash to what was approved.
    /// </summary>
    public async Task<SendableResult> GetSendableAsync(string id, string bank, string? branch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var screen = await words.GetAsync(cancellationToken).ConfigureAwait(false);
        if (screen is null)
        {
            return SendableResult.Refused(id, ContentRefusalReason.NoScreen, $"\"{id}\" cannot be sent: no sensitive-word list is published");
        }

        var seen = new List<string>();
        var order = TemplateScope.ResolutionOrder(bank, branch);
        foreach (var scope in order)
        {
            var versions = await templates.ListVersionsAsync(scope, id, cancellationToken).ConfigureAwait(false);
            if (versions.Count == 0)
            {
                continue;
            }

            var rows = await approvals.ReadAsync(scope, id, cancellationToken).ConfigureAwait(false);
            var states = versions.ToDictionary(v => v, v => TemplateApprovalState.From(rows.Where(r => r.Template.Version == v)));
            var newest = versions.Where(v => states[v].Status == ApprovalStatus.Approved).DefaultIfEmpty().Max();
            if (newest == 0)
            {
                seen.Add($"{scope.Key}: {string.Join(", ", versions.Select(v => $"v{v} {states[v].Status.ToString().ToLowerInvariant()}"))}");
                continue;
            }

            var at = new TemplateRef(scope, id, newest);
            var approval = states[newest].History.Last(r => r.Action == ApprovalAction.Approved);
            var content = await templates.GetAsync(at, cancellationToken).ConfigureAwait(false);
            if (content is null || content.ContentHash != approval.ContentHash)
            {
                return SendableResult.Refused(id, ContentRefusalReason.ContentMismatch,
                    $"{at} cannot be sent: its stored content ({content?.ContentHash ?? "missing"}) is not what {approval.By} approved ({approval.ContentHash})");
            }

            var hits = screen.Screen(content);
            if (hits.Length > 0)
            {
                return SendableResult.Refused(id, ContentRefusalReason.FailsCurrentScreen,
                    $"{at} was approved but fails the current sensitive-word list {screen.Version}: {string.Join("; ", hits)}; approve a revised version");
            }

            return SendableResult.Sendable(new SendableTemplate(content, scope, approval));
        }

        var looked = string.Join(" → ", order.Select(s => s.Key));
        return seen.Count == 0
            ? SendableResult.Refused(id, ContentRefusalReason.NotFound, $"no template \"{id}\" in {looked}")
            : SendableResult.Refused(id, ContentRefusalReason.NotApproved, $"no approved version of \"{id}\" ({string.Join("; ", seen)}); only approved versions can be sent");
    }

    private static IEnumerable<ApprovalRecord> FileRows(TemplateFile file, TemplateApprovalState state, DateTimeOffset now)
    {
        var a = file.Approval;
        var hash = file.Template.ContentHash;
        var sequence = state.NextSequence;
        if (state.History.IsEmpty)
        {
            yield return new ApprovalRecord(file.Ref, sequence++, ApprovalAction.Drafted, a.Author, now, hash, Note: $"published from {file.Path}");
        }

        if (a.Status != ApprovalStatus.Approved || state.Status is ApprovalStatus.Approved)
        {
            yield break;
        }

        if (state.Status == ApprovalStatus.Rejected)
        {
            throw new MessageTemplateException(file.Path, [$"approval.status: the file says approved but {file.Ref} was rejected in the library; revise it as a new version"]);
        }

        if (state.SubmittedBy is { } submitter && MakerChecker.SamePerson(submitter, a.ApprovedBy!))
        {
            throw new MessageTemplateException(file.Path, [$"approval.approvedBy: {a.ApprovedBy} submitted {file.Ref} in the library and cannot also approve it"]);
        }

        if (state.Status == ApprovalStatus.Draft)
        {
            yield return new ApprovalRecord(file.Ref, sequence++, ApprovalAction.Submitted, a.Author, a.ApprovedAt!.Value, hash, Note: $"submitted in the repository review of {file.Path}");
        }

        yield return new ApprovalRecord(file.Ref, sequence, ApprovalAction.Approved, a.ApprovedBy!, a.ApprovedAt!.Value, hash, "repository-review",
            $"approved in the repository: {file.Path}");
    }

    private IReadOnlyList<string> MassSendProblems(MessageTemplate template) =>
        journeys is null ? [] : MassSendRule.Check(journeys.All, template);

    private async Task<PublishOutcome> StoreAsync(TemplateScope scope, MessageTemplate template, string source, CancellationToken cancellationToken)
    {
        var outcome = await templates.PublishAsync(scope, template, cancellationToken).ConfigureAwait(false);
        return outcome == PublishOutcome.Conflict
            ? throw new MessageTemplateException(source, [$"version {template.Version} of \"{template.Id}\" is already published in {scope.Key} with other content; " +
                "published versions are immutable (an approval signs exact content) — restore it and add a new version"])
            : outcome;
    }

    private async Task<MessageTemplate> RequireAsync(TemplateRef template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        return await templates.GetAsync(template, cancellationToken).ConfigureAwait(false)
            ?? throw new ContentApprovalException(template, ApprovalRefusal.Unknown, $"{template} is not in the library");
    }

    /// <summary>Appends the one row <paramref name="decide"/> returns, re-reading and deciding again if someone appended first.</summary>
    private async Task<ApprovalRecord> DecideAsync(TemplateRef template, Func<TemplateApprovalState, ApprovalRecord> decide, CancellationToken cancellationToken)
    {
        ApprovalRecord? decided = null;
        await AppendAsync(template, state => [decided = decide(state)], cancellationToken).ConfigureAwait(false);
        return decided!;
    }

    /// <summary>Appends the rows <paramref name="plan"/> returns for the current state, in order; on a lost race,
    /// re-reads and plans again. Returns how many rows were appended.</summary>
    private async Task<int> AppendAsync(TemplateRef template, Func<TemplateApprovalState, IEnumerable<ApprovalRecord>> plan, CancellationToken cancellationToken)
    {
        var appended = 0;
        for (var attempt = 0; attempt < AppendAttempts; attempt++)
        {
            var state = await GetApprovalAsync(template, cancellationToken).ConfigureAwait(false);
            var rows = plan(state).ToList();
            var lost = false;
            foreach (var row in rows)
            {
                if (!await approvals.TryAppendAsync(row, cancellationToken).ConfigureAwait(false))
                {
                    lost = true;
                    break;
                }

                appended++;
            }

            if (!lost)
            {
                return appended;
            }
        }

        throw new ContentApprovalException(template, ApprovalRefusal.Conflict, $"{template} kept changing while we recorded; read it again and retry");
    }
}

/// <summary>What publishing the repository's library did.</summary>
/// <param name="Created">Template versions stored now.</param>
/// <param name="Unchanged">Template versions already stored with the same content.</param>
/// <param name="ApprovalRowsAppended">Approval-log rows appended (0 on a re-run).</param>
/// <param name="WordListChanged">True if the sensitive-word list was replaced.</param>
/// <param name="WordListVersion">The word list's version.</param>
public sealed record ContentPublishReport(int Created, int Unchanged, int ApprovalRowsAppended, bool WordListChanged, string WordListVersion);
