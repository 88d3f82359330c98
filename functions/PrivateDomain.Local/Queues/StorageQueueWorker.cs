using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using PrivateDomain.Input;
using PrivateDomain.Storage;
using PrivateDomain.WeCom;

namespace PrivateDomain.Local.Queues;

/// <summary>
/// The local host's stand-in for a Functions queue trigger: polls one Storage queue, hands each message to a handler,
/// deletes it on success, makes a failed one visible again after <c>retryDelay</c> (or, if the host died, after
/// <c>visibility</c>), and after <see cref="MaxDequeueCount"/> failed attempts moves it to <c>{queue}-poison</c> —
/// the same contract as the Functions host (host.json <c>maxDequeueCount</c>). A message that cannot be decoded (not
/// base64 of UTF-8 text) or that its handler finds invalid (<see cref="IsInvalidMessage"/>) goes to poison after one
/// try: retrying cannot fix it, and it must not hold up the messages received with it. A poison entry is a JSON object
/// with the reason: <c>{"queue","messageId","insertedOn","dequeueCount","reason","body"}</c>.
/// </summary>
public sealed class StorageQueueWorker(
    string queueName,
    Func<IServiceProvider, string, CancellationToken, Task> handle,
    TimeSpan visibility,
    Func<long, TimeSpan> retryDelay,
    IServiceProvider services,
    StorageClients clients,
    ILogger<StorageQueueWorker> logger) : BackgroundService
{
    /// <summary>Attempts before a message goes to the poison queue.</summary>
    public const int MaxDequeueCount = 5;

    /// <summary>How this worker polls; the default suits queues where a second's delay does not matter.</summary>
    public QueuePolling Polling { get; set; } = QueuePolling.Default;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Received raw and decoded per message (see StorageClients.RawQueues); poison entries are written base64 like every message.
        var queue = clients.RawQueues.GetQueueClient(queueName);
        var poison = clients.Queues.GetQueueClient(queueName + "-poison");
        var idle = TimeSpan.FromMilliseconds(50);
        var ready = false;
        using var slots = new SemaphoreSlim(Polling.Parallelism, Polling.Parallelism);
        var inFlight = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (Polling.Pipelined)
                {
                    if (!await PollPipelinedAsync(queue, poison, slots, inFlight, stoppingToken).ConfigureAwait(false))
                    {
                        return;
                    }

                    continue;
                }

                if (!await PollBatchAsync().ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        finally
        {
            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }

        // One receive and its whole batch; false when stopping.
        async Task<bool> PollBatchAsync()
        {
            try
            {
                if (!ready)
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                    await poison.CreateIfNotExistsAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                    ready = true;
                }

                QueueMessage[] batch = (await queue.ReceiveMessagesAsync(Polling.BatchSize, visibility, stoppingToken).ConfigureAwait(false)).Value;
                if (batch.Length == 0)
                {
                    await Task.Delay(idle, stoppingToken).ConfigureAwait(false);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, Polling.MaxIdleDelay.Ticks));
                    return true;
                }

                idle = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(50).Ticks, Polling.MaxIdleDelay.Ticks));
                await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = Polling.Parallelism, CancellationToken = stoppingToken },
                    (m, ct) => new ValueTask(HandleOneAsync(queue, poison, m, ct))).ConfigureAwait(false);
                return true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Polling queue {Queue} failed; retrying", queueName);
                ready = false;
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
                return true;
            }
        }
    }

    /// <summary>
    /// Pipelined polling: receives as many messages as there are free handler slots (up to the batch size) and starts
    /// them without waiting for the rest of their batch, so one slow message never holds up the queue. False when stopping.
    /// </summary>
    private async Task<bool> PollPipelinedAsync(QueueClient queue, QueueClient poison, SemaphoreSlim slots, List<Task> inFlight, CancellationToken stoppingToken)
    {
        var idle = TimeSpan.FromMilliseconds(10);
        try
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
            await poison.CreateIfNotExistsAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                var free = 1;
                while (free < Polling.BatchSize && slots.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                QueueMessage[] batch;
                try
                {
                    batch = (await queue.ReceiveMessagesAsync(free, visibility, stoppingToken).ConfigureAwait(false)).Value;
                }
                catch
                {
                    slots.Release(free);
                    throw;
                }

                if (batch.Length < free)
                {
                    slots.Release(free - batch.Length);
                }

                lock (inFlight)
                {
                    inFlight.RemoveAll(t => t.IsCompleted);
                    foreach (var message in batch)
                    {
                        inFlight.Add(RunAsync(message));
                    }
                }

                if (batch.Length == 0)
                {
                    await Task.Delay(idle, stoppingToken).ConfigureAwait(false);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, Polling.MaxIdleDelay.Ticks));
                }
                else
                {
                    idle = TimeSpan.FromMilliseconds(10);
                }
            }

            return false;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Polling queue {Queue} failed; retrying", queueName);
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            return true;
        }

        async Task RunAsync(QueueMessage message)
        {
            try
            {
                await HandleOneAsync(queue, poison, message, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Handling message {MessageId} on {Queue} failed; it becomes visible again after its timeout", message.MessageId, queueName);
            }
            catch (OperationCanceledException)
            {
                // Stopping: the message becomes visible again after its visibility timeout.
            }
            finally
            {
                slots.Release();
            }
        }
    }

    /// <summary>True for failures retrying cannot fix (<see cref="QueuePoison.IsInvalidMessage"/>).</summary>
    public static bool IsInvalidMessage(Exception e) => QueuePoison.IsInvalidMessage(e);

    /// <summary>Reads a message with <paramref name="parse"/> (<see cref="QueuePoison.Read{T}"/>).</summary>
    public static T Read<T>(Func<T> parse) => QueuePoison.Read(parse);

    private async Task HandleOneAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken ct)
    {
        var raw = message.Body.ToString();
        if (Decode(raw) is not { } body)
        {
            await PoisonAsync(queue, poison, message, raw, "The message is not base64 of UTF-8 text. Enqueue the UTF-8 JSON base64-encoded "
                + "(az storage message put --content \"$(base64 -w0 message.json)\"; see docs/CRM-MESSAGES.md).", ct).ConfigureAwait(false);
            return;
        }

        try
        {
            await handle(services, body, ct).ConfigureAwait(false);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsInvalidMessage(e))
        {
            await PoisonAsync(queue, poison, message, body, InputRule.Truncate(e.Message, 1_000), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (message.DequeueCount >= MaxDequeueCount)
            {
                logger.LogError(e, "Message {MessageId} on {Queue} failed {Count} times; moving it to the poison queue", message.MessageId, queueName, message.DequeueCount);
                await PoisonAsync(queue, poison, message, body, $"Failed {message.DequeueCount} times; the last error: {InputRule.Truncate(e.Message, 1_000)}", ct)
                    .ConfigureAwait(false);
            }
            else
            {
                // A handled failure is retried after retryDelay rather than the whole visibility timeout (which stays
                // the fallback for a host that died holding the message).
                var delay = retryDelay(message.DequeueCount);
                logger.LogWarning(e, "Message {MessageId} on {Queue} failed (attempt {Count}); retrying in {Delay}", message.MessageId, queueName, message.DequeueCount, delay);
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: delay, cancellationToken: ct).ConfigureAwait(false);
            }
        }
    }

    private async Task PoisonAsync(QueueClient queue, QueueClient poison, QueueMessage message, string body, string reason, CancellationToken ct)
    {
        logger.LogWarning("Message {MessageId} on {Queue} moved to {Queue}-poison after {Count} attempt(s): {Reason}",
            message.MessageId, queueName, queueName, message.DequeueCount, reason);
        var entry = QueuePoison.Entry(queueName, message.MessageId, message.InsertedOn, message.DequeueCount, reason, body);
        await poison.SendMessageAsync(entry, ct).ConfigureAwait(false);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct).ConfigureAwait(false);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>The text of a base64 message body, or null if it is not base64 of UTF-8.</summary>
    private static string? Decode(string raw)
    {
        var bytes = new byte[(raw.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(raw, bytes, out var written))
        {
            return null;
        }

        try
        {
            return StrictUtf8.GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}

/// <summary>How a <see cref="StorageQueueWorker"/> polls: the longest wait between empty receives (it backs off up to
/// this), how many messages it takes at once (at most 32), how many it handles in parallel, and whether it receives more
/// as soon as a handler is free (<paramref name="Pipelined"/>) rather than after the whole batch is done.</summary>
public sealed record QueuePolling(TimeSpan MaxIdleDelay, int BatchSize, int Parallelism, bool Pipelined = false)
{
    /// <summary>Up to 1 s idle, 16 at a time, 8 in parallel, batch by batch.</summary>
    public static QueuePolling Default { get; } = new(TimeSpan.FromSeconds(1), 16, 8);
}
