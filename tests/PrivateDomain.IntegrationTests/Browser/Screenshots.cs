using Microsoft.Playwright;
using PrivateDomain.IntegrationTests.Harness;

namespace PrivateDomain.IntegrationTests.Browser;

/// <summary>Keeps each page's screenshot as a test artifact: <c>.artifacts/screenshots/&lt;TestClass&gt;/&lt;name&gt;.png</c> at the repository root.</summary>
public static class Screenshots
{
    /// <summary>The folder all screenshots go under.</summary>
    public static string Root { get; } = RepoRoot.Combine(".artifacts", "screenshots");

    /// <summary>Saves the whole page as <paramref name="name"/>.png in the folder of <typeparamref name="TTestClass"/>; returns the path.</summary>
    public static Task<string> SaveAsync<TTestClass>(IPage page, string name) => SaveAsync(page, typeof(TTestClass).Name, name);

    /// <summary>Saves the whole page as <paramref name="name"/>.png in the folder <paramref name="testClass"/>; returns the path.</summary>
    public static async Task<string> SaveAsync(IPage page, string testClass, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || testClass.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"'{testClass}/{name}' is not a file name.", nameof(name));
        }

        var path = Path.Combine(Root, testClass, name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}
