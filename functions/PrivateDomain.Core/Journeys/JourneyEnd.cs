namespace PrivateDomain.Journeys;

/// <summary>Why a journey completed. Every reason but <see cref="Finished"/>, <see cref="Cancelled"/> and <see cref="Erased"/> is an exit triggered by a customer signal.</summary>
public enum JourneyEnd
{
    /// <summary>All rounds ran to the end.</summary>
    Finished,

    /// <summary>The customer bought (a CRM event or the account manager's tag).</summary>
    Converted,

    /// <summary>The customer opted out (退订/TD, the unsubscribe page, or the account manager's tag).</summary>
    OptedOut,

    /// <summary>The customer deleted the account manager (del_follow_user).</summary>
    ManagerDeleted,

    /// <summary>An operator cancelled it (recorded in the operator audit).</summary>
    Cancelled,

    /// <summary>The customer was erased (PIPL); the row is removed right after, this only stops a step in flight.</summary>
    Erased,
}
