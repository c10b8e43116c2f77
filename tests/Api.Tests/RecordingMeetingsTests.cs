using System.Net;
using PointsEngine.Api.Tests.Support;

namespace PointsEngine.Api.Tests;

/// A secretary records a whole meeting with its attendance list in one request (issue #5).
public sealed class when_a_secretary_records_a_meeting_for_40_members : IAsyncLifetime
{
    private readonly ApiHost _api = ApiHost.OnSqlite();
    private readonly string[] _members = Setup.Members("m", 40);
    private HttpClient _secretary = null!;

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", _members);
        _secretary = _api.Client(_api.Token(Api.Access.Role.Secretary, "secretary-b1", ["b1"]));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private object Meeting(params (string Member, string Status)[] overrides) => new
    {
        occurredOn = "2025-03-14",
        kind = "党员大会",
        mode = "现场",
        topic = "学习党的二十届三中全会精神",
        attendance = _members.Select(m => new
        {
            member = m,
            status = overrides.FirstOrDefault(o => o.Member == m).Status ?? "出席",
        }),
    };

    [Fact]
    public async Task every_member_is_scored_from_the_one_request()
    {
        var answer = await _secretary.PostJsonAsync("/api/branches/b1/meetings?wait=true",
            Meeting(("m-02", "请假"), ("m-03", "Absent")), "meeting-2025-03-14");

        answer.ShouldBe(HttpStatusCode.Created);
        Assert.Equal("true", answer["scored"]);
        Assert.Equal("branch-b1", answer["stream"]);
        // Default rules: base 60; general meeting +5 and the quarter's full attendance +2; absent −3.
        Assert.Equal(67m, (await _api.MemberAsync("m-01")).TotalIn(2025).Value);
        Assert.Equal(60m, (await _api.MemberAsync("m-02")).TotalIn(2025).Value);
        Assert.Equal(57m, (await _api.MemberAsync("m-03")).TotalIn(2025).Value);
        foreach (var m in _members.Skip(3)) Assert.Equal(67m, (await _api.MemberAsync(m)).TotalIn(2025).Value);
    }

    [Fact]
    public async Task the_fact_records_the_secretary_from_the_token_as_its_recorder()
    {
        var answer = await _secretary.PostJsonAsync("/api/branches/b1/meetings", Meeting(), "meeting-recorder");

        var lookup = (Api.Writing.IFactLookup)_api.Services.GetService(typeof(Api.Writing.IFactLookup))!;
        var recorded = await lookup.FindAsync(Domain.Values.FactId.Parse(answer["factId"]!));
        Assert.Equal("secretary-b1", recorded!.RecordedBy);
    }

    [Fact]
    public async Task a_retry_with_the_same_key_answers_the_first_result_and_writes_once()
    {
        var first = await _secretary.PostJsonAsync("/api/branches/b1/meetings", Meeting(), "meeting-retried");
        var head = await _api.HeadAsync();

        var retry = await _secretary.PostJsonAsync("/api/branches/b1/meetings?wait=true", Meeting(), "meeting-retried");

        retry.ShouldBe(HttpStatusCode.Created);
        Assert.Equal(first["factId"], retry["factId"]);
        Assert.Equal(first["position"], retry["position"]);
        Assert.Contains("true", retry.Response.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal("true", retry["scored"]);
        var afterRetry = await _api.HeadAsync();
        // Scoring appends awards; the retried meeting itself must not be in the log twice.
        Assert.True(afterRetry >= head);
        Assert.Equal(67m, (await _api.MemberAsync("m-01")).TotalIn(2025).Value);
        Assert.Single((await _api.MemberAsync("m-01")).FactsIn(2025));
    }

    [Fact]
    public async Task the_same_key_with_a_different_body_is_refused_and_nothing_is_written()
    {
        await _secretary.PostJsonAsync("/api/branches/b1/meetings?wait=true", Meeting(), "meeting-key");
        var head = await _api.HeadAsync();

        var other = await _secretary.PostJsonAsync("/api/branches/b1/meetings", Meeting(("m-05", "缺席")), "meeting-key");

        other.ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused").ErrorsFor("Idempotency-Key");
        Assert.Equal(head, await _api.HeadAsync());
    }

    [Fact]
    public async Task the_same_key_from_another_caller_is_another_request()
    {
        var first = await _secretary.PostJsonAsync("/api/branches/b1/meetings", Meeting(), "shared-key");
        // The same meeting again is refused as on record (#19 problem 1) unless marked as another meeting.
        var another = Newtonsoft.Json.Linq.JObject.FromObject(Meeting());
        another["another"] = true;
        var second = await _api.Admin.PostJsonAsync("/api/branches/b1/meetings", another, "shared-key");

        second.ShouldBe(HttpStatusCode.Created);
        Assert.NotEqual(first["factId"], second["factId"]);
    }

    [Fact]
    public async Task one_unknown_member_refuses_the_whole_list()
    {
        var head = await _api.HeadAsync();
        var body = new
        {
            occurredOn = "2025-03-14", kind = "GeneralMeeting", topic = "学习",
            attendance = _members.Select(m => new { member = m, status = "Present" }).Append(new { member = "nobody", status = "Present" }),
        };

        var answer = await _secretary.PostJsonAsync("/api/branches/b1/meetings", body);

        answer.ShouldBeProblem(HttpStatusCode.NotFound, "unknown-member").ErrorsFor("attendance[40].member");
        Assert.Equal(head, await _api.HeadAsync());
    }
}
