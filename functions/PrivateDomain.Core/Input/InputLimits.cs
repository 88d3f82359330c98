namespace PrivateDomain.Input;

/// <summary>
/// The maxima of free-text fields and lists at every edge, beside <see cref="Identifiers"/>: a Table property holds at
/// most 64 KiB and an entity 1 MiB, so every string and list that reaches storage is bounded here, well inside those.
/// </summary>
public static class InputLimits
{
    /// <summary>A customer's name (CRM).</summary>
    public static readonly InputRule CustomerName = Text("a customer name", 100);

    /// <summary>An employee's name, title or branch name (CRM).</summary>
    public static readonly InputRule EmployeeText = Text("an employee's name, title or branch name", 64);

    /// <summary>A phone number as CRM sends it (before it is hashed and masked).</summary>
    public static readonly InputRule Phone = Text("a phone number", 32);

    /// <summary>A customer attribute's value (a number keeps its JSON text).</summary>
    public static readonly InputRule AttributeValue = Text("an attribute value", 256);

    /// <summary>A segment query (<c>tag:代发 AND aum&gt;=50000</c>).</summary>
    public static readonly InputRule Segment = Text("a segment query", 2_000);

    /// <summary>Attributes in one CRM message.</summary>
    public const int MaxAttributes = 50;

    /// <summary>Tags (or tags to add, or to remove) in one CRM message.</summary>
    public const int MaxTags = 100;

    /// <summary>Products in one CRM message.</summary>
    public const int MaxProducts = 100;

    /// <summary>WeCom contacts (external_userids) one CRM customer message may name.</summary>
    public const int MaxExternalUserIds = 20;

    /// <summary>Members listed in one group-chat update event.</summary>
    public const int MaxChatMembers = 2_000;

    /// <summary>The most characters of any one input an audit row keeps (the rest is cut and marked).</summary>
    public const int AuditField = 256;

    /// <summary>A text rule: any characters but control characters, up to <paramref name="max"/>.</summary>
    public static InputRule Text(string kind, int max) => new(kind, max, "any characters but control characters", (c, _) => !char.IsControl(c));
}
