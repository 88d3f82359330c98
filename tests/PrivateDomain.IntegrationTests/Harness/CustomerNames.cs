namespace PrivateDomain.IntegrationTests.Harness;

/// <summary>
/// Realistic, distinct forms of address (称呼) for generated customers: surname plus a given name, or surname plus
/// 先生/女士 as account managers write them. Tests and benchmarks give every customer their own name, so that whether a
/// manager's customers share one WeCom task is measured, not assumed (identical names would hide a template that greets
/// each customer by name).
/// </summary>
public static class CustomerNames
{
    private const string Surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
    private const string Given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅鑫斌波辉宇浩凯健俊帆帅旭宁欣悦琳颖婷雪";

    /// <summary>How many distinct names <see cref="Of"/> gives before repeating.</summary>
    public static int Distinct => Surnames.Length * (Given.Length * Given.Length + 2);

    /// <summary>The <paramref name="i"/>-th name: distinct for every i below <see cref="Distinct"/>.</summary>
    public static string Of(int i)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(i);
        var surname = Surnames[i % Surnames.Length];
        var rest = i / Surnames.Length % (Given.Length * Given.Length + 2);
        return rest switch
        {
            0 => surname + "先生",
            1 => surname + "女士",
            _ => string.Concat(surname, Given[(rest - 2) / Given.Length], Given[(rest - 2) % Given.Length]),
        };
    }
}
