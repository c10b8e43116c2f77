using Microsoft.Playwright;
using PointsEngine.Api.Access;
using PointsEngine.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PointsEngine.Web.Tests;

/// #19 in real headless Chromium, on a phone (390 px) and a desktop: a meeting entered a second time is offered as
/// a correction of the one on record; correcting one status moves that member's points by exactly the difference
/// and nobody else's; revoking the meeting from the record list gives every member's points back.
public sealed class correcting_a_meeting_in_the_browser(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    static correcting_a_meeting_in_the_browser() => SetDefaultExpectTimeout(90_000);

    [Theory]
    [InlineData("bcd", false)]
    [InlineData("bcp", true)]
    public async Task a_meeting_entered_again_is_corrected_once_and_revoked_from_the_record_list(string branch, bool phone)
    {
        var members = await web.Server.BranchAsync(branch, "纠错党支部", 5);
        var page = await web.PageAsync(phone, width: 390, height: 844);
        await web.SignInAsync(page, web.Server.Token(Role.Secretary, $"secretary-{branch}", [branch], name: "王书记"));
        var shots = Path.Combine("facts", phone ? "390" : "desktop");
        Directory.CreateDirectory(Path.Combine(BrowserFixture.Screenshots, shots));
        var ranking = $"/branches/{branch}/ranking?year=2025";
        await page.GotoAsync(ranking);
        var before = await recording_a_meeting_in_the_browser.RanksAsync(page);

        async Task EnterMeetingAsync(string? absent)
        {
            await page.GotoAsync($"/branches/{branch}/meetings/new");
            await page.FillAsync("#date", "2025-03-14");
            await page.SelectOptionAsync("#kind", "GeneralMeeting");
            await page.FillAsync("#topic", "一季度党员大会");
            if (absent is not null) await page.SelectOptionAsync($"tr[data-member='{absent}'] select", "Absent");
            await page.ClickAsync("button:has-text('保存')");
        }

        await EnterMeetingAsync(null);
        await Expect(page.GetByTestId("recorded")).ToContainTextAsync("出席 5 人");
        await page.GotoAsync(ranking);
        var recorded = await recording_a_meeting_in_the_browser.RanksAsync(page);

        // #19 problem 1: entered again with one status changed — offered as a correction, nothing recorded yet.
        await EnterMeetingAsync(members[4]);
        await Expect(page.GetByTestId("amend-notice")).ToBeVisibleAsync();
        Assert.Single(await web.Server.StreamAsync($"branch-{branch}"));
        Assert.Equal("Absent", await page.Locator($"tr[data-member='{members[4]}'] select").InputValueAsync());
        await page.FillAsync("#reason", "签到表录错：实际缺席");
        await BrowserFixture.ScreenshotAsync(page, Path.Combine(shots, "amend-form"));
        await NoSidewaysScrollAsync(page, phone);
        await page.ClickAsync("button:has-text('保存更正')");
        await Expect(page.GetByTestId("recorded")).ToContainTextAsync("已更正");

        await page.GotoAsync(ranking);
        var amended = await recording_a_meeting_in_the_browser.RanksAsync(page);
        // Typical rules: 党员大会 present +5 and the quarter's full attendance +2 become absent −3.
        Assert.Equal(recorded[members[4]].Points - 10m, amended[members[4]].Points);
        Assert.All(members[..4], m => Assert.Equal(recorded[m].Points, amended[m].Points));
        Assert.All(members[..4], m => Assert.Equal(before[m].Points + 7m, amended[m].Points));

        // Revoked from the record list: every member's points return.
        await page.GotoAsync($"/branches/{branch}/facts?From=2025-01-01&To=2025-12-31");
        var current = page.Locator("table[data-testid=facts] tr[data-fact]:not(.revoked)");
        await Expect(current).ToHaveCountAsync(1);
        await Expect(page.Locator("table[data-testid=facts] tr.revoked")).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(page, Path.Combine(shots, "record-list"));
        await NoSidewaysScrollAsync(page, phone);
        await current.Locator("input[name=reason]").FillAsync("会议记录重复");
        await current.Locator("button:has-text('撤销')").ClickAsync();
        await Expect(page.GetByTestId("revoked")).ToBeVisibleAsync();
        await page.GotoAsync(ranking);
        var revoked = await recording_a_meeting_in_the_browser.RanksAsync(page);
        Assert.All(members, m => Assert.Equal(before[m].Points, revoked[m].Points));
    }

    private static async Task NoSidewaysScrollAsync(IPage page, bool phone)
    {
        if (!phone) return;
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            $"{page.Url} scrolls sideways at 390 px");
    }
}
