namespace PrivateDomain.Input;

/// <summary>
/// The identifiers that become part of a storage key (Table PartitionKey/RowKey, queue message, Durable instance id),
/// each with its documented alphabet and length — the one place these rules live. An edge checks a value with
/// <see cref="InputRule.Check"/> before anything is stored; past the edge, code may rely on the rule. Table Storage
/// forbids <c>/ \ # ?</c> and control characters in keys, so no identifier alphabet has them; tags and channel codes,
/// which are free text, also exclude them and <c>% |</c> (the key escape and separator).
/// </summary>
public static class Identifiers
{
    /// <summary>A PrivateDomain tenant (the <c>{tenant}</c> route segment and part of app setting names).</summary>
    public static readonly InputRule Tenant = new("a tenant name", 32, "lowercase letters and digits, a letter first",
        (c, i) => char.IsAsciiLetterLower(c) || (i > 0 && char.IsAsciiDigit(c)));

    /// <summary>Our customer id (derived ids are <c>c</c> + 24 hex digits).</summary>
    public static readonly InputRule CustomerId = new("a customer id", 64, "letters, digits and - _ .", (c, _) => Word(c) || c is '.');

    /// <summary>WeCom's external_userid of a customer contact (WeCom: at most 64 bytes).</summary>
    public static readonly InputRule ExternalUserId = new("a WeCom external_userid", 64, "letters, digits, - and _", (c, _) => Word(c));

    /// <summary>A WeCom member userid — an employee, account manager or sender (WeCom: 1–64 bytes of letters, digits and
    /// <c>_ - @ .</c>, a letter or digit first).</summary>
    public static readonly InputRule UserId = new("a WeCom userid", 64, "letters, digits and _ - @ . (a letter or digit first)",
        (c, i) => char.IsAsciiLetterOrDigit(c) || (i > 0 && c is '_' or '-' or '@' or '.'));

    /// <summary>A payroll employer (CRM's id for the company whose salaries the bank pays).</summary>
    public static readonly InputRule EmployerId = new("an employer id", 64, "letters, digits and - _ .", (c, _) => Word(c) || c is '.');

    /// <summary>CRM's customer number.</summary>
    public static readonly InputRule CrmId = new("a CRM customer number", 64, "letters, digits and - _ . :", (c, _) => Word(c) || c is '.' or ':');

    /// <summary>A WeChat unionid.</summary>
    public static readonly InputRule UnionId = new("a WeChat unionid", 64, "letters, digits, - and _", (c, _) => Word(c));

    /// <summary>A journey definition id (<c>aida-nurture</c>).</summary>
    public static readonly InputRule JourneyId = new("a journey id", 64, "lowercase letters, digits and -",
        (c, _) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-');

    /// <summary>A journey instance id (<c>{tenant}:{journey}:{customer}[:{occurrence}]</c>, Durable's limit of 100).</summary>
    public static readonly InputRule JourneyInstanceId = new("a journey instance id", 100, "letters, digits and - _ . : ~ @",
        (c, _) => Word(c) || c is '.' or ':' or '~' or '@');

    /// <summary>The occurrence key of a journey that can recur (a loan application id).</summary>
    public static readonly InputRule Occurrence = new("an occurrence key", 64, "letters, digits and - _ . :", (c, _) => Word(c) || c is '.' or ':');

    /// <summary>A loan application id (CRM), which becomes a journey's occurrence key.</summary>
    public static readonly InputRule ApplicationId = new("a loan application id", 64, "letters, digits and - _ . :", (c, _) => Word(c) || c is '.' or ':');

    /// <summary>A payroll campaign id (<c>payroll:{employer}:{yyyy-MM}</c>).</summary>
    public static readonly InputRule CampaignId = new("a payroll campaign id", 100, "letters, digits and - _ . :", (c, _) => Word(c) || c is '.' or ':');

    /// <summary>A customer tag (static from CRM or WeCom, dynamic from behaviour; CJK welcome).</summary>
    public static readonly InputRule Tag = new("a tag", 64, "any characters but control characters and / \\ # ? % |", (c, _) => FreeKey(c));

    /// <summary>A product code (it also becomes the index tag <c>product:{code}</c>).</summary>
    public static readonly InputRule Product = new("a product code", 64, "any characters but control characters and / \\ # ? % |", (c, _) => FreeKey(c));

    /// <summary>A channel code: the <c>state</c> of a WeCom "contact me" QR (WeCom: at most 30 characters).</summary>
    public static readonly InputRule ChannelCode = new("a channel code (WeCom state)", 30, "any characters but control characters and / \\ # ? % |",
        (c, _) => FreeKey(c));

    /// <summary>A WeCom customer group chat id.</summary>
    public static readonly InputRule ChatId = new("a WeCom chat id", 64, "letters, digits, - and _", (c, _) => Word(c));

    /// <summary>A WeCom corp tag or tag group id.</summary>
    public static readonly InputRule CorpTagId = new("a WeCom corp tag id", 64, "letters, digits, - and _", (c, _) => Word(c));

    /// <summary>A WeCom welcome_code (single use, 20 s).</summary>
    public static readonly InputRule WelcomeCode = new("a WeCom welcome code", 128, "printable ASCII without spaces",
        (c, _) => c is > ' ' and < (char)0x7F);

    /// <summary>A branch id: the branch's content folder (<c>branch/{bank}/{branchId}</c>).</summary>
    public static readonly InputRule BranchId = new("a branch id", 63, "lowercase letters, digits and -",
        (c, _) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-');

    /// <summary>A customer attribute name (<c>aum</c>, <c>region</c>).</summary>
    public static readonly InputRule AttributeName = new("an attribute name", 64, "letters, digits and - _ .", (c, _) => Word(c) || c is '.');

    /// <summary>The sender's id of a CRM message (for tracing only).</summary>
    public static readonly InputRule MessageId = new("a message id", 128, "any characters but control characters", (c, _) => !char.IsControl(c));

    private static bool Word(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    private static bool FreeKey(char c) => !char.IsControl(c) && c is not ('/' or '\\' or '#' or '?' or '%' or '|');
}
