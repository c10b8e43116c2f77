using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Tests;

/// One server for the check-in tests: b1 with a1, a2 (party group g1) and a3 (no group); b2 with c1.
public sealed class CheckInHost : IAsyncLifetime
{
    public ShiftedClock Clock { get; } = new();
    public ApiHost Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Api = ApiHost.OnSqlite(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock)));
        await Setup.RulesAsync(Api.Admin);
        await Setup.BranchAsync(Api.Admin, "b1");
        await Setup.BranchAsync(Api.Admin, "b2", "c1");
        (await Api.Admin.PostJsonAsync("/api/party-groups", new { group = "g1", branch = "b1", name = "第一党小组", occurredOn = "2025-01-01" })).ShouldBe(HttpStatusCode.Created);
        foreach (var (member, group) in new[] { ("a1", "g1"), ("a2", "g1"), ("a3", (string?)null) })
            (await Api.Admin.PostJsonAsync("/api/members?wait=true", new { member, name = $"党员{member}", branch = "b1", group, occurredOn = "2025-01-01" }))
                .ShouldBe(HttpStatusCode.Created);
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();
}

/// #20 签到 through the API: a session opened, members checking in for themselves, leave, hand marks, the
/// close, and the list recorded as one meeting once; each refusal named, in both languages, writing nothing.
public sealed class when_members_check_in_through_the_api(CheckInHost host) : IClassFixture<CheckInHost>
{
    private ApiHost Api => host.Api;
    private HttpClient Secretary(string branch = "b1") => Api.Client(Api.Token(Role.Secretary, $"sec-{branch}", [branch]));
    private HttpClient Member(string id) => Api.Client(Api.Token(Role.Member, id, member: id));
    private string At(int minutes) => host.Clock.GetLocalNow().AddMinutes(minutes).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);

    /// Opens a session starting <paramref name="startsIn"/> minutes from now; answers its path.
    private async Task<string> OpenAsync(int startsIn = -5, int endsIn = 60, string? group = null, int grace = 10)
    {
        var answer = (await Secretary().PostJsonAsync("/api/branches/b1/checkins",
            new { kind = "党员大会", topic = "学习党章", mode = "线上", group, starts = At(startsIn), ends = At(endsIn), graceMinutes = grace }))
            .ShouldBe(HttpStatusCode.Created);
        var location = answer.Response.Headers.Location!.ToString();
        Assert.StartsWith("/api/checkins/", location, StringComparison.Ordinal);
        return location;
    }

    [Fact]
    public async Task the_closed_list_is_recorded_as_one_meeting_and_a_second_confirmation_records_nothing_new()
    {
        var session = await OpenAsync();
        var first = (await Member("a1").PostJsonAsync($"{session}/checkins", new { via = "qr" })).ShouldBe(HttpStatusCode.Created);
        // Twice: the same answer, nothing new.
        var again = (await Member("a1").PostJsonAsync($"{session}/checkins", new { via = "link" })).ShouldBe(HttpStatusCode.Created);
        Assert.Equal((first["factId"], first["position"]), (again["factId"], again["position"]));
        Assert.Contains("true", again.Response.Headers.GetValues("Idempotent-Replayed"));
        (await Secretary().PostJsonAsync($"{session}/marks", new { member = "a3", status = "迟到" })).ShouldBe(HttpStatusCode.Created);

        // A member reads their own line only; the secretary the whole list.
        var own = (await Member("a1").GetJsonAsync(session)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal((1, "a1", "Present", "qr"), (own.Body["lines"]!.Count(), own["lines[0].member"], own["lines[0].status"], own["lines[0].via"]));
        (await Secretary().PostJsonAsync($"{session}/meeting", new { })).ShouldBeProblem(HttpStatusCode.Conflict, "checkin-open");

        (await Secretary().PostJsonAsync($"{session}/close", new { })).ShouldBe(HttpStatusCode.Created);
        var closed = (await Secretary().GetJsonAsync(session)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("closed", closed["stage"]);
        Assert.Equal(["a1:Present", "a2:Absent", "a3:Late"], closed.Body["lines"]!.Select(l => $"{l["member"]}:{l["status"]}").Order(StringComparer.Ordinal));

        var meeting = (await Secretary().PostJsonAsync($"{session}/meeting?wait=true", new { })).ShouldBe(HttpStatusCode.Created);
        Assert.Equal(closed["meeting"], meeting["factId"]);
        Assert.Equal("branch-b1", meeting["stream"]);
        var second = (await Secretary().PostJsonAsync($"{session}/meeting", new { })).ShouldBe(HttpStatusCode.Created);
        Assert.Equal(meeting["position"], second["position"]);
        Assert.Contains("true", second.Response.Headers.GetValues("Idempotent-Replayed"));

        var recorded = await Api.Services.GetRequiredService<IFactLookup>().FindAsync(FactId.Parse(meeting["factId"]!));
        var held = Assert.IsType<MeetingHeld>(recorded!.Fact);
        Assert.Equal((MeetingKind.GeneralMeeting, MeetingMode.Online, "学习党章", "sec-b1"), (held.Kind, held.Mode, held.Topic, recorded.RecordedBy));
        Assert.Equal(["a1:Present", "a2:Absent", "a3:Late"], held.Attendance.Select(a => $"{a.Member}:{a.Status}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task a_check_in_before_the_start_or_after_the_window_is_refused_and_writes_nothing()
    {
        var early = await OpenAsync(startsIn: 30, endsIn: 90);
        (await Member("a1").PostJsonAsync($"{early}/checkins", new { })).ShouldBeProblem(HttpStatusCode.Conflict, "checkin-not-open");
        var late = await OpenAsync(startsIn: -30, endsIn: 1);
        host.Clock.Advance(TimeSpan.FromMinutes(2));
        (await Member("a2").PostJsonAsync($"{late}/checkins", new { })).ShouldBeProblem(HttpStatusCode.Conflict, "checkin-window-ended");
        var lines = (await Secretary().GetJsonAsync(late)).ShouldBe(HttpStatusCode.OK).Body["lines"]!;
        Assert.All(lines, l => Assert.Null((string?)l["checkedInAt"]));
    }

    [Fact]
    public async Task a_member_outside_the_meeting_s_scope_is_refused()
    {
        var groupMeeting = await OpenAsync(group: "g1");
        (await Member("a3").PostJsonAsync($"{groupMeeting}/checkins", new { })).ShouldBeProblem(HttpStatusCode.Forbidden, "checkin-scope");
        (await Member("c1").PostJsonAsync($"{groupMeeting}/checkins", new { })).ShouldBeProblem(HttpStatusCode.Forbidden, "checkin-scope");
        (await Member("c1").GetJsonAsync(groupMeeting)).ShouldBeProblem(HttpStatusCode.Forbidden, "checkin-scope");
        (await Secretary().PostJsonAsync($"{groupMeeting}/marks", new { member = "a3", status = "出席" })).ShouldBeProblem(HttpStatusCode.Forbidden, "checkin-scope");
        var expected = (await Secretary().GetJsonAsync(groupMeeting)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(["a1", "a2"], expected.Body["lines"]!.Select(l => (string)l["member"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task nobody_checks_in_for_someone_else()
    {
        var session = await OpenAsync();
        (await Member("a1").PostJsonAsync($"{session}/checkins", new { member = "a2" })).ShouldBeProblem(HttpStatusCode.Forbidden, "not-yourself");
        (await Secretary().PostJsonAsync($"{session}/checkins", new { member = "a2" })).ShouldBeProblem(HttpStatusCode.Forbidden);
        var line = (await Secretary().GetJsonAsync(session)).Body["lines"]!.Single(l => (string?)l["member"] == "a2");
        Assert.Equal("Absent", (string?)line["status"]);
    }

    [Fact]
    public async Task after_closing_check_ins_and_marks_are_refused()
    {
        var session = await OpenAsync();
        (await Secretary().PostJsonAsync($"{session}/close", new { })).ShouldBe(HttpStatusCode.Created);
        (await Member("a2").PostJsonAsync($"{session}/checkins", new { })).ShouldBeProblem(HttpStatusCode.Conflict, "checkin-closed");
        (await Secretary().PostJsonAsync($"{session}/marks", new { member = "a2", status = "出席" })).ShouldBeProblem(HttpStatusCode.Conflict, "checkin-closed");
    }

    [Fact]
    public async Task leave_is_asked_before_the_start_with_a_reason_and_once_approved_is_recorded_as_excused()
    {
        var session = await OpenAsync(startsIn: 20, endsIn: 80);
        (await Member("a2").PostJsonAsync($"{session}/leave", new { reason = " " })).ShouldBeProblem(HttpStatusCode.BadRequest).ErrorsFor("reason");
        (await Member("a2").PostJsonAsync($"{session}/leave", new { reason = "出差" })).ShouldBe(HttpStatusCode.Created);
        (await Member("a1").PostJsonAsync($"{session}/leave/a2/approval", new { })).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Secretary("b2").PostJsonAsync($"{session}/leave/a2/approval", new { })).ShouldBeProblem(HttpStatusCode.Forbidden, "branch-scope");
        (await Secretary().PostJsonAsync($"{session}/leave/a2/approval", new { })).ShouldBe(HttpStatusCode.Created);
        var started = await OpenAsync(startsIn: -1);
        (await Member("a2").PostJsonAsync($"{started}/leave", new { reason = "堵车" })).ShouldBeProblem(HttpStatusCode.Conflict, "leave-too-late");
        (await Secretary().PostJsonAsync($"{session}/close", new { })).ShouldBe(HttpStatusCode.Created);
        var line = (await Secretary().GetJsonAsync(session)).Body["lines"]!.Single(l => (string?)l["member"] == "a2");
        Assert.Equal(("Excused", "请假", "出差"), ((string?)line["status"], (string?)line["statusName"], (string?)line["leaveReason"]));
    }

    [Fact]
    public async Task a_bad_window_and_an_unknown_session_are_named()
    {
        var bad = await Secretary().PostJsonAsync("/api/branches/b1/checkins", new { kind = "党课", topic = "t", starts = At(10), ends = At(5) });
        bad.ShouldBeProblem(HttpStatusCode.BadRequest, "window-empty").ErrorsFor("ends");
        (await Secretary("b2").PostJsonAsync("/api/branches/b1/checkins", new { kind = "党课", topic = "t", starts = At(0), ends = At(60) }))
            .ShouldBeProblem(HttpStatusCode.Forbidden, "branch-scope");
        (await Member("a1").GetJsonAsync("/api/checkins/zzzzzzzz")).ShouldBeProblem(HttpStatusCode.NotFound, "unknown-checkin");
    }
}
