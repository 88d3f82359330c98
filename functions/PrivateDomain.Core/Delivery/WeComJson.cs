using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrivateDomain.Delivery;

/// <summary>JSON as WeCom speaks it: snake_case names, nulls left out, CJK written as is.</summary>
public static class WeComJson
{
    /// <summary>The shared serializer options (read-only once used).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // WeCom accepts UTF-8; escaping 中文 as \uXXXX would only inflate the 4,000-byte text limits.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
