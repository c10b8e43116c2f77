using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PointsEngine.Api.Access;
using PointsEngine.Api.Hosting;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Store;
using PointsEngine.TestSupport;
using PointsEngine.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PointsEngine.Web.Tests;

/// The server on a clock the test moves (the meeting starts, the grace passes) while timers stay real.
public sealed class CheckInFixture : BrowserFixture
{
    public ShiftedClock Clock { get; } = new();

    protected override WebServer CreateServer() => new(services: s => s.AddSingleton<TimeProvider>(Clock));
}

/// #20 签到 in headless Chromium: 30 members on 390 px phones reach the session's link, are sent to sign in and
/// back, and check in (a few late) or ask for leave; the secretary watches the list fill, approves the leave,
/// closes, confirms, and every member's points for the meeting follow their status.
public sealed partial class checking_in_from_phones(CheckInFixture web) : IClassFixture<CheckInFixture>
{
    static checking_in_from_phones() => SetDefaultExpectTimeout(90_000);

    private static readonly string Shots = Path.Combine(BrowserFixture.Screenshots, "checkin");

    [GeneratedRegex(@"/checkins/[a-z2-9]{8}$")]
    private static partial Regex SessionPage();

    private async Task<IPage> PhoneAsync()
    {
        var context = await web.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = web.Server.BaseUrl, ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true,
            DeviceScaleFactor = 2, Locale = "zh-CN",
        });
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(120_000);
        return await context.NewPageAsync();
    }

    /// A member taps the link signed out, signs in on the page it leads to, comes back and acts.
    private async Task AsMemberAsync(string member, string link, Func<IPage, Task> act)
    {
        var page = await PhoneAsync();
        try
        {
            await page.GotoAsync(link);
            await Expect(page).ToHaveURLAsync(new Regex("/signin\\?returnUrl="));
            await BrowserFixture.SubmitTokenAsync(page, web.Server.Token(Role.Member, member, member: member));
            await Expect(page.GetByTestId("checkin-meeting")).ToContainTextAsync("学习党章");
            Assert.Contains("/c/", page.Url, StringComparison.Ordinal);
            await act(page);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static async Task InBatchesAsync(IEnumerable<string> members, Func<string, Task> each)
    {
        foreach (var batch in members.Chunk(6)) await Task.WhenAll(batch.Select(each));
    }

    private static async Task NoHorizontalScrollAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
            $"{page.Url} scrolls sideways at 390 px");

    [Fact]
    public async Task thirty_members_check_in_from_phones_and_each_member_s_points_follow_their_status()
    {
        Directory.CreateDirectory(Shots);
        var members = await web.Server.BranchAsync("bq", "第三党支部", 30);
        var secretary = await web.PageAsync();
        await web.SignInAsync(secretary, web.Server.Token(Role.Secretary, "secretary-bq", ["bq"], name: "李书记"));
        await secretary.GotoAsync("/");
        await secretary.ClickAsync("[data-branch=bq] >> text=发起扫码签到");
        var starts = web.Clock.GetLocalNow().AddMinutes(10);
        await secretary.FillAsync("#topic", "学习党章");
        await secretary.FillAsync("#starts", starts.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await secretary.FillAsync("#ends", starts.AddHours(2).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await secretary.FillAsync("#grace", "10");
        await secretary.ClickAsync("button:has-text('开始签到')");
        await Expect(secretary).ToHaveURLAsync(SessionPage());
        Assert.Equal(1, await secretary.Locator("[data-testid=qr] svg").CountAsync());
        var link = await secretary.GetByTestId("link").InputValueAsync();
        Assert.Matches(@"^http://127\.0\.0\.1:\d+/c/[a-z2-9]{8}$", link);
        var session = link[^8..];
        await BrowserFixture.ScreenshotAsync(secretary, "checkin/secretary-open-desktop");

        // Two ask for leave before the start.
        string[] onTime = members[..24], late = members[24..27], absent = [members[27]], leave = members[28..];
        await InBatchesAsync(leave, m => AsMemberAsync(m, link, async page =>
        {
            await page.FillAsync("#reason", "出差");
            await page.ClickAsync("[data-testid=leave]");
            await Expect(page.GetByTestId("leave-asked")).ToContainTextAsync("待支部书记批准");
        }));

        web.Clock.Advance(TimeSpan.FromMinutes(10)); // the meeting starts
        var first = true;
        await InBatchesAsync(onTime, m => AsMemberAsync(m, link + (m.EndsWith('1') ? "?via=qr" : ""), async page =>
        {
            await page.ClickAsync("[data-testid=checkin]");
            await Expect(page.GetByTestId("checked-in")).ToContainTextAsync("签到成功：党员大会「学习党章」");
            await Expect(page.GetByTestId("checked-in")).Not.ToContainTextAsync("迟到");
            if (!first) return;
            first = false;
            await NoHorizontalScrollAsync(page);
            await BrowserFixture.ScreenshotAsync(page, "checkin/member-checked-in-390");
        }));

        // The secretary's open page fills on its own.
        await Expect(secretary.GetByTestId("counts")).ToContainTextAsync("出席 24，迟到 0，请假 0，缺席 6");
        web.Clock.Advance(TimeSpan.FromMinutes(15)); // past the 10 minutes' grace
        await InBatchesAsync(late, m => AsMemberAsync(m, link, async page =>
        {
            await page.ClickAsync("[data-testid=checkin]");
            await Expect(page.GetByTestId("checked-in")).ToContainTextAsync("（迟到）");
        }));
        await Expect(secretary.GetByTestId("counts")).ToContainTextAsync("出席 24，迟到 3，请假 0，缺席 3");

        foreach (var m in leave) await secretary.ClickAsync($"tr[data-member='{m}'] [data-testid=approve]");
        await Expect(secretary.GetByTestId("counts")).ToContainTextAsync("出席 24，迟到 3，请假 2，缺席 1");
        await secretary.ClickAsync("[data-testid=close]");
        await Expect(secretary.GetByTestId("live")).ToHaveAttributeAsync("data-stage", "closed");
        await BrowserFixture.ScreenshotAsync(secretary, "checkin/secretary-closed-desktop");
        await secretary.ClickAsync("[data-testid=confirm]");
        await Expect(secretary.GetByTestId("done")).ToContainTextAsync("会议已登记");
        await Expect(secretary.GetByTestId("done")).ToHaveAttributeAsync("data-fact", $"checkin-{session}");
        // Confirmed twice: the same fact, nothing new.
        await secretary.ClickAsync("[data-testid=confirm]");
        await Expect(secretary.GetByTestId("done")).ToHaveAttributeAsync("data-replayed", "true");

        // The one who came too late for the list finds it closed.
        await AsMemberAsync(absent[0], link, async page => await Expect(page.GetByTestId("closed")).ToContainTextAsync("签到已结束"));

        var meeting = Assert.Single(await web.Server.StreamAsync("branch-bq"));
        var fact = Assert.IsType<MeetingHeld>(web.Server.Services.GetRequiredService<EventSerializer>().Deserialize(meeting));
        Assert.Equal(new FactId($"checkin-{session}"), fact.FactId);
        var expected = new Dictionary<AttendanceStatus, (string[] Who, decimal Points)>
        {
            [AttendanceStatus.Present] = (onTime, 5m), [AttendanceStatus.Late] = (late, 4m), // 党员大会 +5, 迟到 −1
            [AttendanceStatus.Excused] = (leave, 0m), [AttendanceStatus.Absent] = (absent, -3m),
        };
        var engine = web.Server.Services.GetRequiredService<ScoringHost>().Engine;
        var year = fact.OccurredOn.Year;
        foreach (var (status, (who, points)) in expected)
            foreach (var m in who)
            {
                Assert.Equal(status, fact.Attendance.Single(a => a.Member.Value == m).Status);
                var state = await engine.ReadMemberAsync(MemberId.Parse(m));
                var forMeeting = state.LinesIn(year).Where(l => l.FactId == fact.FactId).Sum(l => l.Granted.Value);
                Assert.True(points == forMeeting, $"{m} ({status}): {forMeeting} for the meeting, expected {points}");
            }

        var phone = await PhoneAsync();
        await web.SignInAsync(phone, web.Server.Token(Role.Secretary, "secretary-bq", ["bq"], name: "李书记"));
        await phone.GotoAsync($"/checkins/{session}");
        await NoHorizontalScrollAsync(phone);
        await BrowserFixture.ScreenshotAsync(phone, "checkin/secretary-closed-390");
        await phone.Context.CloseAsync();
    }
}
