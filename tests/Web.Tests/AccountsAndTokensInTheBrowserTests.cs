using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Domain.Values;
using PointsEngine.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PointsEngine.Web.Tests;

/// #18 in Debian's Chromium: from the branch's accounts page the secretary opens a member's account, issues a
/// named integration token (shown once) and revokes it; the admin lists every account and reads the audit. At
/// desktop width and on a 390×844 phone, without sideways scrolling.
public sealed class managing_accounts_and_tokens_in_the_browser(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    static managing_accounts_and_tokens_in_the_browser() => SetDefaultExpectTimeout(90_000);

    private static Task ShotAsync(IPage page, string name) => BrowserFixture.ScreenshotAsync(page, "tokens", name);

    private static Task NoSidewaysScrollAsync(IPage page) => BrowserFixture.NoSidewaysScrollAsync(page);

    [Fact]
    public async Task a_secretary_issues_and_revokes_a_members_token_and_the_admin_reads_the_audit()
    {
        var ids = await web.Server.BranchAsync("b82", "令牌党支部", 2);
        await web.Server.Services.GetRequiredService<AccountInvitations>().InviteAsync(
            [new Invitee(ids[0], "13800138000", "李四", MemberId.Parse(ids[0]), Roles.Member, [])], "browser-tokens", TimeSpan.FromDays(7), "secretary-b82",
            CancellationToken.None);

        foreach (var (phone, suffix) in new[] { (false, "desktop"), (true, "390") })
        {
            var secretary = phone ? await web.PageAsync(phone: true, width: 390, height: 844) : await web.PageAsync();
            await web.SignInAsync(secretary, web.Server.Token(Role.Secretary, "secretary-b82", ["b82"], name: "王书记"));
            await secretary.GotoAsync("/branches/b82/accounts");
            await secretary.ClickAsync($"tr[data-member='{ids[0]}'] a[data-testid=manage]");
            await Expect(secretary.GetByTestId("account")).ToContainTextAsync("13800138000");
            await secretary.FillAsync("#name", $"导入脚本 {suffix}");
            await secretary.FillAsync("#days", "30");
            await secretary.ClickAsync("form[data-testid=token-form] button[type=submit]");
            var token = await secretary.GetByTestId("new-token").InputValueAsync();
            Assert.Equal(3, token.Split('.').Length);
            await NoSidewaysScrollAsync(secretary);
            await ShotAsync(secretary, $"account-token-issued-{suffix}");

            await secretary.ClickAsync($"tr:has-text('导入脚本 {suffix}') button[data-testid=revoke]");
            await Expect(secretary.Locator($"tr:has-text('导入脚本 {suffix}') [data-testid=token-state]")).ToContainTextAsync("已收回");
            await Expect(secretary.GetByTestId("new-token")).ToHaveCountAsync(0);
            await NoSidewaysScrollAsync(secretary);
            await ShotAsync(secretary, $"account-token-revoked-{suffix}");

            var admin = phone ? await web.PageAsync(phone: true, width: 390, height: 844) : await web.PageAsync();
            await web.SignInAsync(admin, web.Server.Token(Role.Admin, "admin-1", name: "管理员"));
            await admin.ClickAsync("a[href='/admin/accounts']");
            await Expect(admin.Locator($"tr[data-account='{ids[0]}']")).ToContainTextAsync("李四");
            await NoSidewaysScrollAsync(admin);
            await ShotAsync(admin, $"admin-accounts-{suffix}");
            await admin.GotoAsync("/admin/audit");
            await admin.SelectOptionAsync("#kind", "token-revoked");
            await admin.ClickAsync("form[data-testid=audit-filter] button");
            await Expect(admin.Locator($"tr[data-kind='token-revoked'][data-account='{ids[0]}']").First).ToContainTextAsync("secretary-b82");
            Assert.DoesNotContain(token, await admin.ContentAsync(), StringComparison.Ordinal);
            await NoSidewaysScrollAsync(admin);
            await ShotAsync(admin, $"admin-audit-{suffix}");
        }
    }
}
