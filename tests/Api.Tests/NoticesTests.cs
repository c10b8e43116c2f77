using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Tests;

/// Public notice (公示) with objections (异议), issue #5: published from the rankings, objected to within
/// the window, each objection answered, final only after the window with every objection answered.
public sealed class when_a_branch_publishes_its_ranking : IAsyncLifetime
{
    private readonly ShiftedClock _clock = new();
    private readonly ApiHost _api;

    public when_a_branch_publishes_its_ranking() =>
        _api = ApiHost.OnSqlite(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock)));

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", "m-01", "m-02");
        await Setup.BranchAsync(_api.Admin, "b2", "n-01");
        (await _api.Admin.PostJsonAsync("/api/volunteer-service?wait=true", new { member = "m-01", hours = 3, activity = "社区义诊", occurredOn = "2025-06-10" }))
            .ShouldBe(HttpStatusCode.Created);
        (await _api.Admin.PostJsonAsync("/api/volunteer-service?wait=true", new { member = "m-02", hours = 1, activity = "社区义诊", occurredOn = "2025-06-10" }))
            .ShouldBe(HttpStatusCode.Created);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    // Tokens are judged by the shifted clock: mint them again after moving it.
    private HttpClient Secretary() => _api.Client(_api.Token(Role.Secretary, "sec-b1", ["b1"]));
    private HttpClient Member(string id) => _api.Client(_api.Token(Role.Member, id, member: id));
    private string Day(int days) => _clock.Today.AddDays(days).ToString("yyyy-MM-dd");

    [Fact]
    public async Task the_notice_goes_from_publication_through_answered_objections_to_a_final_result()
    {
        const string notice = "/api/branches/b1/notices/2025-06";
        var closes = Day(3);
        (await Secretary().PostJsonAsync("/api/branches/b1/notices?wait=true", new { period = "2025-06", objectionsCloseOn = closes }))
            .ShouldBe(HttpStatusCode.Created);

        // Members of the branch read it (this is their branch ranking); another branch's member does not.
        var published = (await Member("m-02").GetJsonAsync(notice)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(("objections-open", closes), (published["stage"], published["notice.objectionsCloseOn"]));
        Assert.Equal(("1", "m-01"), (published["notice.lines[0].rank"], published["notice.lines[0].member"]));
        Assert.Equal(("2", "m-02"), (published["notice.lines[1].rank"], published["notice.lines[1].member"]));
        (await Member("n-01").GetJsonAsync(notice)).ShouldBeProblem(HttpStatusCode.Forbidden, "notice-scope");
        (await Secretary().PostJsonAsync("/api/branches/b1/notices", new { period = "2025-06" })).ShouldBeProblem(HttpStatusCode.Conflict, "notice-exists");

        var first = (await Member("m-02").PostJsonAsync($"{notice}/objections?wait=true", new { reason = "6月20日的志愿服务未记分" }))
            .ShouldBe(HttpStatusCode.Created)["factId"]!;
        (await Secretary().PostJsonAsync($"{notice}/finalisation", new { })).ShouldBeProblem(HttpStatusCode.Conflict, "objection-window-open");

        // Upheld: the correction is recorded through the ordinary path, then the answer names it.
        var correction = (await Secretary().PostJsonAsync("/api/adjustments?wait=true",
            new { member = "m-02", points = 5, reason = "补记6月20日志愿服务", approver = "支委会", occurredOn = "2025-06-20" })).ShouldBe(HttpStatusCode.Created)["factId"]!;
        (await Secretary().PostJsonAsync($"{notice}/objections/{first}/answers", new { outcome = "upheld", reason = "核实无误" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "correction-required");
        (await Secretary().PostJsonAsync($"{notice}/objections/{first}/answers?wait=true", new { outcome = "成立", reason = "核实无误，已补记", correction }))
            .ShouldBe(HttpStatusCode.Created);
        (await Secretary().PostJsonAsync($"{notice}/objections/{first}/answers", new { outcome = "dismissed", reason = "再答一次" }))
            .ShouldBeProblem(HttpStatusCode.Conflict, "objection-already-answered");
        var second = (await Member("m-02").PostJsonAsync($"{notice}/objections?wait=true", new { reason = "排名有误" })).ShouldBe(HttpStatusCode.Created)["factId"]!;

        // The window closes: late objections are refused with its end date; finality waits for the open answer.
        _clock.Advance(TimeSpan.FromDays(4));
        var late = (await Member("m-01").PostJsonAsync($"{notice}/objections", new { reason = "迟到的异议" }))
            .ShouldBeProblem(HttpStatusCode.Conflict, "objection-window-closed");
        Assert.Contains(closes, late["en"]);
        Assert.Contains(closes, late["zh"]);
        var open = (await Secretary().PostJsonAsync($"{notice}/finalisation", new { })).ShouldBeProblem(HttpStatusCode.Conflict, "objections-unanswered");
        Assert.Contains(second, open["en"]);
        (await Secretary().PostJsonAsync($"{notice}/objections/{second}/answers?wait=true", new { outcome = "不成立", reason = "排名按规则计算无误" }))
            .ShouldBe(HttpStatusCode.Created);
        (await Secretary().PostJsonAsync($"{notice}/finalisation?wait=true", new { })).ShouldBe(HttpStatusCode.Created);
        (await Secretary().PostJsonAsync($"{notice}/finalisation", new { })).ShouldBeProblem(HttpStatusCode.Conflict, "notice-final");

        // Final: the ranking after the correction (m-02 now first), both answers on record.
        var final = (await Member("m-02").GetJsonAsync(notice)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(("final", "sec-b1"), (final["stage"], final["notice.finalBy"]));
        Assert.Equal(("1", "m-02"), (final["notice.finalLines[0].rank"], final["notice.finalLines[0].member"]));
        Assert.Equal(("2", "m-02"), (final["notice.lines[1].rank"], final["notice.lines[1].member"]));
        Assert.Equal((first, "Upheld", correction), (final["notice.objections[0].objection"], final["notice.objections[0].outcome"], final["notice.objections[0].correction"]));
        Assert.Equal("Dismissed", final["notice.objections[1].outcome"]);
        // Another member sees the ranking, not m-02's objections.
        Assert.Empty((await Member("m-01").GetJsonAsync(notice)).ShouldBe(HttpStatusCode.OK).Body["notice"]!["objections"]!);

        // Every step is in the member's evidence and the branch's.
        var read = _api.Services.GetRequiredService<ReadModels>();
        var evidence = (await read.EvidenceAsync(new MemberId("m-02"), 2025))!;
        Assert.Equal(
            ["V1.NoticePublished", "V1.ObjectionRaised", "V1.ObjectionAnswered", "V1.ObjectionRaised", "V1.ObjectionAnswered", "V1.NoticeFinalised"],
            evidence.Workflow.Select(s => s.Kind).ToArray());
        Assert.StartsWith("第 2 名", evidence.Workflow[0].Detail);
        Assert.StartsWith("第 1 名", evidence.Workflow[^1].Detail);
        Assert.All(evidence.Workflow.Where(s => s.Kind is "V1.ObjectionRaised"), s => Assert.Equal("m-02", s.RecordedBy));
        Assert.Contains(evidence.Lines, l => l.Fact?.FactId.Value == correction);
        var branch = await read.BranchEvidenceAsync(new BranchId("b1"), 2025);
        var shown = Assert.Single(branch.Notices);
        Assert.Equal(("2025-06", 2), (shown.Period, shown.Objections.Count));
        Assert.NotNull(shown.Final);
        Assert.All(shown.Objections, o => Assert.NotNull(o.Answer));
    }

    [Fact]
    public async Task issue21_the_notice_prints_as_a_page_and_a_pdf_with_its_period_and_objection_deadline()
    {
        var closes = Day(5);
        (await Secretary().PostJsonAsync("/api/branches/b1/notices?wait=true", new { period = "2025-06", objectionsCloseOn = closes }))
            .ShouldBe(HttpStatusCode.Created);
        using var pages = _api.PageClient();
        async Task<HttpResponseMessage> GetAsync(string path, string token)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", $"pe_token={token}");
            return await pages.SendAsync(request);
        }
        var memberToken = _api.Token(Role.Member, "m-02", member: "m-02");

        // The page to post: title, period, the ranking by name, the deadline and how to object.
        var page = await GetAsync("/branches/b1/notices/2025-06/print", memberToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("2025-06 党员积分公示", html);
        Assert.Contains("2025-06-01 至 2025-06-30", html);
        Assert.Contains($"<strong>{closes}</strong>", html);
        Assert.Contains("提出异议", html);
        Assert.Contains("<td>党员 m-01</td>", html); // the member's name (Setup names them after their ids)

        // The same as a PDF (A4), its text extracted.
        var pdf = await GetAsync("/branches/b1/notices/2025-06/print?format=pdf", memberToken);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        var bytes = await pdf.Content.ReadAsByteArrayAsync();
        var shots = Path.Combine(Path.GetTempPath(), "pe-web-screenshots", "print");
        Directory.CreateDirectory(shots);
        await File.WriteAllTextAsync(Path.Combine(shots, "公示-b1-2025-06.html"), html);
        await File.WriteAllBytesAsync(Path.Combine(shots, "公示-b1-2025-06.pdf"), bytes);
        using var document = UglyToad.PdfPig.PdfDocument.Open(bytes);
        var text = Cli.when_a_year_of_ledgers_is_imported.Squeeze(string.Concat(document.GetPages().Select(p => p.Text)));
        Assert.Contains("2025-06-01至2025-06-30", text);
        Assert.Contains(closes, text);
        Assert.Contains("异议", text);

        // Another branch's member may not print it; a period never published is not found.
        Assert.Equal(HttpStatusCode.Redirect, (await GetAsync("/branches/b1/notices/2025-06/print", _api.Token(Role.Member, "n-01", member: "n-01"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/branches/b1/notices/2025-05/print", memberToken)).StatusCode);
    }

    [Fact]
    public async Task only_the_branch_secretary_publishes_and_a_period_must_be_a_month_quarter_or_year()
    {
        (await Secretary().PostJsonAsync("/api/branches/b1/notices", new { period = "2025-13" })).ShouldBeProblem(HttpStatusCode.BadRequest).ErrorsFor("period");
        (await _api.Client(_api.Token(Role.Secretary, "sec-b2", ["b2"])).PostJsonAsync("/api/branches/b1/notices", new { period = "2025-Q2" }))
            .ShouldBeProblem(HttpStatusCode.Forbidden, "branch-scope");
        (await Secretary().PostJsonAsync("/api/branches/b9/notices", new { period = "2025-Q2" })).ShouldBeProblem(HttpStatusCode.NotFound, "unknown-branch");
        (await Secretary().PostJsonAsync("/api/branches/b1/notices", new { period = "2025-Q2", objectionsCloseOn = Day(-1) }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "window-in-past");
        (await Member("m-01").PostJsonAsync("/api/branches/b1/notices/2025-Q2/objections", new { reason = "没有公示" }))
            .ShouldBeProblem(HttpStatusCode.NotFound, "unknown-notice");
    }

    [Fact]
    public async Task a_year_notice_publishes_grades()
    {
        (await Secretary().PostJsonAsync("/api/branches/b1/notices?wait=true", new { period = "2025" })).ShouldBe(HttpStatusCode.Created);
        var year = (await Member("m-01").GetJsonAsync("/api/branches/b1/notices/2025")).ShouldBe(HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty(year["notice.lines[0].gradeName"]), year.Body.ToString());
        var list = (await Member("m-01").GetJsonAsync("/api/branches/b1/notices")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("1", list["count"]);
    }
}
