using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using PointsEngine.Api.Access;
using PointsEngine.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PointsEngine.Web.Tests;

/// #21 "The member's page at 390 px": the page does not scroll sideways, the chart's labels are at least 12 px, the
/// year that has data is the one shown, and each ledger line opens to its explanation.
public sealed class reading_the_ledger_on_a_phone(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    static reading_the_ledger_on_a_phone() => SetDefaultExpectTimeout(90_000);

    private const string ChartLabelsSmallestPx = """
        () => Math.min(...[...document.querySelectorAll("[data-testid=chart] svg text")]
            .filter(t => t.getBBox().width > 0 && getComputedStyle(t).display !== "none")
            .map(t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a))
        """;

    /// Last year's meeting (one on leave, one absent) and 5 hours of volunteer service, recorded by the secretary.
    private async Task<string[]> LastYearAsync(string branch)
    {
        var members = await web.Server.BranchAsync(branch, $"{branch} 党支部", 3);
        using var secretary = web.Server.Api(web.Server.Token(Role.Secretary, $"secretary-{branch}", [branch], name: "书记"));
        async Task Post(string path, object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path + "?wait=true") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            using var response = await secretary.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }
        string[] statuses = ["出席", "请假", "缺席"];
        await Post($"/api/branches/{branch}/meetings", new
        {
            occurredOn = "2025-06-10", kind = "党员大会", topic = "学习新党章", attendance = members.Select((m, i) => new { member = m, status = statuses[i] }),
        });
        await Post("/api/volunteer-service", new { member = members[0], hours = 5, activity = "社区防汛值守", occurredOn = "2025-06-11" });
        return members;
    }

    [Fact]
    public async Task at_390_px_the_member_page_fits_its_chart_labels_are_readable_and_each_line_opens_to_its_why()
    {
        var members = await LastYearAsync("bxp");
        var page = await web.PageAsync(phone: true, width: 390);
        await web.SignInAsync(page, web.Server.Token(Role.Member, members[0], member: members[0], name: "赵明1"));
        await page.GotoAsync("/me");

        // #21 problem: the page opened on the current year although the data is last year's.
        await Expect(page.Locator(".card")).ToContainTextAsync("2025 年累计积分");
        var ledger = page.Locator("table[data-testid=ledger]");
        // #21 problem: the per-activity limit was invisible; each line now opens to its explanation.
        var volunteer = ledger.Locator("details", new() { HasText = "社区防汛值守" });
        await volunteer.Locator("summary").ClickAsync();
        await Expect(volunteer).ToContainTextAsync("服务 5 小时，计 4 小时 × 1 分（每次最多计 4 小时）");
        await Expect(volunteer).ToContainTextAsync("记录人 Recorded by：secretary-bxp");
        await Expect(ledger).ToContainTextAsync("参加党员大会 +5");
        await Expect(ledger).Not.ToContainTextAsync("organisation life");

        // #21 problem: at 390 px the chart's labels were about 6 px and the report table 626 px wide.
        Assert.True(await page.EvaluateAsync<bool>("() => document.scrollingElement.scrollWidth <= window.innerWidth"),
            $"the page is {await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth")} px wide at 390 px");
        var smallest = await page.EvaluateAsync<double>(ChartLabelsSmallestPx);
        Assert.True(smallest >= 12, $"a chart label is {smallest:0.#} px at 390 px");
        await BrowserFixture.ScreenshotAsync(page, "explain/member-390");

        // The member's own evidence report (台账) — the table that was 626 px wide — fits 390 px as well.
        await page.GotoAsync($"/members/{members[0]}/report?year=2025");
        await Expect(page.Locator("body")).ToContainTextAsync("社区防汛值守");
        Assert.True(await page.EvaluateAsync<bool>("() => document.scrollingElement.scrollWidth <= window.innerWidth"),
            $"the evidence report is {await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth")} px wide at 390 px");
        await BrowserFixture.ScreenshotAsync(page, "explain/report-390");

        // A member on leave sees the meeting as a line of 0, with why.
        var onLeave = await web.PageAsync(phone: true, width: 390);
        await web.SignInAsync(onLeave, web.Server.Token(Role.Member, members[1], member: members[1], name: "钱明2"));
        await onLeave.GotoAsync("/me");
        var leave = onLeave.Locator("table[data-testid=ledger] tr", new() { HasText = "请假（不计分、不扣分）" });
        await Expect(leave).ToContainTextAsync("学习新党章");
        await Expect(leave.Locator("td.num")).ToHaveTextAsync("0");
        Assert.True(await onLeave.EvaluateAsync<bool>("() => document.scrollingElement.scrollWidth <= window.innerWidth"), "the page is wider than 390 px");

        var desktop = await web.PageAsync();
        await web.SignInAsync(desktop, web.Server.Token(Role.Member, members[0], member: members[0], name: "赵明1"));
        await desktop.GotoAsync("/me?year=2025");
        var large = await desktop.EvaluateAsync<double>(ChartLabelsSmallestPx);
        Assert.True(large >= 12, $"a chart label is {large:0.#} px on a desktop");
        await BrowserFixture.ScreenshotAsync(desktop, "explain/member-desktop");
    }
}
