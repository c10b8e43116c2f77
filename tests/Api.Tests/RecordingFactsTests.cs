using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Tests;

/// The other facts a branch records, each seen through to the member's points.
public sealed class when_a_branch_records_its_year : IAsyncLifetime
{
    private readonly ApiHost _api = ApiHost.OnSqlite();
    private HttpClient _secretary = null!;

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", "m-01", "m-02", "m-03");
        _secretary = _api.Client(_api.Token(Role.Secretary, "secretary-b1", ["b1"]));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task<decimal> TotalAsync(string member) => (await _api.MemberAsync(member)).TotalIn(2025).Value;

    [Fact]
    public async Task a_member_submits_a_suggestion_and_the_secretary_assesses_it()
    {
        var member = _api.Client(_api.Token(Role.Member, "m-01", member: "m-01"));
        var suggestion = (await member.PostJsonAsync("/api/suggestions", new { member = "m-01", title = "食堂错峰就餐", occurredOn = "2025-04-01" }))
            .ShouldBe(HttpStatusCode.Created)["factId"];

        (await _secretary.PostJsonAsync($"/api/suggestions/{suggestion}/assessments?wait=true", new { level = "采纳", occurredOn = "2025-04-10" }))
            .ShouldBe(HttpStatusCode.Created);

        Assert.Equal(68m, await TotalAsync("m-01")); // base 60 + adopted 8
    }

    [Fact]
    public async Task a_golden_idea_is_awarded_and_implemented()
    {
        var idea = (await _secretary.PostJsonAsync("/api/golden-ideas", new { member = "m-02", title = "设备点检数字化", occurredOn = "2025-04-01" }))["factId"];

        await _secretary.PostJsonAsync($"/api/golden-ideas/{idea}/awards", new { level = "二等奖", panel = "评审组", occurredOn = "2025-05-01" });
        (await _secretary.PostJsonAsync($"/api/golden-ideas/{idea}/implementations?wait=true", new { occurredOn = "2025-06-01" })).ShouldBe(HttpStatusCode.Created);

        Assert.Equal(71m, await TotalAsync("m-02")); // 60 + second prize 6 + implemented 5
    }

    [Fact]
    public async Task assessing_a_suggestion_that_does_not_exist_is_404() =>
        (await _secretary.PostJsonAsync("/api/suggestions/no-such-fact/assessments", new { level = "一般", occurredOn = "2025-04-10" }))
            .ShouldBeProblem(HttpStatusCode.NotFound, "unknown-fact").ErrorsFor("suggestion");

    [Fact]
    public async Task volunteer_hours_and_an_adjustment_are_scored()
    {
        await _secretary.PostJsonAsync("/api/volunteer-service", new { member = "m-03", hours = 3.5, activity = "社区义诊", verifier = "社区", occurredOn = "2025-04-05" });
        (await _secretary.PostJsonAsync("/api/adjustments?wait=true", new { member = "m-03", points = -2.5, reason = "未按时缴纳党费", approver = "支委会", occurredOn = "2025-04-06" }))
            .ShouldBe(HttpStatusCode.Created);

        Assert.Equal(61m, await TotalAsync("m-03")); // 60 + 3.5 h + (−2.5)
    }

    [Fact]
    public async Task revoking_a_meeting_copies_its_attendees_and_takes_their_points_back()
    {
        var meeting = (await _secretary.PostJsonAsync("/api/branches/b1/meetings?wait=true", new
        {
            occurredOn = "2025-03-01", kind = "党员大会", topic = "误录的会议",
            attendance = new[] { new { member = "m-01", status = "出席" }, new { member = "m-02", status = "缺席" } },
        }))["factId"]!;
        Assert.Equal(67m, await TotalAsync("m-01"));

        var revocation = (await _secretary.PostJsonAsync("/api/revocations?wait=true", new { target = meeting, reason = "会议登记错误", occurredOn = "2025-03-02" }))
            .ShouldBe(HttpStatusCode.Created);

        var recorded = await _api.Services.GetRequiredService<IFactLookup>().FindAsync(FactId.Parse(revocation["factId"]!));
        Assert.Equal([MemberId.Parse("m-01"), MemberId.Parse("m-02")], ((FactRevoked)recorded!.Fact).Members);
        Assert.Equal(60m, await TotalAsync("m-01"));
        Assert.Equal(60m, await TotalAsync("m-02"));
    }

    [Fact]
    public async Task a_retried_transfer_answers_its_first_result()
    {
        await Setup.BranchAsync(_api.Admin, "b2");
        var transfer = new { toBranch = "b2", occurredOn = "2025-05-01" };
        var first = (await _secretary.PostJsonAsync("/api/members/m-02/transfers", transfer, "transfer-m-02")).ShouldBe(HttpStatusCode.Created);

        var retry = (await _secretary.PostJsonAsync("/api/members/m-02/transfers", transfer, "transfer-m-02")).ShouldBe(HttpStatusCode.Created);

        Assert.Equal(first["position"], retry["position"]);
        (await _secretary.PostJsonAsync("/api/members/m-02/transfers", transfer)).ShouldBeProblem(HttpStatusCode.Forbidden, "branch-scope");
    }

