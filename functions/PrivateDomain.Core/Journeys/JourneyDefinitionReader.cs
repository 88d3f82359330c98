using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PrivateDomain.Journeys;

/// <summary>
/// Reads and validates a journey definition (JSON). It collects every error rather than stopping at the first, and
/// each error names the step and the field, so an author fixes a file in one pass. Unknown fields are errors too: a
/// typo such as <c>intentContnet</c> would otherwise silently drop the 3W script.
/// </summary>
public static partial class JourneyDefinitionReader
{
    private const int MaxStepsPerRound = 64;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
        MaxDepth = 16,
    };

    /// <summary>Parses <paramref name="utf8"/>; <paramref name="source"/> (a file name) appears in errors.</summary>
    /// <exception cref="JourneyDefinitionException">The definition is malformed or breaks a rule.</exception>
    public static JourneyDefinition Read(ReadOnlySpan<byte> utf8, string source)
    {
        var hash = Hash(utf8);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8.ToArray(), DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new JourneyDefinitionException(source, [$"not valid JSON (line {e.LineNumber + 1}): {e.Message}"]);
        }

        using (doc)
        {
            var errors = new List<string>();
            var definition = Build(doc.RootElement, hash, errors);
            if (errors.Count > 0 || definition is null)
            {
                throw new JourneyDefinitionException(source, errors);
            }

            return definition;
        }
    }

    /// <summary>The content hash of a definition file: <c>sha256:</c> + lowercase hex of the bytes without a BOM and
    /// with CRLF turned into LF, so a checkout on Windows hashes the same as one on Linux.</summary>
    public static string Hash(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            utf8 = utf8[3..];
        }

        var normalised = new List<byte>(utf8.Length);
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\r' && i + 1 < utf8.Length && utf8[i + 1] == (byte)'\n')
            {
                continue;
            }

            normalised.Add(utf8[i]);
        }

        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(normalised.ToArray()));
    }

    private static JourneyDefinition? Build(JsonElement root, string hash, List<string> errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("the document must be a JSON object");
            return null;
        }

        Known(root, "", errors, "$schema", "id", "version", "title", "status", "trigger", "startsOn", "rounds", "roundDays",
            "stages", "skipAhead", "exits", "steps");
        var id = String(root, "id", "id", errors, IdPattern(), "lowercase letters, digits and '-', e.g. \"aida-nurture\"");
        var version = Int(root, "version", "version", errors, 1, 10_000);
        var title = String(root, "title", "title", errors);
        var status = String(root, "status", "status", errors);
        if (status is not null and not "published" and not "draft")
        {
            errors.Add($"status: \"{status}\" is not a status; use \"published\" or \"draft\"");
        }

        var trigger = ReadTrigger(root, errors);
        var startsOn = String(root, "startsOn", "startsOn", errors) switch
        {
            "nextDay" => JourneyStart.NextDay,
            "sameDay" => JourneyStart.SameDay,
            null => JourneyStart.NextDay,
            var other => Error(errors, $"startsOn: \"{other}\" is not a start; use \"nextDay\" (T+1) or \"sameDay\"", JourneyStart.NextDay),
        };
        var rounds = Int(root, "rounds", "rounds", errors, 1, 52);
        var roundDays = Int(root, "roundDays", "roundDays", errors, 1, 366);
        var stages = ReadStages(root, roundDays, errors);
        var steps = ReadSteps(root, stages, roundDays, errors);
        var skip = ReadSkipAhead(root, stages, errors);
        var exits = ReadExits(root, errors);

        if (errors.Count > 0 || id is null || title is null || status is null || trigger is null)
        {
            return null;
        }

        var stageIndex = stages.Select((s, i) => (s.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var stepStage = steps.Select(s => stageIndex[s.Stage]).ToImmutableArray();
        var order = Enumerable.Range(0, steps.Length).OrderBy(i => NominalHours(steps[i])).ThenBy(i => i).ToImmutableArray();
        var skipTrigger = skip is null ? -1 : stageIndex[skip.WhenReactedIn];
        var skipped = steps.Select(s => skip is not null && skip.SkipStages.Contains(s.Stage) && skip.Channels.Contains(s.Channel))
            .ToImmutableArray();
        return new JourneyDefinition
        {
            Id = id,
            Version = version,
            Title = title,
            Published = status == "published",
            ContentHash = hash,
            Trigger = trigger,
            StartsOn = startsOn,
            Rounds = rounds,
            RoundDays = roundDays,
            Stages = stages,
            Steps = steps,
            SkipAhead = skip,
            Exits = exits,
            StepOrder = order,
            StepStage = stepStage,
            StepIndex = steps.Select((s, i) => (s.Id, i)).ToFrozenDictionary(p => p.Id, p => p.i, StringComparer.Ordinal),
            SkippedOnReaction = skipped,
            SkipTriggerStage = skipTrigger,
        };
    }

    private static double NominalHours(JourneyStep step) =>
        step.Day is { } day ? ((day - 1) * 24) + step.At.GetValueOrDefault().ToTimeSpan().TotalHours : step.AfterHours.GetValueOrDefault();

    private static JourneyTrigger? ReadTrigger(JsonElement root, List<string> errors)
    {
        if (!Object(root, "trigger", "trigger", errors, out var t))
        {
            return null;
        }

        Known(t, "trigger.", errors, "kind", "signal", "recurs", "tag");
        var kind = String(t, "kind", "trigger.kind", errors);
        string? signal = null;
        string? tag = null;
        if (kind == "signal")
        {
            signal = String(t, "signal", "trigger.signal", errors, SignalPattern(), "a camelCase signal name, e.g. \"applicationAbandoned\"");
            if (signal is "tagAdded" or "tagRemoved")
            {
                tag = String(t, "tag", "trigger.tag", errors);
                if (tag is { Length: 0 or > 30 })
                {
                    errors.Add("trigger.tag: a dynamic tag name, 1–30 characters (e.g. \"高意向\")");
                }
            }
            else if (t.TryGetProperty("tag", out _))
            {
                errors.Add("trigger.tag: only the signals \"tagAdded\" and \"tagRemoved\" name a tag");
            }
        }
        else if (kind is not null and not "enrolment")
        {
            errors.Add($"trigger.kind: \"{kind}\" is not a trigger; use \"enrolment\" (operator starts it) or \"signal\"");
        }
        else if (t.TryGetProperty("signal", out _))
        {
            errors.Add("trigger.signal: only a trigger of kind \"signal\" names a signal; remove it or set kind to \"signal\"");
        }

        var recurs = t.TryGetProperty("recurs", out var r) && r.ValueKind == JsonValueKind.True;
        if (t.TryGetProperty("recurs", out r) && r.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add("trigger.recurs: must be true or false");
        }

        return kind is null ? null : new JourneyTrigger(kind, signal, recurs, tag);
    }

    private static ImmutableArray<JourneyStage> ReadStages(JsonElement root, int roundDays, List<string> errors)
    {
        if (!Array(root, "stages", "stages", errors, out var array))
        {
            return [];
        }

        var stages = ImmutableArray.CreateBuilder<JourneyStage>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var s in array.EnumerateArray())
        {
            var at = $"stages[{i++}]";
            if (s.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{at}: must be an object with name, fromDay and toDay");
                continue;
            }

            Known(s, at + ".", errors, "name", "fromDay", "toDay");
            var name = String(s, "name", at + ".name", errors, NamePattern(), "a camelCase word, e.g. \"attention\"");
            at = name is null ? at : $"{at} \"{name}\"";
            var from = Int(s, "fromDay", at + ".fromDay", errors, 1, Math.Max(1, roundDays));
            var to = Int(s, "toDay", at + ".toDay", errors, 1, Math.Max(1, roundDays));
            if (to < from)
            {
                errors.Add($"{at}.toDay: {to} is before fromDay {from}");
            }

            if (name is not null && !names.Add(name))
            {
                errors.Add($"{at}.name: \"{name}\" is used by an earlier stage; stage names must be unique");
            }

            if (name is not null)
            {
                stages.Add(new JourneyStage(name, from, to));
            }
        }

        if (i == 0)
        {
            errors.Add("stages: at least one stage is required");
        }

        return stages.ToImmutable();
    }

    private static ImmutableArray<JourneyStep> ReadSteps(JsonElement root, ImmutableArray<JourneyStage> stages, int roundDays, List<string> errors)
    {
        if (!Array(root, "steps", "steps", errors, out var array))
        {
            return [];
        }

        var steps = ImmutableArray.CreateBuilder<JourneyStep>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var s in array.EnumerateArray())
        {
            var at = $"steps[{i++}]";
            if (s.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{at}: must be an object");
                continue;
            }

            var id = String(s, "id", at + ".id", errors, IdPattern(), "lowercase letters, digits and '-', e.g. \"attention-welfare\"");
            at = id is null ? at : $"{at} \"{id}\"";
            Known(s, at + ".", errors, "id", "stage", "channel", "day", "at", "afterHours", "kind", "content", "intentContent", "personal");
            if (id is not null && !ids.Add(id))
            {
                errors.Add($"{at}.id: \"{id}\" is used by an earlier step; step ids must be unique (they are part of touch ids)");
            }

            var stageName = String(s, "stage", at + ".stage", errors);
            var stage = stages.FirstOrDefault(x => x.Name == stageName);
            if (stageName is not null && stage is null)
            {
                errors.Add($"{at}.stage: \"{stageName}\" is not a stage of this journey; use one of {string.Join(", ", stages.Select(x => x.Name))}");
            }

            var channelName = String(s, "channel", at + ".channel", errors);
            Channel? channel = channelName switch
            {
                "oneToOne" => Channel.OneToOne,
                "moments" => Channel.Moments,
                "group" => Channel.Group,
                null => null,
                _ => Error<Channel?>(errors, $"{at}.channel: \"{channelName}\" is not a channel; use oneToOne, moments or group", null),
            };

            int? day = null;
            TimeOnly? time = null;
            double? afterHours = null;
            var hasDay = s.TryGetProperty("day", out _);
            var hasAfter = s.TryGetProperty("afterHours", out var after);
            if (hasDay == hasAfter)
            {
                errors.Add($"{at}: give exactly one of day (with at) or afterHours");
            }
            else if (hasDay)
            {
                day = Int(s, "day", at + ".day", errors, 1, Math.Max(1, roundDays));
                var text = String(s, "at", at + ".at", errors);
                if (text is not null)
                {
                    if (TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
                    {
                        time = t;
                    }
                    else
                    {
                        errors.Add($"{at}.at: \"{text}\" is not a local time; write HH:mm, e.g. \"10:00\"");
                    }
                }

                if (stage is not null && (day < stage.FromDay || day > stage.ToDay))
                {
                    errors.Add($"{at}.day: {day} is outside stage \"{stage.Name}\" (days {stage.FromDay}–{stage.ToDay})");
                }
            }
            else if (after.ValueKind != JsonValueKind.Number || !after.TryGetDouble(out var h) || h <= 0 || h > roundDays * 24)
            {
                errors.Add($"{at}.afterHours: must be a number of hours greater than 0 and at most {roundDays * 24} (the round)");
            }
            else
            {
                afterHours = h;
                if (s.TryGetProperty("at", out _))
                {
                    errors.Add($"{at}.at: only a step with day has a time of day; remove it");
                }
            }

            var kind = String(s, "kind", at + ".kind", errors, NamePattern(), "a camelCase word, e.g. \"financeTip\"");
            var content = String(s, "content", at + ".content", errors, ContentPattern(), "a template id, e.g. \"aida.attention.welfare\"");
            string? intent = null;
            if (s.TryGetProperty("intentContent", out _))
            {
                intent = String(s, "intentContent", at + ".intentContent", errors, ContentPattern(), "a template id, e.g. \"3w.what\"");
                if (channel is not null and not Channel.OneToOne)
                {
                    errors.Add($"{at}.intentContent: the 3W script is a personal 1:1 script; only oneToOne steps take it");
                }
            }

            var personal = false;
            if (s.TryGetProperty("personal", out var p))
            {
                if (p.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add($"{at}.personal: must be true or false");
                }
                else
                {
                    personal = p.GetBoolean();
                    if (personal && channel is not null and not Channel.OneToOne)
                    {
                        errors.Add($"{at}.personal: only a oneToOne step can be personal; a Moments or group post is one text seen by many");
                    }
                }
            }

            if (id is not null && stage is not null && channel is not null && kind is not null && content is not null)
            {
                steps.Add(new JourneyStep(id, stage.Name, channel.Value, day, time, afterHours, kind, content, intent, personal));
            }
        }

        if (i == 0)
        {
            errors.Add("steps: at least one step is required");
        }
        else if (i > MaxStepsPerRound)
        {
            errors.Add($"steps: {i} steps; a round holds at most {MaxStepsPerRound} (split the journey)");
        }

        return steps.ToImmutable();
    }

    private static SkipAheadRule? ReadSkipAhead(JsonElement root, ImmutableArray<JourneyStage> stages, List<string> errors)
    {
        if (!root.TryGetProperty("skipAhead", out _))
        {
            return null;
        }

        if (!Object(root, "skipAhead", "skipAhead", errors, out var s))
        {
            return null;
        }

        Known(s, "skipAhead.", errors, "whenReactedIn", "skipStages", "channels");
        var names = stages.Select(x => x.Name).ToHashSet(StringComparer.Ordinal);
        var when = String(s, "whenReactedIn", "skipAhead.whenReactedIn", errors);
        if (when is not null && !names.Contains(when))
        {
            errors.Add($"skipAhead.whenReactedIn: \"{when}\" is not a stage of this journey");
        }

        var skip = Strings(s, "skipStages", "skipAhead.skipStages", errors);
        foreach (var name in skip.Where(n => !names.Contains(n)))
        {
            errors.Add($"skipAhead.skipStages: \"{name}\" is not a stage of this journey");
        }

        if (when is not null && skip.Contains(when))
        {
            errors.Add($"skipAhead.skipStages: cannot skip the stage that triggers the skip (\"{when}\")");
        }

        var channels = Strings(s, "channels", "skipAhead.channels", errors).Select(c => c switch
        {
            "oneToOne" => Channel.OneToOne,
            "moments" => Channel.Moments,
            "group" => Channel.Group,
            _ => Error(errors, $"skipAhead.channels: \"{c}\" is not a channel; use oneToOne, moments or group", Channel.OneToOne),
        }).ToImmutableArray();
        return when is null ? null : new SkipAheadRule(when, skip, channels);
    }

    private static ImmutableArray<JourneyEnd> ReadExits(JsonElement root, List<string> errors)
    {
        var exits = Strings(root, "exits", "exits", errors).Select(e => e switch
        {
            "converted" => JourneyEnd.Converted,
            "optedOut" => JourneyEnd.OptedOut,
            "managerDeleted" => JourneyEnd.ManagerDeleted,
            _ => Error(errors, $"exits: \"{e}\" is not an exit; use converted, optedOut or managerDeleted", JourneyEnd.Finished),
        }).Where(e => e != JourneyEnd.Finished).Distinct().ToImmutableArray();
        if (root.TryGetProperty("exits", out _))
        {
            if (!exits.Contains(JourneyEnd.OptedOut))
            {
                errors.Add("exits: must include \"optedOut\" — a customer who opts out is never messaged again");
            }

            if (!exits.Contains(JourneyEnd.ManagerDeleted))
            {
                errors.Add("exits: must include \"managerDeleted\" — a customer who deleted the account manager cannot be reached");
            }
        }

        return exits;
    }

    private static void Known(JsonElement obj, string prefix, List<string> errors, params string[] names)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (System.Array.IndexOf(names, p.Name) < 0)
            {
                errors.Add($"{prefix}{p.Name}: unknown field; expected one of {string.Join(", ", names.Where(n => n != "$schema"))}");
            }
        }
    }

    private static bool Object(JsonElement obj, string name, string path, List<string> errors, out JsonElement value)
    {
        if (!obj.TryGetProperty(name, out value))
        {
            errors.Add($"{path}: required");
            return false;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: must be an object");
            return false;
        }

        return true;
    }

    private static bool Array(JsonElement obj, string name, string path, List<string> errors, out JsonElement value)
    {
        if (!obj.TryGetProperty(name, out value))
        {
            errors.Add($"{path}: required");
            return false;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{path}: must be an array");
            return false;
        }

        return true;
    }

    private static ImmutableArray<string> Strings(JsonElement obj, string name, string path, List<string> errors)
    {
        if (!Array(obj, name, path, errors, out var array))
        {
            return [];
        }

        var list = ImmutableArray.CreateBuilder<string>();
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(e.GetString()))
            {
                list.Add(e.GetString()!);
            }
            else
            {
                errors.Add($"{path}: every entry must be a non-empty string");
            }
        }

        return list.ToImmutable();
    }

    private static string? String(JsonElement obj, string name, string path, List<string> errors, Regex? pattern = null, string? hint = null)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            errors.Add($"{path}: required");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            errors.Add($"{path}: must be a non-empty string");
            return null;
        }

        var text = value.GetString()!;
        if (pattern is not null && !pattern.IsMatch(text))
        {
            errors.Add($"{path}: \"{text}\" is not valid; use {hint}");
            return null;
        }

        return text;
    }

    private static int Int(JsonElement obj, string name, string path, List<string> errors, int min, int max)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            errors.Add($"{path}: required");
            return min;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n) || n < min || n > max)
        {
            errors.Add($"{path}: must be a whole number from {min} to {max}");
            return min;
        }

        return n;
    }

    private static T Error<T>(List<string> errors, string message, T fallback)
    {
        errors.Add(message);
        return fallback;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,47}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z][A-Za-z0-9]{0,47}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z][A-Za-z0-9]{0,47}$")]
    private static partial Regex SignalPattern();

    [GeneratedRegex("^[a-z0-9][A-Za-z0-9.-]{0,99}$")]
    private static partial Regex ContentPattern();
}
