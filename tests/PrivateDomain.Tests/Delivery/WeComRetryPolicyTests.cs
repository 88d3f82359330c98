using PrivateDomain.Delivery;

namespace PrivateDomain.Tests.Delivery;

public sealed class WeComRetryPolicyTests
{
    private static readonly WeComRetryPolicy Policy = new();

    private static WeComError E(int code) => WeComErrors.Describe(code);

    [Fact]
    public void System_busy_is_retried_at_most_three_times()
    {
        Assert.True(Policy.ShouldRetry(E(-1), 0, idempotent: false));
        Assert.True(Policy.ShouldRetry(E(-1), 2, idempotent: false));
        Assert.False(Policy.ShouldRetry(E(-1), 3, idempotent: false));
    }

    [Theory]
    [InlineData(45009)]
    [InlineData(45033)]
    public void Frequency_and_concurrency_limits_are_retried_up_to_the_throttle_budget(int code)
    {
        Assert.True(Policy.ShouldRetry(E(code), Policy.MaxThrottleRetries - 1, idempotent: false));
        Assert.False(Policy.ShouldRetry(E(code), Policy.MaxThrottleRetries, idempotent: false));
    }

    [Fact]
    public void A_transport_failure_is_retried_only_for_an_idempotent_call()
    {
        Assert.True(Policy.ShouldRetry(E(WeComErrors.Transport), 0, idempotent: true));
        Assert.False(Policy.ShouldRetry(E(WeComErrors.Transport), 0, idempotent: false));
    }

    [Theory]
    [InlineData(48002)]
    [InlineData(40096)]
    [InlineData(60020)]
    [InlineData(41051)]
    [InlineData(40014)]
    public void Permanent_errors_are_never_retried(int code) =>
        Assert.False(Policy.ShouldRetry(E(code), 0, idempotent: true));

    [Fact]
    public void Backoff_doubles_from_the_base_with_equal_jitter()
    {
        var p = new WeComRetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(10) };

        Assert.Equal(TimeSpan.FromMilliseconds(50), p.Delay(E(-1), 1, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(100), p.Delay(E(-1), 2, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(200), p.Delay(E(-1), 3, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(75), p.Delay(E(-1), 1, 0.5));
        Assert.True(p.Delay(E(-1), 1, 0.999999) < TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Throttling_backs_off_from_its_own_longer_base_and_every_wait_is_capped()
    {
        var p = new WeComRetryPolicy { ThrottleBaseDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(5) };

        Assert.Equal(TimeSpan.FromSeconds(1), p.Delay(E(45009), 1, 0));
        Assert.Equal(TimeSpan.FromSeconds(2.5), p.Delay(E(45009), 5, 0));
        Assert.Equal(TimeSpan.FromSeconds(2.5), p.Delay(E(45009), 40, 0));
    }

    [Fact]
    public void Jitter_outside_zero_to_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Policy.Delay(E(-1), 1, 1.0));
}
