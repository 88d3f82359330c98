namespace PrivateDomain.Functions.Tests.Harness;

/// <summary>Marker: the Functions tests share the integration tests' Azurite harness (<c>AzuriteFixture</c>, collection
/// "azurite"), one Azurite per run of this assembly.</summary>
internal static class FunctionsCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = PrivateDomain.IntegrationTests.Harness.AzuriteCollection.Name;
}
