using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;
using PointsEngine.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PointsEngine.Web.Tests;

/// The README's first run, in the browser only: an admin publishes the rules, sets up a branch and its
/// members, issues a member's token and records a meeting; the member signs in and sees the points.
public sealed class first_run_in_the_browser(FirstRunFixture web) : IClassFixture<FirstRunFixture>
{
    static first_run_in_the_browser() => SetDefaultExpectTimeout(90_000);

    [Fact]
    public async Task a_new_admin_sets_up_a_branch_records_a_meeting_and_the_member_sees_the_points()
    {
        var page = await web.PageAsync();
        await web.SignInAsync(page, web.Server.Token(Role.Admin, "admin-2", name: "张三"));
        await page.GotoAsync("/");
        await page.ClickAsync("a[href='/admin']");
        await Expect(page.GetByTestId("rules-in-force")).ToContainTextAsync("未发布");
        await page.ClickAsync("button:has-text('发布通用积分规则')");
        await Expect(page.GetByTestId("rules-in-force")).ToContainTextAsync("default-2026.1");

        await page.FillAsync("#b-id", "bnew");
        await page.FillAsync("#b-name", "新建党支部");
        await page.FillAsync("#b-on", "2025-01-01");
        await page.ClickAsync("form[data-testid=branch-form] button");
        await Expect(page.GetByTestId("message")).ToContainTextAsync("已登记支部");

        await page.SelectOptionAsync("#m-branch", "bnew");
        await page.FillAsync("#m-lines", "bnew-1,李四\nbnew-2,王五\nbnew-3，赵六");
        await page.FillAsync("#m-on", "2025-01-01");
        await page.ClickAsync("form[data-testid=members-form] button");
        await Expect(page.GetByTestId("message")).ToContainTextAsync("已登记 3 名党员");
        await Expect(page.Locator("table[data-testid=branches] tr[data-branch=bnew]")).ToContainTextAsync("3");

        await page.SelectOptionAsync("#t-role", "member");
        await page.FillAsync("#t-member", "bnew-2");
        await page.FillAsync("#t-name", "王五");
        await page.ClickAsync("form[data-testid=token-form] button");
        var memberToken = await page.GetByTestId("issued-token").InputValueAsync();

        await page.GotoAsync("/");
        await page.ClickAsync("a[href='/branches/bnew/meetings/new']");
        await page.FillAsync("#topic", "支部成立大会");
        await page.ClickAsync("button:has-text('保存')");
        await Expect(page.GetByTestId("recorded")).ToContainTextAsync("出席 3 人");

        await page.ClickAsync("button:has-text('退出')");
        await Expect(page.GetByTestId("signin-error")).ToHaveAttributeAsync("data-code", "signed-out");
        await web.SignInAsync(page, memberToken);
        await page.ClickAsync("a[href='/me']");
        await Expect(page.GetByTestId("who")).ToContainTextAsync("王五（党员");
        var total = decimal.Parse(await page.GetByTestId("total").InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.Equal((await web.Server.Services.GetRequiredService<ReadModels>().StandingAsync(MemberId.Parse("bnew-2"), DateTime.Now.Year))!.Total, total);
        Assert.True(total > 0);
        await BrowserFixture.ScreenshotAsync(page, "first-run-member");
        await Expect(page.Locator("table[data-testid=ledger]")).ToContainTextAsync("支部成立大会");
        await Expect(page.Locator("table[data-testid=ledger]")).ToContainTextAsync("admin-2");
    }
}
