using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Domain.Values;
using PointsEngine.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PointsEngine.Web.Tests;

/// #18 in Debian's Chromium: a secretary invites the whole roster in one action and prints the sheet; a
/// member on a 390×844 phone opens their link, chooses a password, lands on 我的积分, signs out and signs in
/// with their phone number; five wrong passwords lock with back-off; a disabled account's open session is
/// refused on its next click; a used or expired link explains itself in Chinese.
public sealed class signing_in_as_a_person(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    static signing_in_as_a_person() => SetDefaultExpectTimeout(90_000);

    private static readonly string Shots = Path.Combine(BrowserFixture.Screenshots, "signin");

    private static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Shots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, name + ".png"), FullPage = true });
    }

    private static async Task NoSidewaysScrollAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{page.Url} scrolls sideways");

    private async Task<string> LinkAsync(string member, string name, TimeSpan? lifetime = null) =>
        (await web.Server.Services.GetRequiredService<AccountInvitations>().InviteAsync(
            [new Invitee(member, member, name, MemberId.Parse(member), Roles.Member, [])], $"browser-{member}-{lifetime}", lifetime ?? TimeSpan.FromDays(7),
            "secretary", CancellationToken.None)).Single().Code!;

    private static async Task SetPasswordAsync(IPage page, string code, string password)
    {
        await page.GotoAsync($"/i/{code}");
        await page.FillAsync("#password", password);
        await page.FillAsync("#confirm", password);
        await page.ClickAsync("form[data-testid=password-form] button");
    }

    private static async Task PasswordSignInAsync(IPage page, string login, string password)
    {
        await page.GotoAsync("/signin");
        await page.FillAsync("#login", login);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#password-signin button[type=submit]");
    }

    [Fact]
    public async Task a_secretary_invites_the_40_member_roster_and_a_member_on_a_phone_sets_a_password_and_signs_in_with_the_phone_number()
    {
        var ids = await web.Server.BranchAsync("b18", "邀请党支部", 40);
        var secretary = await web.PageAsync();
        await web.SignInAsync(secretary, web.Server.Token(Role.Secretary, "secretary-b18", ["b18"], name: "王书记"));
        await secretary.ClickAsync("a[href='/branches/b18/accounts']");
        await secretary.FillAsync($"input[name='phones[{ids[0]}]']", "139 1234 5678");
        await secretary.ClickAsync("form[data-testid=invite-form] button[type=submit]");
        await Expect(secretary.GetByTestId("invited")).ToHaveAttributeAsync("data-count", "40");
        await Expect(secretary.GetByTestId("invite-card")).ToHaveCountAsync(40);
        await Expect(secretary.GetByTestId("group-text")).ToHaveCountAsync(40);
        var card = secretary.Locator($"[data-testid=invite-card][data-member='{ids[0]}']");
        await Expect(card).ToContainTextAsync("登录名 13912345678");
        await Expect(card).ToContainTextAsync("前有效，只能用一次");
        var link = await card.GetByTestId("invite-link").InnerTextAsync();
        Assert.StartsWith(web.Server.BaseUrl + "/i/", link, StringComparison.Ordinal);
        Assert.Contains(link, await secretary.GetByTestId("group-text").First.InputValueAsync(), StringComparison.Ordinal);
        await ShotAsync(secretary, "sheet-desktop");
        await secretary.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        await ShotAsync(secretary, "sheet-printed");
        await secretary.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Screen });

        var phone = await web.PageAsync(phone: true, width: 390, height: 844);
        await phone.GotoAsync(link);
        await Expect(phone.GetByTestId("password-rules")).ToContainTextAsync("至少 8 个字符");
        await NoSidewaysScrollAsync(phone);
        await ShotAsync(phone, "link-390");
        // (Too short a password the phone's own form check stops; the server's rules are tested in Api.Tests.)
        await phone.FillAsync("#password", "我家门前有两棵枣树");
        await phone.FillAsync("#confirm", "我家门前有两棵枣数");
        await phone.ClickAsync("form[data-testid=password-form] button");
        await Expect(phone.Locator("[data-field=confirm]")).ToContainTextAsync("两次输入的密码不一致");
        await NoSidewaysScrollAsync(phone);
        await ShotAsync(phone, "link-mismatch-390");
        await phone.FillAsync("#password", "我家门前有两棵枣树");
        await phone.FillAsync("#confirm", "我家门前有两棵枣树");
        await phone.ClickAsync("form[data-testid=password-form] button");
        await Expect(phone.GetByTestId("who")).ToContainTextAsync("（党员");
        Assert.EndsWith("/me", new Uri(phone.Url).AbsolutePath, StringComparison.Ordinal);
        await NoSidewaysScrollAsync(phone);
        await ShotAsync(phone, "my-points-390");

        await phone.ClickAsync("button:has-text('退出')");
        await Expect(phone.GetByTestId("signin-error")).ToHaveAttributeAsync("data-code", "signed-out");
        await NoSidewaysScrollAsync(phone);
        await ShotAsync(phone, "signin-390");
        await PasswordSignInAsync(phone, "13912345678", "我家门前有两棵枣树");
        await Expect(phone.GetByTestId("who")).ToContainTextAsync("（党员");
        await phone.ClickAsync("a[href='/me']");
        await Expect(phone.GetByTestId("total")).ToBeVisibleAsync();

        // The link worked once: opening it again says so, in Chinese.
        await phone.GotoAsync(link);
        await Expect(phone.GetByTestId("link-problem")).ToHaveAttributeAsync("data-code", "link-used");
        await Expect(phone.GetByTestId("link-problem")).ToContainTextAsync("已经用过");
        await ShotAsync(phone, "link-used-390");
    }

    [Fact]
    public async Task five_wrong_passwords_lock_the_name_with_back_off_and_an_unknown_name_reads_the_same()
    {
        await web.Server.BranchAsync("b19", "锁定党支部", 2);
        var phone = await web.PageAsync(phone: true, width: 390, height: 844);
        await SetPasswordAsync(phone, await LinkAsync("b19-m01", "钱明1"), "正确的密码正确的");
        await phone.ClickAsync("button:has-text('退出')");

        string? firstWrong = null;
        for (var i = 1; i <= SignInThrottle.FreeFailures; i++)
        {
            await PasswordSignInAsync(phone, "b19-m01", "错误的密码错误的");
            var code = await phone.GetByTestId("signin-error").GetAttributeAsync("data-code");
            Assert.Equal(i < SignInThrottle.FreeFailures ? "sign-in-failed" : "sign-in-locked", code);
            firstWrong ??= await phone.GetByTestId("signin-error").InnerTextAsync();
        }
        await Expect(phone.GetByTestId("signin-error")).ToContainTextAsync("分钟后再试");
        await NoSidewaysScrollAsync(phone);
        await ShotAsync(phone, "locked-390");
        // Locked: the right password waits too.
        await PasswordSignInAsync(phone, "b19-m01", "正确的密码正确的");
        await Expect(phone.GetByTestId("signin-error")).ToHaveAttributeAsync("data-code", "sign-in-locked");

        await PasswordSignInAsync(phone, "no-such-person", "错误的密码错误的");
        Assert.Equal(firstWrong, await phone.GetByTestId("signin-error").InnerTextAsync());
    }

    [Fact]
    public async Task a_disabled_accounts_open_session_is_refused_on_its_next_click()
    {
        await web.Server.BranchAsync("b20", "停用党支部", 2);
        var phone = await web.PageAsync(phone: true, width: 390, height: 844);
        await SetPasswordAsync(phone, await LinkAsync("b20-m02", "钱明2"), "正确的密码正确的");
        await phone.GotoAsync("/");
        await Expect(phone.GetByTestId("who")).ToBeVisibleAsync();

        var secretary = await web.PageAsync();
        await web.SignInAsync(secretary, web.Server.Token(Role.Secretary, "secretary-b20", ["b20"]));
        await secretary.GotoAsync("/branches/b20/accounts");
        await secretary.ClickAsync("table[data-testid=one-person] tr[data-member='b20-m02'] [data-testid=disable]");
        await Expect(secretary.GetByTestId("done")).ToContainTextAsync("已停用");

        await phone.ClickAsync("a[href='/me']");
        await Expect(phone.GetByTestId("signin-error")).ToHaveAttributeAsync("data-code", "session-ended");
        await ShotAsync(phone, "disabled-next-click-390");
    }

    [Fact]
    public async Task an_expired_link_explains_itself_in_chinese()
    {
        await web.Server.BranchAsync("b21", "过期党支部", 1);
        var phone = await web.PageAsync(phone: true, width: 390, height: 844);
        await phone.GotoAsync($"/i/{await LinkAsync("b21-m01", "钱明1", TimeSpan.FromSeconds(-1))}");
        await Expect(phone.GetByTestId("link-problem")).ToHaveAttributeAsync("data-code", "link-expired");
        await Expect(phone.GetByTestId("link-problem")).ToContainTextAsync("过期");
        await NoSidewaysScrollAsync(phone);
        await ShotAsync(phone, "link-expired-390");
    }
}
