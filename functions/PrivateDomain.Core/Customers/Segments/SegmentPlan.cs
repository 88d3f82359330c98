namespace PrivateDomain.Customers.Segments;

/// <summary>How <see cref="SegmentPlan.For"/> may use the tag index.</summary>
public sealed record SegmentPlanOptions
{
    /// <summary>
    /// True if the tag index also lists every holder of product X under the tag <c>product:X</c>, so <c>product:X</c> terms can
    /// drive evaluation. Off by default: a planner that assumed it against an index without those rows would silently
    /// return nobody, while leaving it off only costs a scan. Turn it on once the index writer guarantees the rows.
    /// </summary>
    public bool ProductsIndexedAsTags { get; init; }

    /// <summary>
    /// True if the tag index also lists every customer of tier T under <c>tier:T</c> (<c>tier:visitor</c>, …), so a
    /// positive <c>tier:</c> term can drive. Off by default for the same reason as <see cref="ProductsIndexedAsTags"/>.
    /// </summary>
    public bool TiersIndexedAsTags { get; init; }

    /// <summary>
    /// An estimate of how many customers carry a tag, used to drive an AND by its cheapest side. Without it every tag
    /// counts as 1, so the side with fewer tags wins and ties go to the first conjunct.
    /// </summary>
    public Func<string, long>? EstimateMembers { get; init; }
}

/// <summary>
/// How a segment is evaluated: the driving tags, such that every customer the query matches carries at least one of
/// them, so evaluation reads only their index members; or null when no such set exists and every profile must be scanned.
/// </summary>
public sealed class SegmentPlan
{
    private SegmentPlan(SegmentQuery query, IReadOnlyList<string>? drivingTags)
    {
        Query = query;
        DrivingTags = drivingTags;
    }

    /// <summary>The query the plan evaluates.</summary>
    public SegmentQuery Query { get; }

    /// <summary>Distinct tags whose index members include every match, or null: a full scan is needed.</summary>
    public IReadOnlyList<string>? DrivingTags { get; }

    /// <summary>The index tag under which <see cref="SegmentPlanOptions.ProductsIndexedAsTags"/> expects holders of a product.</summary>
    public static string ProductTag(string product) => "product:" + product;

    /// <summary>The index tag under which <see cref="SegmentPlanOptions.TiersIndexedAsTags"/> expects customers of a tier.</summary>
    public static string TierTag(CustomerTier tier) => new TierTerm(tier).ToString();

    /// <summary>
    /// Plans a query. Every term is read with its polarity after NOTs are pushed inwards (De Morgan), so
    /// <c>NOT (NOT tag:A OR x=1)</c> is driven by A: a positive tag covers itself; an AND is covered by the cheaper
    /// covered side; an OR only when both sides are covered, by the union. Negated terms, attribute comparisons, and
    /// products and tiers the options do not declare indexed cover nothing.
    /// </summary>
    public static SegmentPlan For(SegmentQuery query, SegmentPlanOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        options ??= new SegmentPlanOptions();
        var estimates = new Dictionary<string, long>(StringComparer.Ordinal);
        long Estimate(string tag)
        {
            if (!estimates.TryGetValue(tag, out var n))
            {
                estimates[tag] = n = options.EstimateMembers?.Invoke(tag) ?? 1;
            }

            return n;
        }

        List<string>? Cover(SegmentExpression e, bool negated) => e switch
        {
            TagTerm t => negated ? null : [t.Name],
            ProductTerm p when options.ProductsIndexedAsTags => negated ? null : [ProductTag(p.Name)],
            TierTerm t when options.TiersIndexedAsTags => negated ? null : [TierTag(t.Tier)],
            NotExpression n => Cover(n.Operand, !negated),
            AndExpression a when !negated => Cheaper(Cover(a.Left, false), Cover(a.Right, false)),
            AndExpression a => Union(Cover(a.Left, true), Cover(a.Right, true)),
            OrExpression o when !negated => Union(Cover(o.Left, false), Cover(o.Right, false)),
            OrExpression o => Cheaper(Cover(o.Left, true), Cover(o.Right, true)),
            _ => null,
        };

        List<string>? Cheaper(List<string>? left, List<string>? right) =>
            left is null ? right
            : right is null ? left
            : right.Sum(t => (double)Estimate(t)) < left.Sum(t => (double)Estimate(t)) ? right
            : left;

        static List<string>? Union(List<string>? left, List<string>? right) =>
            left is null || right is null ? null : left.Concat(right).Distinct(StringComparer.Ordinal).ToList();

        return new SegmentPlan(query, Cover(query.Root, negated: false));
    }

    /// <summary>For logs: <c>index: 代发, vip</c> or <c>full scan</c>.</summary>
    public override string ToString() => DrivingTags is null ? "full scan" : "index: " + string.Join(", ", DrivingTags);
}