    [Fact]
    public async Task a_transferred_member_is_checked_against_the_roster_of_the_meetings_own_day()
    {
        await Setup.BranchAsync(_api.Admin, "b2");
        (await _secretary.PostJsonAsync("/api/members/m-03/transfers", new { toBranch = "b2", occurredOn = "2025-05-01" })).ShouldBe(HttpStatusCode.Created);

        // Recorded by an admin: a secretary may no longer back-date facts about a member who left the branch
        // longer ago than the grace window (#16 finding 2.4, a_former_branchs_secretary_cannot_rewrite_history).
        var before = await _api.Admin.PostJsonAsync("/api/branches/b1/meetings", new
        {
            occurredOn = "2025-04-20", kind = "党课", topic = "转出前的党课", attendance = new[] { new { member = "m-03", status = "出席" } },
        });
        var after = await _secretary.PostJsonAsync("/api/branches/b1/meetings", new
        {
            occurredOn = "2025-05-20", kind = "党课", topic = "转出后的党课", attendance = new[] { new { member = "m-03", status = "出席" } },
        });

        before.ShouldBe(HttpStatusCode.Created);
        after.ShouldBeProblem(HttpStatusCode.BadRequest, "member-not-in-branch");
    }
}

/// 年度结账: a closed year takes no new facts until it is reopened (issue #5: closed year → 409).
public sealed class when_a_year_is_closed : IAsyncLifetime
{
    private readonly ApiHost _api = ApiHost.OnSqlite();

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", "m-01");
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static object Meeting(string on) => new { occurredOn = on, kind = "党课", topic = "党课", attendance = new[] { new { member = "m-01", status = "出席" } } };

    [Fact]
    public async Task a_fact_dated_in_it_is_409_and_nothing_is_written()
    {
        (await _api.Admin.PostJsonAsync("/api/years/2025/close", new { occurredOn = "2026-01-15" })).ShouldBe(HttpStatusCode.Created);
        var head = await _api.HeadAsync();

        var answer = await _api.Admin.PostJsonAsync("/api/branches/b1/meetings", Meeting("2025-11-01"));

        answer.ShouldBeProblem(HttpStatusCode.Conflict, "year-closed").ErrorsFor("occurredOn");
        Assert.Equal(head, await _api.HeadAsync());
        (await _api.Admin.PostJsonAsync("/api/branches/b1/meetings", Meeting("2026-01-20"))).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task a_revocation_of_a_fact_in_it_is_409()
    {
        var meeting = (await _api.Admin.PostJsonAsync("/api/branches/b1/meetings", Meeting("2025-11-01")))["factId"];
        await _api.Admin.PostJsonAsync("/api/years/2025/close", new { occurredOn = "2026-01-15" });

        (await _api.Admin.PostJsonAsync("/api/revocations", new { target = meeting, reason = "误录", occurredOn = "2026-01-16" }))
            .ShouldBeProblem(HttpStatusCode.Conflict, "year-closed").ErrorsFor("target");
    }

    [Fact]
    public async Task a_retry_of_a_write_made_before_closing_still_answers_its_first_result()
    {
        var first = await _api.Admin.PostJsonAsync("/api/branches/b1/meetings", Meeting("2025-11-01"), "before-closing");
        await _api.Admin.PostJsonAsync("/api/years/2025/close", new { occurredOn = "2026-01-15" });

        var retry = await _api.Admin.PostJsonAsync("/api/branches/b1/meetings", Meeting("2025-11-01"), "before-closing");

        retry.ShouldBe(HttpStatusCode.Created);
        Assert.Equal(first["position"], retry["position"]);
    }

    [Fact]
    public async Task closing_it_twice_is_409_and_reopening_lets_facts_in_again()
    {
        await _api.Admin.PostJsonAsync("/api/years/2025/close", new { occurredOn = "2026-01-15" });
        (await _api.Admin.PostJsonAsync("/api/years/2025/close", new { occurredOn = "2026-01-16" })).ShouldBeProblem(HttpStatusCode.Conflict, "year-already-closed");

        (await _api.Admin.PostJsonAsync("/api/years/2025/reopen", new { reason = "补录遗漏的党课", occurredOn = "2026-01-20" })).ShouldBe(HttpStatusCode.Created);

        (await _api.Admin.PostJsonAsync("/api/branches/b1/meetings", Meeting("2025-11-01"))).ShouldBe(HttpStatusCode.Created);
        (await _api.Admin.PostJsonAsync("/api/years/2025/reopen", new { reason = "再次", occurredOn = "2026-01-21" })).ShouldBeProblem(HttpStatusCode.Conflict, "year-not-closed");
    }
}
