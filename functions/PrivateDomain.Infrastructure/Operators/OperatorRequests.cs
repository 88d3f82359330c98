using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using PrivateDomain.Input;

namespace PrivateDomain.Operators;

/// <summary>
/// Reads operator requests the same way on both hosts, without model binding (the Functions worker has none, and
/// ASP.NET Core's answers to a bad body or query are a 500 or an empty 400): JSON bodies are strict — a member the
/// request does not have (a <c>tenant</c>, say) or a value of the wrong type is refused — and every problem is a 400
/// problem+json naming the field and the fix.
/// </summary>
public static class OperatorRequests
{
    /// <summary>The largest JSON body read (bytes); requests are a few short fields.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>The body as <typeparamref name="T"/>, or the 400 (or 413) problem to answer.</summary>
    public static async Task<(T? Body, IResult? Problem)> ReadJsonAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (null, TooLarge());
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return (null, Invalid("body", $"Send the request as a JSON object (Content-Type: application/json) of at most {MaxBodyBytes / 1024} KiB."));
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return (null, Invalid("body", $"The body is not valid JSON: {InputRule.Truncate(e.Message, 200)}"));
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, Invalid("body", $"Send a JSON object, not a JSON {root.ValueKind.ToString().ToLowerInvariant()}."));
        }

        try
        {
            return (root.Deserialize<T>(Json), null);
        }
        catch (JsonException e)
        {
            return UnmappedMember(e.Message) is { } member
                ? (null, Invalid(member, "This request has no such field; send only the documented fields (the tenant comes from the URL, never from the body)."))
                : (null, Invalid(FieldOf(e.Path), $"The value has the wrong JSON type or form; see the operator API reference. ({InputRule.Truncate(e.Message, 120)})"));
        }
    }

    /// <summary>An optional integer query parameter: null when absent; the problem when it is not a whole number in range.</summary>
    public static (int? Value, IResult? Problem) QueryInt(HttpRequest request, string name, int min, int max)
    {
        ArgumentNullException.ThrowIfNull(request);
        var raw = request.Query[name];
        if (raw.Count == 0)
        {
            return (null, null);
        }

        return raw.Count == 1 && int.TryParse(raw[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? (value, null)
            : (null, Invalid(name, $"Give {name} once, as a whole number from {min} to {max}."));
    }

    /// <summary>Adds the rule's problem for <paramref name="value"/> to <paramref name="errors"/> (null counts as missing).</summary>
    public static void Check(IDictionary<string, string[]> errors, InputRule rule, string? value, string field)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Check(value, field) is { } problem)
        {
            errors[field] = [problem];
        }
    }

    /// <summary>A 400 problem with one field's error.</summary>
    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static IResult TooLarge() =>
        Results.Problem(detail: $"Send at most {MaxBodyBytes / 1024} KiB of JSON.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large");

    // "$.limit" → "limit"; "$" or none → "body".
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..].Split('[', '.')[0] : "body";

    // System.Text.Json names an unmapped member in its message: "The JSON property 'tenant' could not be mapped …".
    private static string? UnmappedMember(string message)
    {
        const string Marker = "The JSON property '";
        var start = message.IndexOf(Marker, StringComparison.Ordinal);
        if (start < 0 || !message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return null;
        }

        start += Marker.Length;
        var end = message.IndexOf('\'', start);
        return end > start ? InputRule.Truncate(message[start..end], 40) : null;
    }
}
