using System.Globalization;
using System.Text.Json;
using PrivateDomain.Campaigns;
using PrivateDomain.Input;

namespace PrivateDomain.Customers.Crm;

/// <summary>The message types of CRM schema <c>privatedomain.crm/1</c> (docs/CRM-MESSAGES.md).</summary>
public static class CrmMessageTypes
{
    /// <summary>The full CRM view of a customer: identities, attributes, products and the static tag set.</summary>
    public const string CustomerUpserted = "CustomerUpserted";
    /// <summary>Static tags added and removed.</summary>
    public const string TagsChanged = "TagsChanged";
    /// <summary>A purchase: adds the product and is a conversion.</summary>
    public const string ProductPurchased = "ProductPurchased";
    /// <summary>The customer's salary is paid through the bank (代发).</summary>
    public const string PayrollEnrolled = "PayrollEnrolled";
    /// <summary>A loan application was started and abandoned.</summary>
    public const string LoanApplicationAbandoned = "LoanApplicationAbandoned";
    /// <summary>An employee (account manager) left the bank: their customers need a new one.</summary>
    public const string EmployeeLeft = "EmployeeLeft";
    /// <summary>The CRM/HR view of an employee (account manager): name, title and branch, for the employee directory.</summary>
    public const string EmployeeUpserted = "EmployeeUpserted";

    /// <summary>Every type this version knows.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        CustomerUpserted, TagsChanged, ProductPurchased, PayrollEnrolled, LoanApplicationAbandoned, EmployeeLeft, EmployeeUpserted,
    };

    /// <summary>True for the types about an employee rather than a customer: they carry no crmId, and their version is
    /// the employee's.</summary>
    public static bool IsAboutEmployee(string type) => type is EmployeeLeft or EmployeeUpserted;
}

/// <summary>A validated CRM message. <see cref="Data"/> is the type-specific payload, checked by <see cref="CrmMessage.Parse"/>.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="MessageId">The sender's id for the message (for tracing).</param>
/// <param name="Type">One of <see cref="CrmMessageTypes"/>.</param>
/// <param name="CrmId">The CRM customer number (null only for the employee types, see <see cref="CrmMessageTypes.IsAboutEmployee"/>).</param>
/// <param name="Version">The customer's CRM version (the employee's, for <see cref="CrmMessageTypes.EmployeeUpserted"/>):
/// strictly increasing per customer or employee; older or equal versions are ignored.</param>
/// <param name="OccurredAt">When it happened in CRM.</param>
/// <param name="Data">The payload.</param>
public sealed record CrmMessage(string Tenant, string MessageId, string Type, string? CrmId, long Version, DateTimeOffset OccurredAt, JsonElement Data)
{
    /// <summary>The schema this code reads.</summary>
    public const string Schema = "privatedomain.crm/1";

