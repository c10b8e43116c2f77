using System.Net;
using PointsEngine.Api.Tests.Support;

namespace PointsEngine.Api.Tests;

/// #19: a secretary corrects a recorded meeting as one act, and entering it again never counts it twice.
public sealed class when_a_secretary_corrects_a_recorded_meeting : IAsyncLifetime
{
    private readonly ApiHost _api = ApiHost.OnSqlite();
    private readonly string[] _members = Setup.Members("d", 6);
    private HttpClient _secretary = null!;

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", _members);
        _secretary = _api.Client(_api.Token(Api.Access.Role.Secretary, "secretary-b1", ["b1"]));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private object Meeting(bool? another = null, params (string Member, string Status)[] overrides)
    {
        var attendance = _members.Select(m => new { member = m, status = overrides.FirstOrDefault(o => o.Member == m).Status ?? "出席" });
        const string on = "2026-03-14", kind = "党员大会", topic = "一季度党员大会";
        return another is null
            ? new { occurredOn = on, kind, topic, attendance }
            : new { occurredOn = on, kind, topic, attendance, another };
    }

    private async Task<decimal> PointsAsync(string member) => (await _api.MemberAsync(member)).TotalIn(2026).Value;

    [Fact]
    public async Task problem_1_the_same_meeting_entered_again_is_refused_naming_the_one_on_record()
    {
        // #19 problem 1: re-entering a meeting with one status corrected recorded it a second time (two +5 lines).
        var first = await _secretary.PostJsonAsync("/api/branches/b1/meetings?wait=true", Meeting(), "m-1");
        first.ShouldBe(HttpStatusCode.Created);
        var before = await PointsAsync("d-01");
        var head = await _api.HeadAsync();

        var again = await _secretary.PostJsonAsync("/api/branches/b1/meetings?wait=true", Meeting(null, ("d-05", "缺席")), "m-2");

        again.ShouldBeProblem(HttpStatusCode.Conflict, "meeting-exists");
        Assert.Contains(first["factId"]!, again["zh"]);
        Assert.Equal(head, await _api.HeadAsync());
        Assert.Equal(before, await PointsAsync("d-01"));
        Assert.Single((await _api.MemberAsync("d-01")).FactsIn(2026));
    }

    [Fact]
    public async Task a_genuinely_second_meeting_is_recorded_when_the_request_says_so()
    {
        (await _secretary.PostJsonAsync("/api/branches/b1/meetings?wait=true", Meeting(), "m-1")).ShouldBe(HttpStatusCode.Created);
        var before = await PointsAsync("d-01");

        var second = await _secretary.PostJsonAsync("/api/branches/b1/meetings?wait=true", Meeting(another: true), "m-2");

        second.ShouldBe(HttpStatusCode.Created);
        Assert.Equal(2, (await _api.MemberAsync("d-01")).FactsIn(2026).Count());
        Assert.True(await PointsAsync("d-01") > before);
    }

    [Fact]
    public async Task problem_2_an_amendment_moves_each_members_points_by_the_difference_once()
    {
        // #19 problem 2: there was no way to correct a recorded fact.
        var first = await _secretary.PostJsonAsync("/api/branches/b1/meetings?wait=true", Meeting(), "m-1");
        var target = first["factId"]!;
        var d1 = await PointsAsync("d-01");
        var d5 = await PointsAsync("d-05");
        var body = new
        {
            reason = "d-05 实际缺席，签到表录错",
            changes = new { Attendance = _members.Select(m => new { Member = m, Status = m == "d-05" ? "Absent" : "Present" }) },
        };

        var amended = await _secretary.PostJsonAsync($"/api/facts/{target}/amendments?wait=true", body, "fix-1");
        var retried = await _secretary.PostJsonAsync($"/api/facts/{target}/amendments?wait=true", body, "fix-1");

        amended.ShouldBe(HttpStatusCode.Created);
        Assert.Equal(target + "~2", amended["factId"]);
        Assert.Equal(amended["position"], retried.ShouldBe(HttpStatusCode.Created)["position"]);
        Assert.Equal(d1, await PointsAsync("d-01"));
        // Default rules: present +5 and the quarter's full attendance +2 become absent −3.
        Assert.Equal(d5 - 10m, await PointsAsync("d-05"));
        // Another correction of the replaced version is refused: it goes to the current one.
        var other = new { reason = "又错了", changes = new { Topic = "另一主题" } };
        var stale = await _secretary.PostJsonAsync($"/api/facts/{target}/amendments", other, "fix-2");
        stale.ShouldBeProblem(HttpStatusCode.Conflict, "already-revoked");
    }

    [Fact]
    public async Task an_amendment_without_a_reason_or_naming_no_field_changes_nothing()
    {
        var first = await _secretary.PostJsonAsync("/api/branches/b1/meetings?wait=true", Meeting(), "m-1");
        var head = await _api.HeadAsync();

        var noReason = await _secretary.PostJsonAsync($"/api/facts/{first["factId"]}/amendments", new { changes = new { Topic = "x" } });
        var noField = await _secretary.PostJsonAsync($"/api/facts/{first["factId"]}/amendments", new { reason = "r", changes = new { Colour = "red" } });

        noReason.ShouldBeProblem(HttpStatusCode.BadRequest);
        noReason.ErrorsFor("reason");
        noField.ShouldBeProblem(HttpStatusCode.BadRequest);
        noField.ErrorsFor("changes.Colour");
        Assert.Equal(head, await _api.HeadAsync());
    }

    [Fact]
    public async Task the_record_lists_member_filter_finds_the_meetings_that_listed_the_member()
    {
        // #19 (record list): filtering by member showed only the member's own facts, never the meetings they attended.
        (await _secretary.PostJsonAsync("/api/branches/b1/meetings?wait=true", Meeting(), "m-1")).ShouldBe(HttpStatusCode.Created);
        (await _secretary.PostJsonAsync("/api/adjustments?wait=true",
            new { member = "d-02", occurredOn = "2026-03-20", points = 2, reason = "表彰", approver = "支委会" }, "a-1")).ShouldBe(HttpStatusCode.Created);
        var page = _api.PageClient();
        var token = _api.Token(Api.Access.Role.Secretary, "secretary-b1", ["b1"]);

        async Task<string> ListAsync(string member)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/branches/b1/facts?From=2026-01-01&To=2026-12-31&Member={Uri.EscapeDataString(member)}");
            request.Headers.Add("Cookie", $"pe_token={token}");
            var response = await page.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }

        var byId = await ListAsync("d-05");
        var byOther = await ListAsync("d-02");
        var nobody = await ListAsync("no-such-member");

        Assert.Contains("一季度党员大会", byId);
        Assert.Contains("1 条", byId);
        Assert.Contains("一季度党员大会", byOther);
        Assert.Contains("表彰", byOther);
        Assert.Contains("2 条", byOther);
        Assert.Contains("0 条", nobody);
    }
}
