using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Api.Registry;
using PointsEngine.Domain.Values;
using PointsEngine.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PointsEngine.Web.Tests;

/// #18 in Debian's Chromium: the secretary of a branch is the organisation's fact. An admin records on
/// 组织设置 that a member takes office; the member's open session on a 390×844 phone has the secretary's page
/// on its next click, signs in again by name and branch (the branch has no phones on file), and loses the
/// page when the admin records the relief.
public sealed class appointing_a_secretary_in_the_browser(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    static appointing_a_secretary_in_the_browser() => SetDefaultExpectTimeout(90_000);

    private static readonly string Shots = Path.Combine(BrowserFixture.Screenshots, "roles");

    private static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Shots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, name + ".png"), FullPage = true });
    }

    private static async Task NoSidewaysScrollAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{page.Url} scrolls sideways");

    private static async Task RecordAsync(IPage admin, string branch, string member, string change)
    {
        await admin.GotoAsync("/admin");
        await admin.SelectOptionAsync("#s-branch", branch);
        await admin.FillAsync("#s-member", member);
        await admin.SelectOptionAsync("#s-change", change);
        if (change == "relieve") await admin.FillAsync("#s-reason", "换届");
        await admin.ClickAsync("form[data-testid=secretary-form] button[type=submit]");
        await Expect(admin.GetByTestId("message")).ToHaveAttributeAsync("data-form", "secretary");
    }

    [Fact]
    public async Task an_appointed_member_has_the_secretarys_page_on_the_next_click_signs_in_by_name_and_branch_and_loses_it_on_relief()
    {
        var ids = await web.Server.BranchAsync("b28", "任免党支部", 3);
        var name = web.Server.Services.GetRequiredService<OrganisationDirectory>().Current.Members[MemberId.Parse(ids[0])].Name;
        var code = (await web.Server.Services.GetRequiredService<AccountInvitations>().InviteAsync(
            [new Invitee(ids[0], ids[0], name, MemberId.Parse(ids[0]), Roles.Member, [])], "browser-roles", TimeSpan.FromDays(7),
            "secretary", CancellationToken.None)).Single().Code!;

        var phone = await web.PageAsync(phone: true, width: 390, height: 844);
        await phone.GotoAsync($"/i/{code}");
        await phone.FillAsync("#password", "春眠不觉晓处处闻啼鸟");
        await phone.FillAsync("#confirm", "春眠不觉晓处处闻啼鸟");
        await phone.ClickAsync("form[data-testid=password-form] button");
        await Expect(phone.GetByTestId("who")).ToContainTextAsync("（党员");
        await phone.GotoAsync("/branches/b28/meetings/new");
        Assert.EndsWith("/denied", new Uri(phone.Url).AbsolutePath, StringComparison.Ordinal);

        var admin = await web.PageAsync();
        await web.SignInAsync(admin, web.Server.Token(Role.Admin, "admin-roles"));
        // A member of another branch is refused next to the field, in Chinese, and nothing is recorded.
        await admin.GotoAsync("/admin");
        await admin.SelectOptionAsync("#s-branch", "b28");
        await admin.FillAsync("#s-member", "nobody-7");
        await admin.ClickAsync("form[data-testid=secretary-form] button[type=submit]");
        await Expect(admin.Locator("form[data-testid=secretary-form] [data-field=member]")).ToContainTextAsync("不存在");
        await ShotAsync(admin, "appoint-refused-desktop");

        await RecordAsync(admin, "b28", ids[0], "appoint");
        await Expect(admin.GetByTestId("secretary-of-b28")).ToContainTextAsync(name);
        await ShotAsync(admin, "appointed-desktop");

        // The same session, the next click: the secretary's page.
        await phone.GotoAsync("/branches/b28/meetings/new");
        Assert.EndsWith("/branches/b28/meetings/new", new Uri(phone.Url).AbsolutePath, StringComparison.Ordinal);
        await Expect(phone.GetByTestId("who")).ToContainTextAsync("支部书记");
        await NoSidewaysScrollAsync(phone);
        await ShotAsync(phone, "secretary-page-390");

        // Signed out, back in by name and branch.
        await phone.ClickAsync("button:has-text('退出')");
        await phone.ClickAsync("#name-signin summary");
        await phone.SelectOptionAsync("#n-branch", "b28");
        await phone.FillAsync("#n-name", name);
        await phone.FillAsync("#n-password", "a-wrong-password");
        await phone.ClickAsync("#name-signin button[type=submit]");
        await Expect(phone.GetByTestId("signin-error")).ToHaveAttributeAsync("data-code", "sign-in-failed");
        await NoSidewaysScrollAsync(phone);
        await ShotAsync(phone, "name-signin-refused-390");
        // The form stays open with the name and branch as typed.
        await Expect(phone.Locator("#n-name")).ToHaveValueAsync(name);
        await phone.FillAsync("#n-password", "春眠不觉晓处处闻啼鸟");
        await phone.ClickAsync("#name-signin button[type=submit]");
        await Expect(phone.GetByTestId("who")).ToContainTextAsync("支部书记");

        await RecordAsync(admin, "b28", ids[0], "relieve");
        await Expect(admin.GetByTestId("secretary-of-b28")).ToHaveTextAsync("—");
        await phone.GotoAsync("/branches/b28/meetings/new");
        Assert.EndsWith("/denied", new Uri(phone.Url).AbsolutePath, StringComparison.Ordinal);

        var narrowAdmin = await web.PageAsync(phone: true, width: 390, height: 844);
        await web.SignInAsync(narrowAdmin, web.Server.Token(Role.Admin, "admin-roles"));
        await narrowAdmin.GotoAsync("/admin");
        await NoSidewaysScrollAsync(narrowAdmin);
        await ShotAsync(narrowAdmin, "organisation-390");
    }
}
