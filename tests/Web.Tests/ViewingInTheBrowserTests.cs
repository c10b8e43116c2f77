using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PointsEngine.Api.Access;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;
using PointsEngine.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PointsEngine.Web.Tests;

/// 我的积分, 积分排名 and 年终考核 in real headless Chromium; signing in and what each role may open.
public sealed class viewing_points_in_the_browser(BrowserFixture web) : IClassFixture<BrowserFixture>
{
    static viewing_points_in_the_browser() => SetDefaultExpectTimeout(90_000);

    private static readonly string Today = DateOnly.FromDateTime(DateTime.Now).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static int Year => DateTime.Now.Year;

    private ReadModels Reads => web.Server.Services.GetRequiredService<ReadModels>();

    /// A branch with a meeting (one absent), volunteer hours and a revoked adjustment, recorded through the
    /// API by the branch's secretary.
    private async Task<string[]> HistoryAsync(string branch)
    {
        var members = await web.Server.BranchAsync(branch, $"{branch} 党支部", 4);
        using var secretary = web.Server.Api(web.Server.Token(Role.Secretary, $"secretary-{branch}", [branch], name: "书记"));
        async Task<string> Post(string path, object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path + "?wait=true") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            using var response = await secretary.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, text);
            return System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("factId").GetString()!;
        }
        await Post($"/api/branches/{branch}/meetings", new
        {
            occurredOn = Today, kind = "党员大会", topic = "学习", attendance = members.Select((m, i) => new { member = m, status = i == 3 ? "缺席" : "出席" }),
        });
        await Post("/api/volunteer-service", new { member = members[0], hours = 3, activity = "社区服务", occurredOn = Today });
        var adjustment = await Post("/api/adjustments", new { member = members[1], points = 2, reason = "误记加分", approver = "支委会", occurredOn = Today });
        await Post("/api/revocations", new { target = adjustment, reason = "登记错误", occurredOn = Today });
        return members;
    }

    [Fact]
    public async Task a_member_on_a_phone_sees_their_total_rank_chart_and_ledger_and_the_ranking_only_once_published()
    {
        var members = await HistoryAsync("bph");
        var me = members[0];
        var standing = await Reads.StandingAsync(MemberId.Parse(me), Year);
        Assert.NotNull(standing);

        var page = await web.PageAsync(phone: true);
        await web.SignInAsync(page, web.Server.Token(Role.Member, me, member: me, name: "赵明"));
        await page.GotoAsync("/me");
        await Expect(page.GetByTestId("total")).ToHaveTextAsync(standing.Total.ToString("0.##", CultureInfo.InvariantCulture));
        await Expect(page.GetByTestId("rank")).ToContainTextAsync($"第 {standing.InBranch!.Rank} 名 / 共 4 人");
        var chart = page.Locator("[data-testid=chart] svg");
        await Expect(chart).ToBeVisibleAsync();
        Assert.Equal(standing.Series.Count.ToString(CultureInfo.InvariantCulture), await chart.GetAttributeAsync("data-points"));
        Assert.True(standing.Series.Count >= 1);
        Assert.Equal(12, await chart.Locator("text.month").CountAsync());
        var ledger = page.Locator("table[data-testid=ledger] tr:not(:first-child)");
        var evidence = (await Reads.EvidenceAsync(MemberId.Parse(me), Year))!;
        Assert.Equal(evidence.Lines.Count, await ledger.CountAsync());
        await Expect(ledger.Filter(new() { HasText = "社区服务" })).ToContainTextAsync("secretary-bph");
        // Readable at 360 px: the page itself does not scroll sideways (wide tables scroll in their own box).
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than the phone");
        await BrowserFixture.ScreenshotAsync(page, "member-phone");

        await page.GotoAsync("/branches/bph/ranking");
        await Expect(page.GetByTestId("not-published")).ToContainTextAsync("本支部尚未公示排名");
        Assert.Equal(0, await page.Locator("table[data-testid=ranking]").CountAsync());

        // Once the secretary publishes the year's ranking (公示), the member sees exactly the published lines.
        using (var secretary = web.Server.Api(web.Server.Token(Role.Secretary, "secretary-bph", ["bph"], name: "书记")))
        using (var publish = new HttpRequestMessage(HttpMethod.Post, "/api/branches/bph/notices?wait=true")
        {
            Content = JsonContent.Create(new { period = $"{Year}" }),
        })
        {
            publish.Headers.Add("Idempotency-Key", "publish-bph-year");
            using var published = await secretary.SendAsync(publish);
            Assert.True(published.StatusCode == HttpStatusCode.Created, await published.Content.ReadAsStringAsync());
        }
        var notice = (await Reads.NoticeAsync(BranchId.Parse("bph"), $"{Year}"))!;
        await page.GotoAsync("/branches/bph/ranking");
        await Expect(page.GetByTestId("notice-status")).ToContainTextAsync("异议期至");
        var rows = page.Locator("table[data-testid=ranking] tr[data-member]");
        Assert.Equal(notice.Lines.Count, await rows.CountAsync());
        Assert.Equal(4, notice.Lines.Count);
        for (var i = 0; i < notice.Lines.Count; i++)
        {
            Assert.Equal(notice.Lines[i].Member.Value, await rows.Nth(i).GetAttributeAsync("data-member"));
            await Expect(rows.Nth(i).Locator("td").First).ToHaveTextAsync(notice.Lines[i].Rank.ToString(CultureInfo.InvariantCulture));
        }

        await page.GotoAsync($"/members/{members[1]}");
        await Expect(page.GetByTestId("denied")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task the_printable_branch_report_holds_every_ledger_line_with_its_recorder()
    {
        await HistoryAsync("brp");
        var report = await Reads.BranchEvidenceAsync(BranchId.Parse("brp"), Year);
        Assert.Equal(4, report.Members.Count);

        var page = await web.PageAsync();
        // #16 finding 2.8: the pages work under the Content-Security-Policy (nothing refused, the style applies).
        var refused = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal)) refused.Add(m.Text); };
        await web.SignInAsync(page, web.Server.Token(Role.Appraiser, "appraiser-1", name: "考核组"));
        await page.GotoAsync($"/branches/brp/report?year={Year}");
        Assert.Equal("rgb(183, 28, 28)", await page.Locator("header.top").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        await page.EvaluateAsync("() => { window.print = () => { window.printed = true; }; }");
        await page.ClickAsync("a[data-print]");
        Assert.True(await page.EvaluateAsync<bool>("() => window.printed === true"), "the print link did not print");
        Assert.Equal(4, await page.Locator("table[data-testid=summary] tr[data-member]").CountAsync());
        var recorded = 0;
        foreach (var member in report.Members)
        {
            var section = page.Locator($"section[data-member='{member.Member}']");
            var rows = section.Locator("table[data-testid=evidence-lines] tr[data-award]");
            Assert.Equal(member.Lines.Count, await rows.CountAsync());
            for (var i = 0; i < member.Lines.Count; i++)
            {
                var line = member.Lines[i];
                var row = rows.Nth(i);
                Assert.Equal(line.AwardId, await row.GetAttributeAsync("data-award"));
                await Expect(row).ToContainTextAsync(line.Rule.Value);
                await Expect(row).ToContainTextAsync(line.Version.Value);
                if (line.Fact is { } fact)
                {
                    await Expect(row.GetByTestId("recorder")).ToContainTextAsync(fact.RecordedBy);
                    await Expect(row).ToContainTextAsync(fact.FactId.Value);
                    recorded++;
                }
                else await Expect(row.GetByTestId("recorder")).ToContainTextAsync("系统按规则计算"); // base score, bonuses
            }
            if (member.Appraisal is { } a) await Expect(section.GetByTestId("grade")).ToHaveTextAsync(a.GradeName);
        }
        Assert.True(recorded >= 6, $"only {recorded} lines traced to recorded facts"); // 4 attendances, the hours, the adjustment
        // The revoked adjustment shows its revocation, with who revoked it and why.
        await Expect(page.Locator("section[data-member='brp-m02']")).ToContainTextAsync("撤销：登记错误（secretary-brp，");

        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        Assert.False(await page.Locator("header.top").IsVisibleAsync()); // the print layout drops the navigation
        await BrowserFixture.ScreenshotAsync(page, "branch-report-print");
        Assert.True(refused.Count == 0, string.Join("\n", refused));
    }

    [Fact]
    public async Task a_wrong_or_expired_token_is_refused_with_a_clear_message_and_a_good_one_lands_in_a_strict_httponly_cookie()
    {
        var page = await web.PageAsync();
        await page.GotoAsync("/signin");
        await BrowserFixture.SubmitTokenAsync(page, "not-a-token");
        await Expect(page.GetByTestId("signin-error")).ToHaveAttributeAsync("data-code", "malformed-token");
        await Expect(page.GetByTestId("signin-error")).ToContainTextAsync("格式不对");

        await BrowserFixture.SubmitTokenAsync(page, web.Server.ExpiredToken(Role.Admin, "admin-1"));
        await Expect(page.GetByTestId("signin-error")).ToContainTextAsync("已过期");
        await Expect(page.GetByTestId("signin-error")).ToContainTextAsync("expired");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "pe_token");

        await page.GotoAsync("/me"); // not signed in: to the sign-in page, and back after
        Assert.Contains("/signin?returnUrl=%2Fme", page.Url, StringComparison.Ordinal);
        await BrowserFixture.SubmitTokenAsync(page, web.Server.Token(Role.Appraiser, "appraiser-2", name: "考核员"));
        // Wait for the redirect to commit, not for its load event: on a loaded machine Chromium once logged network
        // idle and still never fired load within 120 s (the same wait the fixture's sign-in avoids); the page is
        // checked by the element that names who is signed in.
        await page.WaitForURLAsync("**/", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "pe_token");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        await Expect(page.GetByTestId("who")).ToContainTextAsync("考核员（考核人员");
    }

    [Fact]
    public async Task each_role_opens_only_its_pages()
    {
        await web.Server.BranchAsync("bac", "第四党支部", 2);
        await web.Server.BranchAsync("bac2", "第五党支部", 1);
        var cases = new (string Token, string Path, string Expect)[]
        {
            ("", "/branches/bac/meetings/new", "/signin"),
            (web.Server.Token(Role.Secretary, "s-bac", ["bac"]), "/branches/bac/meetings/new", "200"),
            (web.Server.Token(Role.Secretary, "s-bac", ["bac"]), "/branches/bac2/meetings/new", "/denied"),
            (web.Server.Token(Role.Secretary, "s-bac", ["bac"]), "/branches/bac2/ranking", "/denied"),
            (web.Server.Token(Role.Secretary, "s-bac", ["bac"]), "/members/bac-m01", "200"),
            (web.Server.Token(Role.Secretary, "s-bac", ["bac"]), "/members/bac2-m01", "/denied"),
            (web.Server.Token(Role.Secretary, "s-bac", ["bac"]), "/admin", "/denied"),
            (web.Server.Token(Role.Appraiser, "a-1"), "/branches/bac/meetings/new", "/denied"),
            (web.Server.Token(Role.Appraiser, "a-1"), "/branches/bac/assessments", "/denied"),
            (web.Server.Token(Role.Appraiser, "a-1"), "/branches/bac2/report", "200"),
            (web.Server.Token(Role.Appraiser, "a-1"), "/members/bac-m02/report", "200"),
            (web.Server.Token(Role.Member, "bac-m01", member: "bac-m01"), "/me", "200"),
            (web.Server.Token(Role.Member, "bac-m01", member: "bac-m01"), "/members/bac-m01/report", "200"),
            (web.Server.Token(Role.Member, "bac-m01", member: "bac-m01"), "/members/bac-m02/report", "/denied"),
            (web.Server.Token(Role.Member, "bac-m01", member: "bac-m01"), "/branches/bac/report", "/denied"),
            (web.Server.Token(Role.Member, "bac-m01", member: "bac-m01"), "/branches/bac/volunteer-service/new", "/denied"),
            (web.Server.Token(Role.Member, "bac-m01", member: "bac-m01"), "/branches/bac2/ranking", "/denied"),
            (web.Server.Token(Role.Admin, "admin-3"), "/admin", "200"),
            (web.Server.Token(Role.Admin, "admin-3"), "/branches/bac2/assessments", "200"),
        };
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(web.Server.BaseUrl) };
        var wrong = new List<string>();
        foreach (var (token, path, expect) in cases)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (token.Length > 0) request.Headers.Add("Cookie", $"pe_token={token}");
            using var response = await client.SendAsync(request);
            var got = response.StatusCode == HttpStatusCode.Redirect ? response.Headers.Location!.OriginalString.Split('?')[0] : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            if (got != expect) wrong.Add($"{path}: expected {expect}, got {got}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));

        // A bearer header is not a page sign-in, and the page cookie is not an API credential.
        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/access/me");
        api.Headers.Add("Cookie", $"pe_token={web.Server.Token(Role.Admin, "admin-3")}");
        using var answer = await client.SendAsync(api);
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
    }
}
