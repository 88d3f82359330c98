using PrivateDomain.Customers;

namespace PrivateDomain.Tests.Customers.Segments;

/// <summary>Hand-built and generated profiles for segment tests.</summary>
internal static class SegmentCustomers
{
    public const string Tenant = "bank-a";

    public static readonly string[] TagPool = ["代发", "vip", "deleted-us", "aum:50k-200k", "wealth club", "新客", "replied"];
    public static readonly string[] ProductPool = ["理财", "基金", "信用卡"];
    private static readonly string[] Regions = ["sh", "bj", "gz", "上海"];
    private static readonly DateTimeOffset At = new(2025, 3, 1, 0, 0, 0, TimeSpan.FromHours(8));

    /// <summary>A profile; <paramref name="identified"/> false makes a visitor (no CRM id, no phone).</summary>
    public static Customer Make(
        string id = "c1",
        string[]? tags = null,
        Dictionary<string, string>? attributes = null,
        string[]? products = null,
        bool identified = true) =>
        Customer.New(Tenant, id, At) with
        {
            CrmId = identified ? "crm-" + id : null,
            Attributes = attributes ?? new Dictionary<string, string>(StringComparer.Ordinal),
            Products = products ?? [],
            Tags = [.. (tags ?? []).Select(t => new CustomerTag(t, TagKind.Static, "crm", At))],
        };

    /// <summary>Deterministic pseudo-random profiles covering every tag, product, tier and attribute shape.</summary>
    public static IReadOnlyList<Customer> Generate(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (random.NextDouble() < 0.8)
            {
                attributes["aum"] = (random.Next(0, 30_000_000) / 100m).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
            }

            if (random.NextDouble() < 0.9)
            {
                attributes["region"] = Regions[random.Next(Regions.Length)];
            }

            return Make(
                id: $"c{i:D5}",
                tags: [.. TagPool.Where(_ => random.NextDouble() < 0.2)],
                attributes: attributes,
                products: [.. ProductPool.Where(_ => random.NextDouble() < 0.2)],
                identified: random.NextDouble() < 0.7);
        })];
    }
}
