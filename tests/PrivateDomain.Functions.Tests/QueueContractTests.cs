using System.Reflection;
using System.Text.Json;
using PrivateDomain.Journeys.Storage;

namespace PrivateDomain.Functions.Tests;

/// <summary>Every Storage queue the app writes is read by one of its functions, as the Functions host will see them
/// (the <c>functions.metadata</c> the build generates): a message on a queue nobody binds waits forever.</summary>
public sealed class QueueContractTests
{
    [Fact]
    public void Every_queue_the_app_writes_has_a_function_that_reads_it()
    {
        // The queues the app's storage adapters write: each declares its name as a QueueName constant.
        var written = typeof(QueuedSignalInbox).Assembly.GetTypes()
            .Select(t => t.GetField("QueueName", BindingFlags.Public | BindingFlags.Static))
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
            .Select(f => (string)f!.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal)
            .ToList();
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")));
        var read = metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "queueTrigger")
            .Select(b => b.GetProperty("queueName").GetString()!)
            .ToHashSet(StringComparer.Ordinal);

        Assert.Contains("payroll-fanout", written);
        var unread = written.Except(read, StringComparer.Ordinal).ToList();
        Assert.True(unread.Count == 0, $"Written but read by no function: {string.Join(", ", unread)}");
    }
}
