namespace PrivateDomain.Journeys;

/// <summary>
/// One touch the engine decided to make for one customer. For <see cref="Channel.OneToOne"/> that is a message; for
/// Moments it is "this customer is in the audience of the manager's post for this step", and for group "this customer's
/// group gets this step's post". Delivery aggregates touches by <see cref="Delivery"/>: one WeCom mass-send task (which
/// the account manager confirms) or one Moments post per sender, channel, content and slot.
/// </summary>
/// <param name="Id">Deterministic from instance, round and step: the ledger key that makes the send idempotent.</param>
/// <param name="Step">The step's index in the definition (stable: definitions are immutable).</param>
/// <param name="Stage">The step's stage.</param>
/// <param name="Channel">The channel.</param>
/// <param name="Kind">The content kind.</param>
/// <param name="Content">The template to send: the step's content, or its 3W script for a customer with intent.</param>
/// <param name="ThreeW">True when <paramref name="Content"/> is the 3W script.</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="SenderId">The account manager (WeCom userid) who sends or posts it.</param>
/// <param name="Slot">The planned send time in the tenant's local time (after quiet hours and caps).</param>
/// <param name="SlotAt">The same instant as an offset time.</param>
public sealed record Touch(
    TouchId Id,
    int Step,
    string Stage,
    Channel Channel,
    string Kind,
    string Content,
    bool ThreeW,
    string CustomerId,
    string SenderId,
    DateTime Slot,
    DateTimeOffset SlotAt)
{
    /// <summary>The campaign the touch belongs to (see <see cref="JourneyState.Campaign"/>), or null.</summary>
    public string? Campaign { get; init; }

    /// <summary>The payday the touch's copy names (<c>{payroll.payday}</c>), or null.</summary>
    public DateOnly? Payday { get; init; }

    /// <summary>True if the touch's step is personal (<see cref="JourneyStep.Personal"/>): its text may name the customer,
    /// so it may travel in a WeCom task of its own, within the account manager's daily allowance of such tasks.</summary>
    public bool Personal { get; init; }

    /// <summary>The local date the touch counts against for caps and reports.</summary>
    public DateOnly LocalDate => DateOnly.FromDateTime(Slot);

    /// <summary>What delivery groups by: touches with the same key travel in one task or post.</summary>
    public DeliveryKey Delivery => new(SenderId, Channel, Content, Slot);

    /// <summary>Where the touch's ledger row is: its id, and for a campaign's touch the campaign and the sender, whose
    /// touches share one ledger partition (so a cohort batch records, and a dispatch claims and closes, a hundred in one
    /// transaction).</summary>
    public TouchRef Ref => new(Id, SenderId, Campaign);
}

/// <summary>The address of a touch's ledger row. A campaign's touches (<paramref name="Campaign"/> set) are kept together
/// per campaign and account manager; any other touch with its journey instance.</summary>
/// <param name="Id">The touch id.</param>
/// <param name="SenderId">The account manager who sends it.</param>
/// <param name="Campaign">The campaign the touch belongs to, or null.</param>
public readonly record struct TouchRef(TouchId Id, string SenderId, string? Campaign);

/// <summary>A touch's identity: <c>{instance}/r{round}/{step}</c>. The same instance, round and step always give the
/// same id, so a replayed activity or a restarted runner finds the ledger row and does not send twice.</summary>
public readonly record struct TouchId(string InstanceId, int Round, string StepId)
{
    /// <summary>The ledger key.</summary>
    public override string ToString() => $"{InstanceId}/r{Round}/{StepId}";
}

/// <summary>The aggregation key of delivery: sender, channel, content and local slot.</summary>
public readonly record struct DeliveryKey(string SenderId, Channel Channel, string Content, DateTime Slot);
