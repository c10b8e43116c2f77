using System.Net;
using System.Text;
using PointsEngine.Api.Access;
using PointsEngine.Api.Tests.Support;

namespace PointsEngine.Api.Tests;

/// Requests that must be refused: each answer is a problem document naming the field and the reason in
/// Chinese and English, and nothing reaches the log (issue #5; issue #8 item 3).
public sealed class when_a_request_is_wrong : IAsyncLifetime
{
    private readonly ApiHost _api = ApiHost.OnSqlite(b => b.UseSetting("Api:MaxRequestBytes", "65536"));
    private HttpClient _secretary = null!;

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", "m-01", "m-02");
        await Setup.BranchAsync(_api.Admin, "b2", "n-01");
        _secretary = _api.Client(_api.Token(Role.Secretary, "secretary-b1", ["b1"]));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private const string Meetings = "/api/branches/b1/meetings";

    private async Task<Answer> Refused(Func<Task<Answer>> send, HttpStatusCode status, string? code = null)
    {
        var head = await _api.HeadAsync();
        var answer = (await send()).ShouldBeProblem(status, code);
        Assert.Equal(head, await _api.HeadAsync());
        return answer;
    }

    [Fact]
    public async Task invalid_json_is_400_naming_the_body() =>
        (await Refused(() => _secretary.PostRawAsync(Meetings, "{\"occurredOn\": \"2025-03-01\", ", "k1"), HttpStatusCode.BadRequest, "malformed-json"))
            .ErrorsFor("$");

    [Fact]
    public async Task a_wrong_type_is_400_naming_the_field() =>
        (await Refused(() => _secretary.PostRawAsync(Meetings,
            """{"occurredOn":"2025-03-01","kind":"党课","topic":"t","attendance":[{"member":"m-01","status":7}]}""", "k2"),
            HttpStatusCode.BadRequest, "malformed-json")).ErrorsFor("attendance[0].status");

    [Fact]
    public async Task a_malformed_date_is_400_naming_the_field() =>
        (await Refused(() => _secretary.PostRawAsync("/api/volunteer-service",
            """{"member":"m-01","hours":2,"activity":"a","occurredOn":"2025-13-45"}""", "k3"), HttpStatusCode.BadRequest)).ErrorsFor("occurredOn");

