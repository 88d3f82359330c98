using System.Collections.Frozen;
using System.Text.Json;

namespace PrivateDomain.Pages;

/// <summary>A quiz question: its text, the options and the index of the right one.</summary>
public sealed record QuizQuestion(string Id, string Text, IReadOnlyList<string> Options, int Answer);

/// <summary>What a score earns on the result page: the text for scores from <see cref="MinScore"/> up.</summary>
public sealed record QuizResult(int MinScore, string Text);

/// <summary>A quiz (答题): content in <c>content-templates/pages/quizzes</c>, reviewed like the message templates.</summary>
public sealed record Quiz(string Id, int Version, string Title, string Intro, IReadOnlyList<QuizQuestion> Questions, IReadOnlyList<QuizResult> Results)
{
    /// <summary>The result text for <paramref name="score"/>.</summary>
    public string ResultFor(int score) => Results.Where(r => score >= r.MinScore).OrderByDescending(r => r.MinScore).FirstOrDefault()?.Text ?? "";
}

/// <summary>A product page (产品): the facts and the risk disclosure (风险提示) compliance approved, in
/// <c>content-templates/pages/products</c>.</summary>
public sealed record ProductPage(string Id, int Version, string Name, string Summary, IReadOnlyList<string> Facts, string RiskLevel, string RiskDisclosure, string ApprovedBy);

/// <summary>A welfare page's text (its codes come from the pool the operator loads).</summary>
public sealed record WelfarePage(string Id, int Version, string Title, string Description, string HowToUse);

/// <summary>
/// The quizzes, products and welfare texts the pages show, read once from a folder (<c>quizzes/*.json</c>,
/// <c>products/*.json</c>, <c>welfare/*.json</c>). A file that does not read fails start-up with its name and field.
/// </summary>
public sealed class CampaignPageContent
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { AllowTrailingCommas = false, ReadCommentHandling = JsonCommentHandling.Disallow };

    private CampaignPageContent(FrozenDictionary<string, Quiz> quizzes, FrozenDictionary<string, ProductPage> products, FrozenDictionary<string, WelfarePage> welfare)
    {
        Quizzes = quizzes;
        Products = products;
        Welfare = welfare;
    }

    /// <summary>Quizzes by id.</summary>
    public FrozenDictionary<string, Quiz> Quizzes { get; }

    /// <summary>Products by id.</summary>
    public FrozenDictionary<string, ProductPage> Products { get; }

    /// <summary>Welfare texts by pool id (<c>default</c> for pools without their own).</summary>
    public FrozenDictionary<string, WelfarePage> Welfare { get; }

    /// <summary>Reads the folder.</summary>
    /// <exception cref="InvalidOperationException">A file is not valid; the message names it and the problem.</exception>
    public static CampaignPageContent Load(string folder)
    {
        var quizzes = Read<Quiz>(folder, "quizzes", q => q.Id, Check);
        var products = Read<ProductPage>(folder, "products", p => p.Id, Check);
        var welfare = Read<WelfarePage>(folder, "welfare", w => w.Id, w => string.IsNullOrWhiteSpace(w.Title) ? "title is required" : null);
        return new CampaignPageContent(quizzes, products, welfare);
    }

    private static string? Check(Quiz q)
    {
        if (string.IsNullOrWhiteSpace(q.Title) || q.Questions is not { Count: > 0 } questions)
        {
            return "a quiz needs a title and at least one question";
        }

        foreach (var question in questions)
        {
            if (string.IsNullOrWhiteSpace(question.Id) || string.IsNullOrWhiteSpace(question.Text) || question.Options is not { Count: >= 2 }
                || question.Answer < 0 || question.Answer >= question.Options.Count)
            {
                return $"question {question.Id}: needs an id, text, at least two options and an answer index among them";
            }
        }

        return questions.Select(x => x.Id).Distinct(StringComparer.Ordinal).Count() != questions.Count ? "question ids must be distinct" : null;
    }

    private static string? Check(ProductPage p) =>
        string.IsNullOrWhiteSpace(p.Name) || p.Facts is not { Count: > 0 } || string.IsNullOrWhiteSpace(p.RiskDisclosure) || string.IsNullOrWhiteSpace(p.ApprovedBy)
            ? "a product page needs a name, facts, the risk disclosure and who approved it (approvedBy)"
            : null;

    private static FrozenDictionary<string, T> Read<T>(string folder, string kind, Func<T, string> id, Func<T, string?> check)
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        var dir = Path.Combine(folder, kind);
        if (!Directory.Exists(dir))
        {
            return result.ToFrozenDictionary(StringComparer.Ordinal);
        }

        foreach (var file in Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal))
        {
            T? item;
            try
            {
                item = JsonSerializer.Deserialize<T>(File.ReadAllText(file), Json);
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException($"{file}: not valid JSON ({e.Message})", e);
            }

            if (item is null || string.IsNullOrWhiteSpace(id(item)) || check(item) is { } problem)
            {
                throw new InvalidOperationException($"{file}: {(item is null ? "empty" : check(item) ?? "id is required")}");
            }

            if (id(item) + ".json" != Path.GetFileName(file))
            {
                throw new InvalidOperationException($"{file}: its id \"{id(item)}\" must match the file name");
            }

            result[id(item)] = item;
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
