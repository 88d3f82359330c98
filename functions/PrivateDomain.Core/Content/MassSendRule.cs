using PrivateDomain.Journeys;

namespace PrivateDomain.Content;

/// <summary>
/// A WeCom mass send (<c>add_msg_template</c>) is a task the account manager confirms on their phone, one task at a time,
/// and touches travel in one task only when their rendered text is the same. A template that names the customer
/// (<c>{customer.name}</c>) therefore turns a step for a manager's 100 customers into 100 tasks to confirm. The rule: a
/// journey or campaign step's templates (its content and its 3W script) use no per-customer placeholder, unless the step
/// is marked <c>"personal": true</c> — and personal steps are capped per manager and day by the delivery policy
/// (<see cref="Delivery.Policy.DeliveryPolicyOptions.PersonalTasksPerManagerPerDay"/>). Pure: checked where a template
/// version is approved or published from the repository, and again by delivery before anything is sent.
/// </summary>
public static class MassSendRule
{
    /// <summary>The per-customer placeholders <paramref name="template"/> uses (body and attachments), in order of first use.</summary>
    public static IReadOnlyList<string> PerCustomerPlaceholders(MessageTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var texts = new List<string?> { template.Body };
        foreach (var a in template.Attachments)
        {
            texts.AddRange([a.Title, a.Description, a.Url, a.ImageUrl]);
        }

        var found = new List<string>();
        foreach (var text in texts)
        {
            if (text is null || Placeholders.Parse(text, out _) is not { } segments)
            {
                continue;
            }

            foreach (var name in segments.Select(s => s.Placeholder))
            {
                if (name is not null && Placeholders.Known.TryGetValue(name, out var p) && p.PerCustomer && !found.Contains(name))
                {
                    found.Add(name);
                }
            }
        }

        return found;
    }

    /// <summary>
    /// What is wrong with sending <paramref name="template"/> from the steps of <paramref name="journeys"/> that name it:
    /// one message per mass-send step (not marked personal) for each per-customer placeholder, naming the placeholder,
    /// the step and the fix. Empty when the template may be used as it is.
    /// </summary>
    public static IReadOnlyList<string> Check(IEnumerable<JourneyDefinition> journeys, MessageTemplate template)
    {
        ArgumentNullException.ThrowIfNull(journeys);
        var placeholders = PerCustomerPlaceholders(template);
        if (placeholders.Count == 0)
        {
            return [];
        }

        var problems = new List<string>();
        foreach (var journey in journeys)
        {
            foreach (var step in journey.Steps.Where(s => !s.Personal && (s.Content == template.Id || s.IntentContent == template.Id)))
            {
                problems.AddRange(placeholders.Select(p => Problem(template, p, $"step \"{step.Id}\" of journey {journey.Id} v{journey.Version}")));
            }
        }

        return problems;
    }

    /// <summary>Why a touch of a step not marked personal is not sent with <paramref name="template"/>; null if it may be.</summary>
    public static string? RefusalFor(MessageTemplate template, string stepDescription)
    {
        var placeholders = PerCustomerPlaceholders(template);
        return placeholders.Count == 0 ? null : Problem(template, placeholders[0], stepDescription);
    }

    private static string Problem(MessageTemplate template, string placeholder, string step) =>
        $"{template} uses {{{placeholder}}}, which gives every customer their own text and so their own WeCom task to confirm in {step} " +
        $"(a mass send); remove {{{placeholder}}} from the template (publish a new version) or mark the step \"personal\": true " +
        "(capped per account manager and day)";
}
