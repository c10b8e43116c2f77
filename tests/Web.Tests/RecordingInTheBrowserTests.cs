using System.Globalization;
using Microsoft.Playwright;
using PointsEngine.Api.Access;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Store;
using PointsEngine.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace PointsEngine.Web.Tests;

/// 录入 in real headless Chromium against the real server: a secretary records a whole roster on one
/// screen, a repeated submission records once, a bad form writes nothing.
public sealed class recording_a_meeting_in_the_browser(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    static recording_a_meeting_in_the_browser() => SetDefaultExpectTimeout(90_000);

    private static string Today => DateOnly.FromDateTime(DateTime.Now).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task a_secretary_records_a_40_member_meeting_on_one_screen_marking_two_absent_and_the_ranking_changes()
    {
        var members = await web.Server.BranchAsync("b40", "第一党支部", 40);
        var page = await web.PageAsync();
        await web.SignInAsync(page, web.Server.Token(Role.Secretary, "secretary-b40", ["b40"], name: "王书记"));
        await Expect(page.GetByTestId("who")).ToContainTextAsync("王书记（支部书记");

        await page.GotoAsync("/branches/b40/ranking");
        var before = await RanksAsync(page);
        Assert.Equal(40, before.Count);
        Assert.Single(before.Values.Select(r => r.Rank).Distinct()); // nobody has points from meetings yet: all tied

        await page.GotoAsync("/branches/b40/meetings/new");
        Assert.Equal(40, await page.Locator("table[data-testid=roster] tr[data-member]").CountAsync());
        await page.SelectOptionAsync("#kind", "PartyLecture");
        await page.FillAsync("#topic", "学习党的二十大精神");
        await page.SelectOptionAsync("tr[data-member='b40-m07'] select", "Absent");
        await page.SelectOptionAsync("tr[data-member='b40-m23'] select", "Absent");
        await page.SelectOptionAsync("tr[data-member='b40-m31'] select", "Excused");
        await BrowserFixture.ScreenshotAsync(page, "meeting-form-40");
        await page.ClickAsync("button:has-text('保存')");
        await Expect(page.GetByTestId("recorded")).ToContainTextAsync("缺席 2 人");
        await Expect(page.GetByTestId("recorded")).ToContainTextAsync("出席 37 人");

        // One fact for the whole roster, recorded by the signed-in secretary.
        var events = await web.Server.StreamAsync("branch-b40");
        var meeting = Assert.Single(events);
        Assert.Equal("secretary-b40", meeting.Metadata.RecordedBy);
        var fact = Assert.IsType<MeetingHeld>(web.Server.Services.GetRequiredService<EventSerializer>().Deserialize(meeting));
        Assert.Equal(40, fact.Attendance.Count);
        Assert.Equal(["b40-m07", "b40-m23"], fact.Attendance.Where(a => a.Status == AttendanceStatus.Absent).Select(a => a.Member.Value).Order());

        await page.GotoAsync("/branches/b40/ranking");
        var after = await RanksAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "ranking-after-meeting");
        var present = after.Where(kv => kv.Key is not ("b40-m07" or "b40-m23" or "b40-m31")).ToList();
        Assert.All(present, kv => Assert.Equal(1, kv.Value.Rank));
        Assert.All(present, kv => Assert.True(kv.Value.Points > before[kv.Key].Points, $"{kv.Key} gained nothing"));
        Assert.True(after["b40-m07"].Points < present[0].Value.Points);
        Assert.Equal(39, after["b40-m07"].Rank); // 37 present share 1, the excused member is 38th, the two absent share 39
        Assert.Equal(39, after["b40-m23"].Rank);
        Assert.Equal(38, after["b40-m31"].Rank);
        Assert.Equal(members.Length, after.Count);
    }

    [Fact]
    public async Task a_form_submitted_three_times_records_the_meeting_once()
    {
        await web.Server.BranchAsync("bdd", "第二党支部", 5);
        var page = await web.PageAsync();
        await web.SignInAsync(page, web.Server.Token(Role.Secretary, "secretary-bdd", ["bdd"]));
        await page.GotoAsync("/branches/bdd/meetings/new");
        await page.FillAsync("#topic", "主题党日");

        // A double click: the same form (same hidden key) posted twice at once; then the real submit.
        var fields = await page.EvaluateAsync<string[][]>("() => [...new FormData(document.querySelector('form[data-testid=meeting-form]'))].map(([k, v]) => [k, String(v)])");
        Assert.Contains(fields, f => f[0] == "Form.FormKey" && f[1].StartsWith("web-", StringComparison.Ordinal));
        const string Resend = """
            async (fields) => {
              const send = () => fetch('/branches/bdd/meetings/new', { method: 'POST', body: new URLSearchParams(fields) }).then(r => r.status);
              return await Promise.all([send(), send()]);
            }
            """;
        Assert.Equal(new[] { 200, 200 }, await page.EvaluateAsync<int[]>(Resend, fields));
        await page.ClickAsync("button:has-text('保存')");
        await Expect(page.GetByTestId("recorded")).ToHaveAttributeAsync("data-replayed", "true");

        var head = await web.Server.SettledHeadAsync();
        var meeting = Assert.Single(await web.Server.StreamAsync("branch-bdd")); // stream revision 0: one fact
        Assert.Equal(0, meeting.Revision.Value);
        Assert.Equal(meeting.Position.Value.ToString(CultureInfo.InvariantCulture), await page.GetByTestId("recorded").GetAttributeAsync("data-position"));
        for (var i = 1; i <= 5; i++)
        {
            var member = await web.Server.StreamAsync($"member-bdd-m{i:00}");
            Assert.Single(member, e => e.Type == "V1.AttendanceRecorded");
        }

        // A browser retry of the same request later on (from the confirmation page) writes nothing more.
        Assert.Equal(new[] { 200, 200 }, await page.EvaluateAsync<int[]>(Resend, fields));
        Assert.Equal(head, await web.Server.SettledHeadAsync());
        Assert.Single(await web.Server.StreamAsync("branch-bdd"));
    }

    [Fact]
    public async Task a_bad_form_shows_the_error_next_to_the_field_and_writes_nothing()
    {
        await web.Server.BranchAsync("bbad", "第三党支部", 3);
        var page = await web.PageAsync();
        await web.SignInAsync(page, web.Server.Token(Role.Secretary, "secretary-bbad", ["bbad"]));
        var head = await web.Server.SettledHeadAsync();
        var future = DateOnly.FromDateTime(DateTime.Now).AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        await page.GotoAsync("/branches/bbad/meetings/new");
        await page.FillAsync("#date", future);
        await page.FillAsync("#topic", "");
        await page.ClickAsync("button:has-text('保存')");
        var topicError = page.Locator("#topic + .field-error[data-field=topic]");
        await Expect(topicError).ToContainTextAsync("「主题」不能为空"); // #20 problem 4: not 「topic 不能为空」
        await Expect(page.Locator(".problem")).Not.ToContainTextAsync("见 errors");
        await Expect(topicError.Locator(".en")).ToContainTextAsync("must not be empty");
        await Expect(page.Locator(".problem")).ToContainTextAsync("未保存");
        await BrowserFixture.ScreenshotAsync(page, "meeting-form-errors");
        Assert.Equal(head, await web.Server.SettledHeadAsync());

        // The topic fixed, the future date is refused next to the date.
        await page.FillAsync("#topic", "组织生活会");
        await page.ClickAsync("button:has-text('保存')");
        var dateError = page.Locator("#date + .field-error[data-field=occurredOn]");
        await Expect(dateError).ToHaveAttributeAsync("data-code", "future-date");
        await Expect(dateError).ToContainTextAsync("晚于今天");
        await Expect(page.Locator("#topic")).ToHaveValueAsync("组织生活会"); // what was typed stays
        Assert.Equal(head, await web.Server.SettledHeadAsync());
        Assert.Empty(await web.Server.StreamAsync("branch-bbad"));

        // Corrected, it records.
        await page.FillAsync("#date", Today);
        await page.ClickAsync("button:has-text('保存')");
        await Expect(page.GetByTestId("recorded")).ToContainTextAsync("组织生活会");
        Assert.Single(await web.Server.StreamAsync("branch-bbad"));
    }

    internal static async Task<Dictionary<string, (int Rank, decimal Points)>> RanksAsync(IPage page)
    {
        var rows = await page.Locator("table[data-testid=ranking] tr[data-member]").AllAsync();
        var ranks = new Dictionary<string, (int, decimal)>();
        foreach (var row in rows)
        {
            var cells = await row.Locator("td").AllInnerTextsAsync();
            ranks[(await row.GetAttributeAsync("data-member"))!] = (int.Parse(cells[0], CultureInfo.InvariantCulture), decimal.Parse(cells[^1], CultureInfo.InvariantCulture));
        }
        return ranks;
    }
}
