using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Api.Hosting;
using PointsEngine.Api.Tests.Support;

namespace PointsEngine.Api.Tests;

/// #16 finding 2.4: after m004 moved b01→b02, b01's secretary recorded a +30 adjustment dated the day
/// before the move and a transfer of m004 to b03 dated earlier still, both 201, and b03's ranking changed
/// without b03's secretary. A secretary now records facts only about members in one of their branches
/// today (or who left it within Access:FormerMemberGraceDays), and no organisation change dated before
/// the member's latest one; admins are not limited.
public sealed class a_former_branchs_secretary_cannot_rewrite_history : IAsyncLifetime
{
    private const string Moved = "2025-06-01";
    private readonly ShiftedClock _clock = new();
    private readonly ApiHost _api;

    public a_former_branchs_secretary_cannot_rewrite_history() =>
        _api = ApiHost.OnSqlite(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock)));

    private DateOnly Today => _clock.Today;

    private HttpClient Secretary(string branch) =>
        _api.Client(_api.Token(Role.Secretary, $"secretary-{branch}", [branch], lifetime: TimeSpan.FromDays(3650)));

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b01", "m004", "m006");
        await Setup.BranchAsync(_api.Admin, "b02", "m005");
        await Setup.BranchAsync(_api.Admin, "b03", "m009");
        (await _api.Admin.PostJsonAsync("/api/members/m004/transfers?wait=true", new { toBranch = "b02", occurredOn = Moved })).ShouldBe(HttpStatusCode.Created);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task<string> RankingAsync(string branch) =>
        (await _api.Admin.GetJsonAsync($"/api/rankings?scope=branch&id={branch}&period=2025")).ShouldBe(HttpStatusCode.OK).Body["rows"]!.ToString();

    private async Task SettleAsync()
    {
        var head = await _api.HeadAsync();
        await _api.Services.GetRequiredService<ProjectionHost>().Runner.WaitForAsync(head).WaitAsync(TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task the_old_branchs_back_dated_adjustment_and_earlier_transfer_are_refused_and_b03_is_untouched()
    {
        await SettleAsync();
        var b03Before = await RankingAsync("b03");
        var head = await _api.HeadAsync();
        var b01 = Secretary("b01");

        var adjustment = await b01.PostJsonAsync("/api/adjustments?wait=true",
            new { member = "m004", points = 30, reason = "表彰", approver = "支委会", occurredOn = "2025-05-31" });
        adjustment.ShouldBeProblem(HttpStatusCode.Forbidden, "former-member");
        Assert.Contains("m004", adjustment["en"], StringComparison.Ordinal);
        Assert.Contains(Moved, adjustment["en"], StringComparison.Ordinal);
        adjustment.ErrorsFor("member");

        var transfer = await b01.PostJsonAsync("/api/members/m004/transfers?wait=true", new { toBranch = "b03", occurredOn = "2025-05-30" });
        transfer.ShouldBeProblem(HttpStatusCode.Forbidden, "former-member");
        // A back-dated meeting of b01 with m004 on the list is a fact about m004 too.
        var meeting = await b01.PostJsonAsync("/api/branches/b01/meetings", new
        {
            occurredOn = "2025-05-20", kind = "党课", topic = "补录", attendance = new[] { new { member = "m006", status = "出席" }, new { member = "m004", status = "出席" } },
        });
        meeting.ShouldBeProblem(HttpStatusCode.Forbidden, "former-member").ErrorsFor("attendance[1].member");

        Assert.Equal(head, await _api.HeadAsync());
        await SettleAsync();
        Assert.Equal(b03Before, await RankingAsync("b03"));
        Assert.DoesNotContain("m004", b03Before, StringComparison.Ordinal);
        var standing = (await _api.Admin.GetJsonAsync("/api/members/m004/standing?year=2025")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("b02", standing["branch"]);
    }

    [Fact]
    public async Task the_current_branchs_secretary_records_but_not_an_organisation_change_dated_before_the_latest()
    {
        (await _api.Admin.PostJsonAsync("/api/members/m005/category-changes?wait=true", new { category = "流动", reason = "外出务工", occurredOn = "2025-08-01" }))
            .ShouldBe(HttpStatusCode.Created);
        var b02 = Secretary("b02");
        var head = await _api.HeadAsync();

        var early = await b02.PostJsonAsync("/api/members/m005/status-changes", new { status = "正式党员", occurredOn = "2025-07-01" });
        early.ShouldBeProblem(HttpStatusCode.Conflict, "dated-before-latest-change");
        Assert.Contains("2025-08-01", early["en"], StringComparison.Ordinal);
        var earlyMove = await b02.PostJsonAsync("/api/members/m005/transfers", new { toBranch = "b03", occurredOn = "2025-07-15" });
        earlyMove.ShouldBeProblem(HttpStatusCode.Conflict, "dated-before-latest-change");
        Assert.Equal(head, await _api.HeadAsync());

        // The member the secretary has now: back-dated facts of the spell in b02 and later changes are theirs.
        (await b02.PostJsonAsync("/api/adjustments", new { member = "m004", points = 2, reason = "表彰", approver = "支委会", occurredOn = "2025-06-02" }))
            .ShouldBe(HttpStatusCode.Created);
        (await b02.PostJsonAsync("/api/members/m005/status-changes", new { status = "正式党员", occurredOn = "2025-08-01" })).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task the_old_branch_may_finish_its_records_within_the_grace_window_and_not_after()
    {
        var left = Today.AddDays(-10);
        (await _api.Admin.PostJsonAsync("/api/members/m006/transfers?wait=true", new { toBranch = "b02", occurredOn = left.ToString("yyyy-MM-dd") }))
            .ShouldBe(HttpStatusCode.Created);
        var b01 = Secretary("b01");
        var before = left.AddDays(-3).ToString("yyyy-MM-dd");
        (await b01.PostJsonAsync("/api/volunteer-service", new { member = "m006", hours = 2, activity = "社区服务", occurredOn = before })).ShouldBe(HttpStatusCode.Created);
        // Still only dated while the member was in b01.
        (await b01.PostJsonAsync("/api/volunteer-service", new { member = "m006", hours = 2, activity = "社区服务", occurredOn = left.ToString("yyyy-MM-dd") }))
            .ShouldBeProblem(HttpStatusCode.Forbidden, "branch-scope");

        // 30 days (the default window) after leaving, and one more: over.
        _clock.Advance(TimeSpan.FromDays(21));
        var head = await _api.HeadAsync();
        (await b01.PostJsonAsync("/api/volunteer-service", new { member = "m006", hours = 1, activity = "社区服务", occurredOn = before }))
            .ShouldBeProblem(HttpStatusCode.Forbidden, "former-member");
        Assert.Equal(head, await _api.HeadAsync());
    }

    [Fact]
    public async Task an_admin_is_not_limited()
    {
        (await _api.Admin.PostJsonAsync("/api/adjustments", new { member = "m004", points = 30, reason = "更正", approver = "党委", occurredOn = "2025-05-31" }))
            .ShouldBe(HttpStatusCode.Created);
        (await _api.Admin.PostJsonAsync("/api/members/m004/status-changes", new { status = "正式党员", occurredOn = "2025-03-01" }))
            .ShouldBe(HttpStatusCode.Created);
    }
}

/// The grace window is configuration (Access:FormerMemberGraceDays).
public sealed class the_former_member_grace_window_is_configured : IAsyncLifetime
{
    private readonly ApiHost _api = ApiHost.OnSqlite(b => b.UseSetting("Access:FormerMemberGraceDays", "0"));

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b01", "m1");
        await Setup.BranchAsync(_api.Admin, "b02");
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task with_no_grace_the_old_branch_stops_at_once()
    {
        var today = DateOnly.FromDateTime(DateTime.Now);
        (await _api.Admin.PostJsonAsync("/api/members/m1/transfers?wait=true", new { toBranch = "b02", occurredOn = today.AddDays(-1).ToString("yyyy-MM-dd") }))
            .ShouldBe(HttpStatusCode.Created);
        var b01 = _api.Client(_api.Token(Role.Secretary, "secretary-b01", ["b01"]));
        (await b01.PostJsonAsync("/api/volunteer-service", new { member = "m1", hours = 2, activity = "社区服务", occurredOn = today.AddDays(-5).ToString("yyyy-MM-dd") }))
            .ShouldBeProblem(HttpStatusCode.Forbidden, "former-member");
    }
}