    /// <summary>The largest message accepted (characters).</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>Parses and validates a message.</summary>
    /// <exception cref="CrmMessageException">What is wrong, naming the field.</exception>
    public static CrmMessage Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxLength)
        {
            throw new CrmMessageException($"The message is longer than {MaxLength} characters.");
        }

        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new CrmMessageException($"The message is not JSON: {e.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new CrmMessageException("The message must be a JSON object.");
        }

        var schema = String(root, "schema", required: true);
        if (schema != Schema)
        {
            throw new CrmMessageException($"schema must be \"{Schema}\", not \"{InputRule.Truncate(schema, 40)}\".");
        }

        var type = String(root, "type", required: true)!;
        if (!CrmMessageTypes.All.Contains(type))
        {
            throw new CrmMessageException($"type \"{InputRule.Truncate(type, 40)}\" is not one of {string.Join(", ", CrmMessageTypes.All)}.");
        }

        var tenant = Checked(Identifiers.Tenant, String(root, "tenant", required: true), "tenant")!;
        var messageId = Checked(Identifiers.MessageId, String(root, "messageId", required: true), "messageId")!;
        // The employee types ignore crmId (it never becomes a key), so only the customer types check it.
        var crmId = CrmMessageTypes.IsAboutEmployee(type) ? String(root, "crmId", required: false)
            : Checked(Identifiers.CrmId, String(root, "crmId", required: true), "crmId");
        if (!root.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var version) || version <= 0)
        {
            throw new CrmMessageException("version is required: a positive integer, increasing with every change to the customer in CRM.");
        }

        var occurredText = String(root, "occurredAt", required: true)!;
        if (!DateTimeOffset.TryParse(occurredText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var occurredAt) || !occurredText.Contains('T', StringComparison.Ordinal))
        {
            throw new CrmMessageException($"occurredAt \"{InputRule.Truncate(occurredText, 40)}\" is not an ISO 8601 date-time with offset.");
        }

        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw new CrmMessageException("data is required: an object with the fields of " + type + ".");
        }

        var message = new CrmMessage(tenant, messageId, type, crmId, version, occurredAt, data);
        message.ValidateData();
        return message;
    }

    /// <summary>A string field of <see cref="Data"/>.</summary>
    public string? DataString(string name, bool required = false) => String(Data, name, required, "data.");

    /// <summary>A string-array field of <see cref="Data"/> (empty when absent).</summary>
    public IReadOnlyList<string> DataStrings(string name)
    {
        if (!Data.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (array.ValueKind != JsonValueKind.Array || array.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String || x.GetString()!.Length == 0))
        {
            throw new CrmMessageException($"data.{name} must be an array of non-empty strings.");
        }

        return array.EnumerateArray().Select(x => x.GetString()!).ToList();
    }

    /// <summary>data.attributes as invariant strings (numbers keep their JSON text).</summary>
    public IReadOnlyDictionary<string, string> DataAttributes()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Data.TryGetProperty("attributes", out var attributes) || attributes.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        if (attributes.ValueKind != JsonValueKind.Object)
        {
            throw new CrmMessageException("data.attributes must be an object of strings and numbers.");
        }

        foreach (var p in attributes.EnumerateObject())
        {
            result[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Number => p.Value.GetRawText(),
                _ => throw new CrmMessageException($"data.attributes.{p.Name} must be a string or a number."),
            };
        }

        return result;
    }

    private void ValidateData()
    {
        switch (Type)
        {
            case CrmMessageTypes.CustomerUpserted:
                CheckedData(InputLimits.CustomerName, "name");
                CheckedData(InputLimits.Phone, "phone");
                CheckedData(Identifiers.UnionId, "unionId");
                CheckedList(Identifiers.ExternalUserId, "externalUserIds", InputLimits.MaxExternalUserIds);
                CheckedList(Identifiers.Product, "products", InputLimits.MaxProducts);
                CheckedList(Identifiers.Tag, "tags", InputLimits.MaxTags);
                var attributes = DataAttributes();
                if (attributes.Count > InputLimits.MaxAttributes)
                {
                    throw new CrmMessageException($"data.attributes has {attributes.Count} entries; send at most {InputLimits.MaxAttributes}.");
                }

                foreach (var (name, value) in attributes)
                {
                    Checked(Identifiers.AttributeName, name, $"data.attributes name \"{InputRule.Truncate(name, 40)}\"");
                    Checked(InputLimits.AttributeValue, value, $"data.attributes.{name}");
                }

                break;
            case CrmMessageTypes.TagsChanged:
                if (CheckedList(Identifiers.Tag, "add", InputLimits.MaxTags) + CheckedList(Identifiers.Tag, "remove", InputLimits.MaxTags) == 0)
                {
                    throw new CrmMessageException("data.add or data.remove must name at least one tag.");
                }

                break;
            case CrmMessageTypes.ProductPurchased:
                CheckedData(Identifiers.Product, "product", required: true);
                break;
            case CrmMessageTypes.PayrollEnrolled:
                CheckedData(Identifiers.EmployerId, "employerId", required: true);
                if (!PaydayRule.TryParse(CheckedData(InputLimits.Text("a payday rule", 32), "paydayRule", required: true)!, out _, out var ruleError))
                {
                    throw new CrmMessageException("data.paydayRule: " + ruleError);
                }

                break;
            case CrmMessageTypes.LoanApplicationAbandoned:
                CheckedData(Identifiers.ApplicationId, "applicationId", required: true);
                CheckedData(Identifiers.Product, "product");
                break;
            case CrmMessageTypes.EmployeeLeft:
                CheckedData(Identifiers.UserId, "employeeUserId", required: true);
                break;
            case CrmMessageTypes.EmployeeUpserted:
                CheckedData(Identifiers.UserId, "employeeUserId", required: true);
                CheckedData(InputLimits.EmployeeText, "name", required: true);
                CheckedData(InputLimits.EmployeeText, "title");
                CheckedData(InputLimits.EmployeeText, "branchName");
                CheckedData(Identifiers.UserId, "supervisorUserId");
                if (DataString("branchId") is { } branchId && !Employee.IsBranchId(branchId))
                {
                    throw new CrmMessageException($"data.branchId \"{InputRule.Truncate(branchId, 40)}\" must be lowercase letters, digits and '-' (at most 63): it names the branch's content folder.");
                }

                break;
        }
    }

    private string? CheckedData(InputRule rule, string name, bool required = false) => Checked(rule, DataString(name, required), "data." + name);

    /// <summary>Checks a string list of <see cref="Data"/> against its rule and count; returns the count.</summary>
    private int CheckedList(InputRule rule, string name, int max)
    {
        var values = DataStrings(name);
        if (values.Count > max)
        {
            throw new CrmMessageException($"data.{name} has {values.Count} entries; send at most {max}.");
        }

        for (var i = 0; i < values.Count; i++)
        {
            Checked(rule, values[i], $"data.{name}[{i}]");
        }

        return values.Count;
    }

    /// <summary>The value if it is absent or follows <paramref name="rule"/>; else the problem, naming the field.</summary>
    private static string? Checked(InputRule rule, string? value, string field) =>
        value is null || rule.Check(value, field) is not { } problem ? value : throw new CrmMessageException(problem);

    private static string? String(JsonElement obj, string name, bool required, string prefix = "")
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new CrmMessageException($"{prefix}{name} is required.") : null;
        }

        return value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0
            ? value.GetString()
            : throw new CrmMessageException($"{prefix}{name} must be a non-empty string.");
    }
}

/// <summary>A CRM message that cannot be applied; the message names the field and the fix.</summary>
public sealed class CrmMessageException(string message) : FormatException(message);
