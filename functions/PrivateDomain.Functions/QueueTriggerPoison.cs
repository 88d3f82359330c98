using System.Globalization;
using Microsoft.Azure.Functions.Worker;
using PrivateDomain.Storage;

namespace PrivateDomain.Functions;

/// <summary>
/// Poison after one try for the app's queue triggers, as on the local host: a message the function cannot read or
/// validate (<see cref="QueuePoison.IsInvalidMessage"/>) is written to <c>{queue}-poison</c> with the reason and the
/// function returns, so the host completes it instead of trying it maxDequeueCount times and holding up the queue.
/// Any other failure is rethrown: the host retries it and moves it to the poison queue after host.json's
/// maxDequeueCount. (A body that is not base64 never reaches a function: the queue extension moves it to the poison
/// queue at once, without a reason.)
/// </summary>
public sealed class QueueTriggerPoison(QueuePoison poison)
{
    /// <summary>Runs <paramref name="work"/> for one message of <paramref name="queue"/>.</summary>
    public async Task RunAsync(string queue, string message, FunctionContext? context, Func<Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception e) when (QueuePoison.IsInvalidMessage(e))
        {
            var data = context?.BindingContext.BindingData;
            await poison.SendAsync(queue, Text(data, "Id"), Time(data, "InsertionTime"), long.TryParse(Text(data, "DequeueCount"), out var n) ? n : 1,
                e.Message, message, cancellationToken).ConfigureAwait(false);
        }
    }

    // The queue trigger's binding data (Id, DequeueCount, InsertionTime) arrive as JSON text in the isolated worker.
    private static string? Text(IReadOnlyDictionary<string, object?>? data, string key) =>
        data is not null && data.TryGetValue(key, out var v) && v is not null ? Convert.ToString(v, CultureInfo.InvariantCulture)?.Trim('"') : null;

    private static DateTimeOffset? Time(IReadOnlyDictionary<string, object?>? data, string key) =>
        DateTimeOffset.TryParse(Text(data, key), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
