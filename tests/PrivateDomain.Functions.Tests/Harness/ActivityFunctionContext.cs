using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Context.Features;
using Microsoft.Extensions.DependencyInjection;

namespace PrivateDomain.Functions.Tests.Harness;

/// <summary>What an activity function reads from its <see cref="FunctionContext"/>: the invocation's services (a scope,
/// as the Functions host gives each invocation) and its cancellation token. Nothing else is used by the app's activities.</summary>
internal sealed class ActivityFunctionContext(IServiceScope scope, string functionName, CancellationToken cancellationToken) : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString("N");

    public override string FunctionId => functionName;

    public override TraceContext TraceContext => throw new NotSupportedException("Not used by the app's activities.");

    public override BindingContext BindingContext => throw new NotSupportedException("Not used by the app's activities.");

    public override RetryContext RetryContext => throw new NotSupportedException("Not used by the app's activities.");

    public override IServiceProvider InstanceServices { get; set; } = scope.ServiceProvider;

    public override FunctionDefinition FunctionDefinition => throw new NotSupportedException("Not used by the app's activities.");

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException("Not used by the app's activities.");

    public override CancellationToken CancellationToken => cancellationToken;
}
