using System.Globalization;
using System.Text;

namespace PrivateDomain.Input;

/// <summary>
/// Untrusted text (a route value, an id or an error message that quotes a request) made safe to pass to a log as a
/// structured property: control characters and line separators are escaped (<c>\u000A</c>), so a <c>%0A</c> in a URL
/// cannot start a forged line in a text log, and the value is cut to a length. Never interpolate such text into the
/// message template itself.
/// </summary>
public static class LogValue
{
    /// <summary>The value, escaped and cut to <paramref name="max"/> characters.</summary>
    public static string Of(string? value, int max = 100)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value ?? "";
        }

        var cut = InputRule.Truncate(value, max);
        if (!cut.Any(NeedsEscape))
        {
            return cut;
        }

        var sb = new StringBuilder(cut.Length + 16);
        foreach (var c in cut)
        {
            if (NeedsEscape(c))
            {
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085';
}
