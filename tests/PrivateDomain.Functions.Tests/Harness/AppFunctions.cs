using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Azure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace PrivateDomain.Functions.Tests.Harness;

/// <summary>
/// Registers every orchestrator and activity function of the Functions app (methods with <c>[Function]</c> whose
/// first parameter is an <c>[OrchestrationTrigger]</c> or <c>[ActivityTrigger]</c>) with the test host, under the
/// function's name, so a new activity is run by the tests without being listed here. Orchestrators get the
/// <see cref="VirtualClock"/>'s context; activities get their services and can be made to fail once (<see cref="Faults"/>).
/// </summary>
internal static class AppFunctions
{
    /// <summary>The app's assembly.</summary>
    public static Assembly Assembly { get; } = typeof(FunctionsAppServices).Assembly;

    /// <summary>Adds the app's functions, and <paramref name="extra"/>, to the registry.</summary>
    public static void Register(DurableTaskRegistry registry, VirtualClock clock, ActivityFaults faults)
    {
        foreach (var method in Assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function || method.GetParameters() is not [var trigger, ..])
            {
                continue;
            }

            if (trigger.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null)
            {
                registry.AddOrchestrator(function.Name, () => new Orchestrator(method, clock));
            }
            else if (trigger.GetCustomAttribute<ActivityTriggerAttribute>() is not null)
            {
                registry.AddActivity(function.Name, services => new Activity(method, function.Name, services, faults));
            }
        }
    }

    /// <summary>The names of the app's orchestrator functions.</summary>
    public static IReadOnlyList<string> Orchestrators() =>
        [.. Assembly.GetTypes().SelectMany(t => t.GetMethods())
            .Where(m => m.GetParameters() is [var p, ..] && p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null)
            .Select(m => m.GetCustomAttribute<FunctionAttribute>()!.Name)];

    private static async Task<object?> ResultOf(object? returned)
    {
        if (returned is not Task task)
        {
            return returned;
        }

        await task;
        return task.GetType().IsGenericType ? task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
    }

    private static Type OutputOf(MethodInfo method) =>
        method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>) ? method.ReturnType.GetGenericArguments()[0] : typeof(object);

    private static object? Target(MethodInfo method, IServiceProvider services) =>
        method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);

    private sealed class Orchestrator(MethodInfo method, VirtualClock clock) : ITaskOrchestrator
    {
        public Type InputType => typeof(object);

        public Type OutputType => OutputOf(method);

        public async Task<object?> RunAsync(TaskOrchestrationContext context, object? input)
        {
            try
            {
                return await ResultOf(method.Invoke(null, [new VirtualClockOrchestrationContext(context, clock)]));
            }
            catch (TargetInvocationException e) when (e.InnerException is { } inner)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
                throw;
            }
        }
    }

    private sealed class Activity(MethodInfo method, string name, IServiceProvider services, ActivityFaults faults) : ITaskActivity
    {
        public Type InputType => method.GetParameters()[0].ParameterType;

        public Type OutputType => OutputOf(method);

        public async Task<object?> RunAsync(TaskActivityContext context, object? input)
        {
            using var scope = services.CreateScope();
            var functionContext = new ActivityFunctionContext(scope, name, CancellationToken.None);
            var arguments = method.GetParameters().Select((p, i) =>
                i == 0 ? input
                : p.ParameterType == typeof(FunctionContext) ? functionContext
                : p.ParameterType == typeof(CancellationToken) ? (object)CancellationToken.None
                : scope.ServiceProvider.GetRequiredService(p.ParameterType)).ToArray();
            if (faults.BeforeRun is { } before)
            {
                await before(name, input);
            }

            object? result;
            try
            {
                result = await ResultOf(method.Invoke(Target(method, scope.ServiceProvider), arguments));
            }
            catch (TargetInvocationException e) when (e.InnerException is { } inner)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
                throw;
            }

            faults.AfterRun(name, input);
            return result;
        }
    }
}

/// <summary>Hooks into the app's activities, and transient failures injected into them: when on, the first run of each activity call (by name and input)
/// does its work and then fails with a storage 503, as if the answer was lost — the worst moment for a retry.</summary>
public sealed class ActivityFaults
{
    private readonly ConcurrentDictionary<string, int> _runs = new(StringComparer.Ordinal);

    /// <summary>Runs before each activity (name, input): lets a test change the world at an exact point of an orchestration.</summary>
    public Func<string, object?, Task>? BeforeRun { get; set; }

    /// <summary>Whether the first run of every activity call fails.</summary>
    public bool FailFirstRun { get; set; }

    /// <summary>How many runs failed on purpose, by activity.</summary>
    public ConcurrentDictionary<string, int> Failed { get; } = new(StringComparer.Ordinal);

    internal void AfterRun(string activity, object? input)
    {
        if (FailFirstRun && _runs.AddOrUpdate(activity + "\n" + JsonSerializer.Serialize(input), 1, (_, n) => n + 1) == 1)
        {
            Failed.AddOrUpdate(activity, 1, (_, n) => n + 1);
            throw new RequestFailedException(503, $"Injected transient storage failure after {activity} ran.");
        }
    }
}
