namespace PrivateDomain.Journeys;

/// <summary>The three channels of 点圈群. Only <see cref="OneToOne"/> is a message to one customer; a Moments step is one
/// post per account manager seen by the customers it targets, and a group step is one post per group chat.</summary>
public enum Channel
{
    /// <summary>1:1 chat (点): sent as a WeCom mass-send task the account manager confirms.</summary>
    OneToOne,

    /// <summary>Moments (圈): one post per account manager, visible to the customers the step targets.</summary>
    Moments,

    /// <summary>Group chats (群): one post per group chat the customer is in.</summary>
    Group,
}
