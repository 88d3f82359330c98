using PrivateDomain.Delivery;

namespace PrivateDomain.Tests.Delivery;

public sealed class WeComErrorsTests
{
    [Theory]
    [InlineData(-1, WeComErrorKind.Transient)]
    [InlineData(40001, WeComErrorKind.Auth)]
    [InlineData(40003, WeComErrorKind.InvalidInput)]
    [InlineData(40013, WeComErrorKind.Auth)]
    [InlineData(40014, WeComErrorKind.Auth)]
    [InlineData(40096, WeComErrorKind.InvalidInput)]
    [InlineData(41051, WeComErrorKind.AlreadyDone)]
    [InlineData(42001, WeComErrorKind.Auth)]
    [InlineData(45009, WeComErrorKind.Throttled)]
    [InlineData(45033, WeComErrorKind.Throttled)]
    [InlineData(48002, WeComErrorKind.Permission)]
    [InlineData(60020, WeComErrorKind.Permission)]
    [InlineData(81013, WeComErrorKind.InvalidInput)]
    [InlineData(84061, WeComErrorKind.NotFound)]
    [InlineData(90207, WeComErrorKind.InvalidInput)]
    [InlineData(40126, WeComErrorKind.LimitExceeded)]
    public void Each_documented_code_has_its_kind_and_a_meaning(int code, WeComErrorKind kind)
    {
        var error = WeComErrors.Describe(code, "ignored errmsg", "externalcontact/add_msg_template");

        Assert.Equal(kind, error.Kind);
        Assert.Equal(code, error.Code);
        Assert.NotEqual("ignored errmsg", error.Meaning);
        Assert.False(string.IsNullOrWhiteSpace(error.Meaning));
    }

    [Fact]
    public void An_unknown_code_keeps_WeComs_errmsg_as_its_meaning()
    {
        var error = WeComErrors.Describe(12345, "something new, hint: [abc]");

        Assert.Equal(WeComErrorKind.Unknown, error.Kind);
        Assert.Equal("something new, hint: [abc]", error.Meaning);
    }

    [Theory]
    [InlineData(40014, true)]
    [InlineData(42001, true)]
    [InlineData(40001, true)]
    [InlineData(48002, false)]
    [InlineData(-1, false)]
    public void Token_rejections_are_40014_42001_and_40001(int code, bool rejection) =>
        Assert.Equal(rejection, WeComErrors.IsTokenRejection(code));

    [Fact]
    public void Every_code_in_the_table_describes_itself_with_a_kind_other_than_unknown() =>
        Assert.All(WeComErrors.KnownCodes, c => Assert.NotEqual(WeComErrorKind.Unknown, WeComErrors.Describe(c).Kind));
}
