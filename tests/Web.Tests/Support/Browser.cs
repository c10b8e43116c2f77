using Microsoft.Playwright;

namespace PointsEngine.Web.Tests.Support;

/// Debian's headless Chromium driven by Playwright (never Playwright's own browser download), with one
/// server per test class. Screenshots go to /tmp/pe-web-screenshots for a person to look at.
public class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";
    public static readonly string Screenshots = Path.Combine(Path.GetTempPath(), "pe-web-screenshots");

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public WebServer Server { get; private set; } = null!;

    /// Rules published through the API before the tests; a first-run fixture leaves it to the admin page.
    protected virtual bool PublishRules => true;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium fonts-noto-cjk");
        Directory.CreateDirectory(Screenshots);
        Server = CreateServer();
        if (PublishRules) await Server.PublishDefaultRulesAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            Timeout = 120_000,
        });
    }

    protected virtual WebServer CreateServer() => new();

    /// A fresh browser profile (no cookies), desktop-sized unless a phone is asked for.
    public async Task<IPage> PageAsync(bool phone = false, int width = 360, int height = 740)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseUrl,
            ViewportSize = phone ? new ViewportSize { Width = width, Height = height } : new ViewportSize { Width = 1100, Height = 900 },
            IsMobile = phone,
            HasTouch = phone,
            DeviceScaleFactor = phone ? 2 : 1,
            Locale = "zh-CN",
        });
        // A loaded machine is slow, not broken: generous bounds that only catch a hang.
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(120_000);
        return await context.NewPageAsync();
    }

    public async Task SignInAsync(IPage page, string token)
    {
        await page.GotoAsync("/signin");
        await SubmitTokenAsync(page, token);
        // Signed in = the page names who is signed in. Waiting for that element, not for a load event of the
        // redirect (which once never came in CI though the network was idle), bounds only a hang.
        await Microsoft.Playwright.Assertions.Expect(page.GetByTestId("who")).ToBeVisibleAsync();
        Assert.DoesNotContain("/signin", page.Url, StringComparison.Ordinal);
    }

    /// Sends a token through the sign-in page's token form (#18 folded it under 「使用访问令牌登录」 below the password
    /// form), opening the fold first when it is closed.
    public static async Task SubmitTokenAsync(IPage page, string token)
    {
        if (!await page.Locator("#token").IsVisibleAsync()) await page.ClickAsync("#token-signin summary");
        await page.FillAsync("#token", token);
        await page.ClickAsync("#token-signin button[type=submit]");
    }

    /// A full-page screenshot into a folder of its own under <see cref="Screenshots"/>.
    public static async Task ScreenshotAsync(IPage page, string folder, string name)
    {
        Directory.CreateDirectory(Path.Combine(Screenshots, folder));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, folder, name + ".png"), FullPage = true });
    }

    public static async Task NoSidewaysScrollAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{page.Url} scrolls sideways");

    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(Screenshots, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
    }
}

/// A server as on first run: no rules, no branches.
public sealed class FirstRunFixture : BrowserFixture
{
    protected override bool PublishRules => false;
}
