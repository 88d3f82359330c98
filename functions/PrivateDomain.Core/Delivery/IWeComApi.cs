namespace PrivateDomain.Delivery;

/// <summary>
/// WeCom's customer-contact API for one tenant's corp app. Every method returns a typed result instead of throwing on
/// WeCom errors: the implementation caches and shares the access token, rate-limits per corp and API, retries what is
/// safe to retry, and maps every errcode to a <see cref="WeComError"/>. Only cancellation throws.
/// </summary>
/// <remarks>
/// Mass sends and Moments tasks are not idempotent: an <see cref="WeComErrorKind.Indeterminate"/> result means "may have
/// been created"; reconcile (get_groupmsg_list_v2 / get_moment_list) before calling again.
/// </remarks>
public interface IWeComApi
{
    /// <summary>send_welcome_msg: the fast-path welcome (within 20 s of add_external_contact).</summary>
    Task<WeComApiResult<WeComAck>> SendWelcomeMessageAsync(string tenant, WelcomeMessage message, CancellationToken cancellationToken);

    /// <summary>add_msg_template: create a 1:1 or group mass-send task for an employee to confirm.</summary>
    Task<WeComApiResult<MassMessageCreated>> AddMessageTemplateAsync(string tenant, MassMessage message, CancellationToken cancellationToken);

    /// <summary>get_groupmsg_list_v2: list mass-send tasks (reconciliation).</summary>
    Task<WeComApiResult<MassMessageList>> GetGroupMessageListAsync(string tenant, MassMessageListQuery query, CancellationToken cancellationToken);

    /// <summary>get_groupmsg_task: each sender's status on a mass-send task (unconfirmed or sent), one page.</summary>
    Task<WeComApiResult<MassMessageTaskList>> GetGroupMessageTaskAsync(string tenant, MassMessageTaskQuery query, CancellationToken cancellationToken);

    /// <summary>get_groupmsg_send_result: one sender's per-customer (or per-group) outcome of a mass-send task, one page.</summary>
    Task<WeComApiResult<MassMessageSendResult>> GetGroupMessageSendResultAsync(string tenant, MassMessageSendResultQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// remind_groupmsg_send: remind the employee of an unconfirmed task. At most 3 times per task in 24 h; the fourth
    /// fails as <see cref="WeComErrorKind.LimitExceeded"/> and is not retried.
    /// </summary>
    Task<WeComApiResult<WeComAck>> RemindGroupMessageSendAsync(string tenant, MassMessageReminder reminder, CancellationToken cancellationToken);

    /// <summary>add_moment_task: create a Moments task; returns a jobid.</summary>
    Task<WeComApiResult<MomentTaskCreated>> AddMomentTaskAsync(string tenant, MomentTask task, CancellationToken cancellationToken);

    /// <summary>get_moment_task_result: poll a Moments task.</summary>
    Task<WeComApiResult<MomentTaskResult>> GetMomentTaskResultAsync(string tenant, string jobId, CancellationToken cancellationToken);

    /// <summary>get_moment_list: Moments posts created in a time range (reconciliation of a lost jobid), one page.</summary>
    Task<WeComApiResult<MomentList>> GetMomentListAsync(string tenant, MomentListQuery query, CancellationToken cancellationToken);

    /// <summary>get_moment_task: which senders published a corp-created Moments post, one page.</summary>
    Task<WeComApiResult<MomentTaskList>> GetMomentTaskAsync(string tenant, MomentTaskQuery query, CancellationToken cancellationToken);

    /// <summary>mark_tag: add/remove corp tags on one customer.</summary>
    Task<WeComApiResult<WeComAck>> MarkTagAsync(string tenant, TagMarking marking, CancellationToken cancellationToken);

    /// <summary>get_corp_tag_list: read the corp tag library.</summary>
    Task<WeComApiResult<CorpTagList>> GetCorpTagListAsync(string tenant, CorpTagQuery query, CancellationToken cancellationToken);

    /// <summary>add_corp_tag: create corp tags.</summary>
    Task<WeComApiResult<CorpTagCreated>> AddCorpTagAsync(string tenant, NewCorpTags tags, CancellationToken cancellationToken);

    /// <summary>externalcontact/get: a customer and their followers.</summary>
    Task<WeComApiResult<ExternalContactDetail>> GetExternalContactAsync(string tenant, string externalUserId, string? cursor, CancellationToken cancellationToken);

    /// <summary>transfer_customer: hand customers over between employees in service.</summary>
    Task<WeComApiResult<CustomerTransferResult>> TransferCustomerAsync(string tenant, CustomerTransfer transfer, CancellationToken cancellationToken);

    /// <summary>resigned/transfer_customer: hand over a resigned employee's customers.</summary>
    Task<WeComApiResult<CustomerTransferResult>> TransferResignedCustomerAsync(string tenant, CustomerTransfer transfer, CancellationToken cancellationToken);
}