    /// #16 gap 3.3 (found by the header fuzz): a JSON body declared in a charset that is no encoding made the
    /// framework's JSON reader throw, and every write endpoint answered 500.
    [Theory]
    [InlineData("/api/branches/b1/meetings", "application/json; charset=utf-9")]
    [InlineData("/api/volunteer-service", "application/json; charset=\"\"")]
    [InlineData("/api/claims", "application/json; charset=no-such-charset")]
    public async Task a_json_body_in_an_unknown_charset_is_415_naming_the_content_type(string path, string contentType)
    {
        var client = path == "/api/claims" ? _api.Client(_api.Token(Role.Member, "m-01", member: "m-01")) : _secretary;
        (await Refused(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent("{}"u8.ToArray()) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            return await HttpExtensions.SendAsync(client, request);
        }, HttpStatusCode.UnsupportedMediaType, "unknown-charset")).ErrorsFor("Content-Type");
    }

    [Fact]
    public async Task an_unknown_field_is_400() =>
        await Refused(() => _secretary.PostRawAsync(Meetings,
            """{"occurredOn":"2025-03-01","kind":"党课","topic":"t","attendence":[]}""", "k4"), HttpStatusCode.BadRequest, "malformed-json");

    [Fact]
    public async Task unknown_enum_values_and_missing_fields_are_all_reported_at_once()
    {
        var answer = await Refused(() => _secretary.PostJsonAsync(Meetings, new
        {
            kind = "大会",
            attendance = new[] { new { member = "m-01", status = "到了" }, new { member = "m 02", status = "Present" } },
        }), HttpStatusCode.BadRequest, "invalid-request");

        Assert.Contains("GeneralMeeting", (string?)answer.ErrorsFor("kind")[0]["en"]);
        Assert.Contains("党员大会", (string?)answer.ErrorsFor("kind")[0]["zh"]);
        answer.ErrorsFor("attendance[0].status");
        answer.ErrorsFor("attendance[1].member");
        answer.ErrorsFor("occurredOn");
        answer.ErrorsFor("topic");
    }

    [Fact]
    public async Task an_empty_body_is_400() =>
        await Refused(() => _secretary.PostRawAsync(Meetings, "", "k5"), HttpStatusCode.BadRequest);

    [Fact]
    public async Task a_body_that_is_not_json_is_415() =>
        await Refused(() => _secretary.PostRawAsync(Meetings, "occurredOn=2025-03-01", "k6", "application/x-www-form-urlencoded"), HttpStatusCode.UnsupportedMediaType);

    [Fact]
    public async Task a_missing_idempotency_key_is_400() =>
        (await Refused(() => _secretary.PostRawAsync("/api/adjustments",
            """{"member":"m-01","points":1,"reason":"r","approver":"a","occurredOn":"2025-03-01"}""", key: null),
            HttpStatusCode.BadRequest, "missing-idempotency-key")).ErrorsFor("Idempotency-Key");

    [Fact]
    public async Task a_body_over_the_limit_is_413()
    {
        var attendance = string.Join(",", Enumerable.Range(0, 3000).Select(i => $$"""{"member":"m-{{i:0000}}","status":"Present"}"""));
        await Refused(() => _secretary.PostRawAsync(Meetings, $$"""{"occurredOn":"2025-03-01","kind":"党课","topic":"t","attendance":[{{attendance}}]}""", "k7"),
            HttpStatusCode.RequestEntityTooLarge, "too-large");
    }

    [Fact]
    public async Task a_chunked_body_over_the_limit_is_413()
    {
        var big = new string('x', 100_000);
        using var request = new HttpRequestMessage(HttpMethod.Post, Meetings)
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"topic":"{{big}}"}"""))),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add("Idempotency-Key", "k8");
        await Refused(() => HttpExtensions.SendAsync(_secretary, request), HttpStatusCode.RequestEntityTooLarge, "too-large");
    }

    [Fact]
    public async Task an_unknown_member_is_404() =>
        (await Refused(() => _secretary.PostJsonAsync("/api/volunteer-service", new { member = "nobody", hours = 2, activity = "a", occurredOn = "2025-03-01" }),
            HttpStatusCode.NotFound, "unknown-member")).ErrorsFor("member");

    [Fact]
    public async Task an_unknown_branch_is_404_and_the_list_is_checked_against_it_all_the_same()
    {
        var answer = await Refused(() => _api.Admin.PostJsonAsync("/api/branches/nowhere/meetings",
            new { occurredOn = "2025-03-01", kind = "党课", topic = "t", attendance = new[] { new { member = "m-01", status = "出席" } } }),
            HttpStatusCode.NotFound, "invalid-references");

        Assert.Equal("unknown-branch", (string?)answer.ErrorsFor("branch")[0]["code"]);
        Assert.Equal("member-not-in-branch", (string?)answer.ErrorsFor("attendance[0].member")[0]["code"]);
    }

    [Fact]
    public async Task another_branchs_member_on_the_attendance_list_is_400() =>
        (await Refused(() => _secretary.PostJsonAsync(Meetings,
            new { occurredOn = "2025-03-01", kind = "党课", topic = "t", attendance = new[] { new { member = "m-01", status = "出席" }, new { member = "n-01", status = "出席" } } }),
            HttpStatusCode.BadRequest, "member-not-in-branch")).ErrorsFor("attendance[1].member");

    [Fact]
    public async Task a_secretary_recording_for_another_branchs_member_is_403() =>
        await Refused(() => _secretary.PostJsonAsync("/api/adjustments", new { member = "n-01", points = 5, reason = "r", approver = "a", occurredOn = "2025-03-01" }),
            HttpStatusCode.Forbidden, "branch-scope");

    [Fact]
    public async Task a_member_submitting_for_someone_else_is_403()
    {
        var member = _api.Client(_api.Token(Role.Member, "m-01", member: "m-01"));
        await Refused(() => member.PostJsonAsync("/api/suggestions", new { member = "m-02", title = "代提", occurredOn = "2025-03-01" }),
            HttpStatusCode.Forbidden, "member-scope");
        (await member.PostJsonAsync("/api/suggestions", new { member = "m-01", title = "本人建议", occurredOn = "2025-03-01" })).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task domain_pre_checks_are_400_naming_the_field()
    {
        (await Refused(() => _secretary.PostJsonAsync("/api/volunteer-service", new { member = "m-01", hours = 30, activity = "a", occurredOn = "2025-03-01" }),
            HttpStatusCode.BadRequest)).ErrorsFor("hours");
        (await Refused(() => _secretary.PostJsonAsync(Meetings, new
        {
            occurredOn = "2025-03-01", kind = "党课", topic = "t",
            attendance = new[] { new { member = "m-01", status = "出席" }, new { member = "m-01", status = "请假" } },
        }), HttpStatusCode.BadRequest)).ErrorsFor("attendance");
        (await Refused(() => _secretary.PostJsonAsync("/api/adjustments", new { member = "m-01", points = 1.234, reason = "r", approver = "a", occurredOn = "2025-03-01" }),
            HttpStatusCode.BadRequest)).ErrorsFor("points");
    }

    [Fact]
    public async Task a_fact_dated_in_the_future_is_400() =>
        (await Refused(() => _secretary.PostJsonAsync("/api/volunteer-service", new { member = "m-01", hours = 2, activity = "a", occurredOn = "9999-12-31" }),
            HttpStatusCode.BadRequest, "future-date")).ErrorsFor("occurredOn");

    [Fact]
    public async Task text_with_control_characters_is_400() =>
        (await Refused(() => _secretary.PostRawAsync("/api/volunteer-service",
            """{"member":"m-01","hours":2,"activity":"bad\u0000text","occurredOn":"2025-03-01"}""", "k9"), HttpStatusCode.BadRequest)).ErrorsFor("activity");

    [Fact]
    public async Task enrolling_a_member_twice_is_409() =>
        (await Refused(() => _api.Admin.PostJsonAsync("/api/members", new { member = "m-01", name = "重复", branch = "b1", occurredOn = "2025-01-01" }),
            HttpStatusCode.Conflict, "member-exists")).ErrorsFor("member");

    [Fact]
    public async Task an_unknown_route_and_a_wrong_method_are_problem_documents_too()
    {
        (await _api.Admin.GetJsonAsync("/api/nothing-here")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await _api.Admin.GetJsonAsync("/api/adjustments")).ShouldBeProblem(HttpStatusCode.MethodNotAllowed);
    }
}
