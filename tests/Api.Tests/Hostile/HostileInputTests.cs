using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using PointsEngine.Api.Access;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Engine.Rules;
using Xunit.Abstractions;
using static PointsEngine.Api.Tests.Hostile.HostileGen;

namespace PointsEngine.Api.Tests.Hostile;

/// Issue #8 item 3: generated malformed, oversized, wrongly typed, out-of-range and injection-shaped
/// requests against every write endpoint. Every answer is a 4xx problem document in both languages,
/// none is a 5xx, and the log does not move. The write endpoints are read from the server's own routing
/// table, so an endpoint added later without generators here fails the first test, by name.
public sealed class when_hostile_requests_hit_every_write_endpoint(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH", "DELETE"];

    /// HOSTILE_REQUESTS raises the count for a longer run.
    private static int Requests => int.TryParse(Environment.GetEnvironmentVariable("HOSTILE_REQUESTS"), out var n) ? n : 1_200;

    private readonly ApiHost _api = ApiHost.OnSqlite();
    private Setup _setup = null!;

    private sealed record Setup(string Suggestion, string GoldenIdea, string Adjustment, string BranchFact);

    public async Task InitializeAsync()
    {
        await Support.Setup.RulesAsync(_api.Admin);
        await Support.Setup.BranchAsync(_api.Admin, "b1", "m-01", "m-02");
        await Support.Setup.BranchAsync(_api.Admin, "b2", "n-01");
        var admin = _api.Admin;
        _setup = new Setup(
            (await admin.PostJsonAsync("/api/suggestions", new { member = "m-01", title = "建议", occurredOn = On })).ShouldBe(HttpStatusCode.Created)["factId"]!,
            (await admin.PostJsonAsync("/api/golden-ideas", new { member = "m-01", title = "金点子", occurredOn = On })).ShouldBe(HttpStatusCode.Created)["factId"]!,
            (await admin.PostJsonAsync("/api/adjustments", new { member = "m-01", points = 1, reason = "表彰", approver = "支委会", occurredOn = On })).ShouldBe(HttpStatusCode.Created)["factId"]!,
            (await admin.PostJsonAsync("/api/branches", new { branch = "b9", name = "九支部", occurredOn = On })).ShouldBe(HttpStatusCode.Created)["factId"]!);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static Sender[] Recorders => [Sender.Admin, Sender.SecretaryOfB1];

    /// Every write endpoint: a valid request to start from and the poisons that make it certainly invalid.
    private EndpointSpec[] Specs()
    {
        var s = _setup;
        Draft Start(string endpoint, object body, params (string, string)[] route) =>
            new(endpoint, Sender.Admin, route.ToDictionary(r => r.Item1, r => r.Item2), JObject.FromObject(body), null, "application/json", Guid.NewGuid().ToString("N"), []);
        Func<Draft, Draft> As(Sender sender) => d => d with { Sender = sender };
        // Only a secretary of b1 is refused a member of b2; an admin may write for anyone.
        Gen<Func<Draft, Draft>> OtherBranchMember(string field) => Gen.Constant<Func<Draft, Draft>>(d => As(Sender.SecretaryOfB1)(d.SetField(field, "n-01", $"{field} of another branch")));
        Gen<Func<Draft, Draft>> Member(string field) => Gen.OneOf(UnknownRef(field, "ghost-"), OtherBranchMember(field));
        Gen<Func<Draft, Draft>> MemberRoute() => Gen.OneOf(BadRoute("member", "ghost-1", "m-404"),
            Gen.Constant<Func<Draft, Draft>>(d => As(Sender.SecretaryOfB1)(d.SetRoute("member", "n-01", "{member} of another branch"))));
        Gen<Func<Draft, Draft>> BranchRoute() => Gen.OneOf(BadRoute("branch", "b404"),
            Gen.Constant<Func<Draft, Draft>>(d => As(Sender.SecretaryOfB1)(d.SetRoute("branch", "b2", "{branch} another branch"))));

        return
        [
            new("POST /api/access/tokens", [Sender.Admin], () => Start("POST /api/access/tokens", new { role = "member", member = "m-01" }),
            [
                BadEnum("role"), UnknownRef("member", "ghost-"), BadNumber("expiresInDays", false, "0", "-5", "3651", "2147483648", "1.5"),
                OptionalText("subject", 128), OptionalText("name", 100),
                Gen.Constant<Func<Draft, Draft>>(d => d.SetField("role", "secretary", "secretary without branches")),
                Gen.Constant<Func<Draft, Draft>>(d => d.SetField("role", "secretary", "secretary").SetField("branches", new JArray("b404"), "unknown branch")),
                .. Envelope(keyed: false), // issuing a token writes nothing to the log: no Idempotency-Key
            ]),
            new("POST /api/network-zones", [Sender.Admin], () => Start("POST /api/network-zones", new { zone = $"z-{Guid.NewGuid():N}", name = "网络区", occurredOn = On }),
                [BadId("zone"), RequiredText("name", 100), BadDate(), .. Envelope()]),
            new("POST /api/branches", [Sender.Admin], () => Start("POST /api/branches", new { branch = $"b-{Guid.NewGuid():N}", name = "支部", occurredOn = On }),
                [BadId("branch"), Gen.Elements("b1", "b2").Select(b => (Func<Draft, Draft>)(d => d.SetField("branch", b, "existing branch"))),
                 RequiredText("name", 100), BadDate(), Gen.Constant<Func<Draft, Draft>>(d => d.SetField("zone", "has space", "bad zone")), .. Envelope()]),
            new("POST /api/party-groups", Recorders, () => Start("POST /api/party-groups", new { group = $"g-{Guid.NewGuid():N}", branch = "b1", name = "党小组", occurredOn = On }),
                [BadId("group"), UnknownRef("branch", "b-x"), Gen.Constant<Func<Draft, Draft>>(d => As(Sender.SecretaryOfB1)(d.SetField("branch", "b2", "another branch"))),
                 RequiredText("name", 100), BadDate(), .. Envelope()]),
            new("POST /api/members", Recorders, () => Start("POST /api/members", new { member = $"x-{Guid.NewGuid():N}", name = "新党员", branch = "b1", occurredOn = On }),
                [BadId("member"), Gen.Elements("m-01", "n-01").Select(m => (Func<Draft, Draft>)(d => d.SetField("member", m, "already enrolled"))),
                 UnknownRef("branch", "b-x"), Gen.Constant<Func<Draft, Draft>>(d => As(Sender.SecretaryOfB1)(d.SetField("branch", "b2", "another branch"))),
                 BadEnum("status", required: false), BadEnum("category", required: false), RequiredText("name", 100), BadDate(), .. Envelope()]),
            new("POST /api/members/{member}/transfers", Recorders, () => Start("POST /api/members/{member}/transfers", new { toBranch = "b2", occurredOn = On }, ("member", "m-02")),
                [MemberRoute(), UnknownRef("toBranch", "b-x"), BadDate(), .. Envelope()]),
            new("POST /api/members/{member}/departures", Recorders, () => Start("POST /api/members/{member}/departures", new { reason = "去世", occurredOn = On }, ("member", "m-02")),
                [MemberRoute(), RequiredText("reason", 500), BadDate(), .. Envelope()]),
            new("POST /api/members/{member}/category-changes", Recorders, () => Start("POST /api/members/{member}/category-changes", new { category = "流动", reason = "外出务工", occurredOn = On }, ("member", "m-02")),
                [MemberRoute(), BadEnum("category"), RequiredText("reason", 500), BadDate(), .. Envelope()]),
            new("POST /api/members/{member}/status-changes", Recorders, () => Start("POST /api/members/{member}/status-changes", new { status = "预备党员", occurredOn = On }, ("member", "m-02")),
                [MemberRoute(), BadEnum("status"), BadDate(), .. Envelope()]),
            new("POST /api/branches/{branch}/meetings", Recorders, () => Start("POST /api/branches/{branch}/meetings",
                    new { occurredOn = On, kind = "党课", topic = "党课", attendance = new[] { new { member = "m-01", status = "出席" }, new { member = "m-02", status = "请假" } } }, ("branch", "b1")),
                [BranchRoute(), BadEnum("kind"), BadEnum("mode", required: false), RequiredText("topic", 200), BadDate(),
                 Gen.Elements<JToken>(new JArray(), new JArray(JValue.CreateNull()), new JArray(new JObject { ["member"] = "m-01", ["status"] = "出席" }, new JObject { ["member"] = "m-01", ["status"] = "请假" }),
                         new JArray(new JObject { ["member"] = "ghost-7", ["status"] = "出席" }), new JArray(new JObject { ["member"] = "m-01", ["status"] = "在场" }),
                         new JArray(new JObject { ["member"] = "m-01" }), new JArray(new JObject { ["member"] = "has space", ["status"] = "出席" }),
                         new JArray(new JObject { ["member"] = "m-01", ["status"] = "出席", ["extra"] = 1 }), new JValue("m-01"))
                     .Select(a => (Func<Draft, Draft>)(d => d.SetField("attendance", a.DeepClone(), $"attendance {a.ToString(Newtonsoft.Json.Formatting.None)}"))),
                 .. Envelope()]),
            new("POST /api/suggestions", [Sender.Admin, Sender.SecretaryOfB1, Sender.MemberM01], () => Start("POST /api/suggestions", new { member = "m-01", title = "建议", occurredOn = On }),
                [Member("member"), Gen.Constant<Func<Draft, Draft>>(d => As(Sender.MemberM01)(d.SetField("member", "m-02", "another member's name"))),
                 RequiredText("title", 200), BadDate(), .. Envelope()]),
            new("POST /api/suggestions/{suggestion}/assessments", Recorders, () => Start("POST /api/suggestions/{suggestion}/assessments", new { level = "有价值", occurredOn = On }, ("suggestion", s.Suggestion)),
                [BadRoute("suggestion", "f-404", s.GoldenIdea, s.Adjustment), BadEnum("level"), OptionalText("assessor", 100), BadDate(), .. Envelope()]),
            new("POST /api/golden-ideas", [Sender.Admin, Sender.SecretaryOfB1, Sender.MemberM01], () => Start("POST /api/golden-ideas", new { member = "m-01", title = "金点子", occurredOn = On }),
                [Member("member"), Gen.Constant<Func<Draft, Draft>>(d => As(Sender.MemberM01)(d.SetField("member", "m-02", "another member's name"))),
                 RequiredText("title", 200), BadDate(), .. Envelope()]),
            new("POST /api/golden-ideas/{idea}/awards", Recorders, () => Start("POST /api/golden-ideas/{idea}/awards", new { level = "二等奖", occurredOn = On }, ("idea", s.GoldenIdea)),
                [BadRoute("idea", "f-404", s.Suggestion, s.Adjustment), BadEnum("level"), OptionalText("panel", 100), BadDate(), .. Envelope()]),
            new("POST /api/golden-ideas/{idea}/implementations", Recorders, () => Start("POST /api/golden-ideas/{idea}/implementations", new { occurredOn = On }, ("idea", s.GoldenIdea)),
                [BadRoute("idea", "f-404", s.Suggestion), BadDate(), .. Envelope()]),
            new("POST /api/volunteer-service", Recorders, () => Start("POST /api/volunteer-service", new { member = "m-01", hours = 2.5, activity = "社区服务", occurredOn = On }),
                [Member("member"), BadNumber("hours", "0", "-1", "-0.5", "24.5", "25", "1000", "2.345"), RequiredText("activity", 200), OptionalText("verifier", 100), BadDate(), .. Envelope()]),
            new("POST /api/adjustments", Recorders, () => Start("POST /api/adjustments", new { member = "m-01", points = 2, reason = "表彰", approver = "支委会", occurredOn = On }),
                [Member("member"), BadNumber("points", "0", "-0", "1000001", "-1000001", "0.001", "1.234"), RequiredText("reason", 500), RequiredText("approver", 100), BadDate(), .. Envelope()]),
            new("POST /api/revocations", Recorders, () => Start("POST /api/revocations", new { target = s.Adjustment, reason = "登记错误", occurredOn = On }),
                [UnknownRef("target", "f-"), Gen.Constant<Func<Draft, Draft>>(d => d.SetField("target", s.BranchFact, "an organisation fact")),
                 RequiredText("reason", 500), BadDate(), .. Envelope()]),
            new("POST /api/years/{year}/close", [Sender.Admin], () => Start("POST /api/years/{year}/close", new { occurredOn = On }, ("year", "2031")),
                [BadRoute("year", "abc", "1899", "10000", "-2025", "2147483648", "2025.5", "0x7E9"), BadDate(), .. Envelope()]),
            new("POST /api/years/{year}/reopen", [Sender.Admin], () => Start("POST /api/years/{year}/reopen", new { reason = "补录", occurredOn = On }, ("year", "2032")),
                [BadRoute("year", "abc", "1899", "10000", "2147483648"), RequiredText("reason", 500), BadDate(), .. Envelope()]),
            new("POST /api/rules/validate", [Sender.Admin], () => Start("POST /api/rules/validate", new { }) with { RawBody = RuleSetDocument.DefaultDocument() },
                [BadRuleSet(), .. Envelope(strictFields: false, keyed: false)], ReportsValidity: true),
            new("POST /api/rules", [Sender.Admin], () => Start("POST /api/rules", new { }) with { RawBody = RuleSetDocument.DefaultDocument() },
                [BadRuleSet(), .. Envelope(strictFields: false)]),
        ];
    }

    private static Dictionary<string, (string Method, string Pattern)> WriteEndpoints(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Where(WriteMethods.Contains)
                .Select(m => (Method: m, Pattern: e.RoutePattern.RawText!.TrimEnd('/'))))
            .ToDictionary(e => $"{e.Method} {e.Pattern}", e => e);

    [Fact]
    public void every_write_endpoint_the_server_maps_has_hostile_generators()
    {
        var mapped = WriteEndpoints(_api.Services).Keys.Order().ToList();
        var covered = Specs().Select(s => s.Endpoint).ToHashSet();
        var missing = mapped.Where(e => !covered.Contains(e)).ToList();
        Assert.True(missing.Count == 0,
            $"Write endpoints without hostile-input generators (add an EndpointSpec in {nameof(when_hostile_requests_hit_every_write_endpoint)}.Specs): {string.Join(", ", missing)}");
        var stale = covered.Where(e => !mapped.Contains(e)).ToList();
        Assert.True(stale.Count == 0, $"Generators for endpoints the server no longer maps: {string.Join(", ", stale)}");
    }

    [Fact]
    public async Task every_answer_is_a_4xx_problem_document_and_nothing_is_written()
    {
        var specs = Specs();
        var endpoints = WriteEndpoints(_api.Services);
        var clients = new Dictionary<Sender, HttpClient>
        {
            [Sender.Admin] = _api.Admin,
            [Sender.SecretaryOfB1] = _api.Client(_api.Token(Role.Secretary, "secretary-b1", ["b1"])),
            [Sender.MemberM01] = _api.Client(_api.Token(Role.Member, "m-01", member: "m-01")),
        };
        var head = await _api.HeadAsync();
        var statuses = new Dictionary<int, int>();
        var perEndpoint = new Dictionary<string, int>();

        var requests =
            from spec in Gen.Elements(specs)
            from sender in Gen.Elements(spec.Senders)
            from noise in Gen.Frequency((2, Gen.Constant<Func<Draft, Draft>>(d => d)), (3, Noise(TextFields(spec))))
            from poison in Gen.OneOf(spec.Poisons)
            select poison(noise(spec.Valid() with { Sender = sender }));

        var property = Prop.ForAll(requests.ToArbitrary(), draft =>
        {
            var (method, pattern) = endpoints.GetValueOrDefault(draft.Endpoint);
            Assert.False(method is null, $"{draft.Endpoint} is not mapped");
            var answer = SendAsync(clients[draft.Sender], method!, draft.Path(pattern), draft).GetAwaiter().GetResult();
            lock (statuses)
            {
                statuses[(int)answer.Status] = statuses.GetValueOrDefault((int)answer.Status) + 1;
                perEndpoint[draft.Endpoint] = perEndpoint.GetValueOrDefault(draft.Endpoint) + 1;
            }
            var spec = specs.Single(s => s.Endpoint == draft.Endpoint);
            if (spec.ReportsValidity && answer.Status == HttpStatusCode.OK)
                return answer["valid"] == "false" ? true : throw new Xunit.Sdk.XunitException($"{draft}: a broken rule set was reported valid: {answer.Body}");
            var status = (int)answer.Status;
            if (status is < 400 or >= 500)
                throw new Xunit.Sdk.XunitException($"{draft}: answered {status} {answer.Body}");
            if (answer.Response.Content.Headers.ContentType?.MediaType != "application/problem+json" || (int?)answer.Body["status"] != status
                || string.IsNullOrWhiteSpace(answer["zh"]) || string.IsNullOrWhiteSpace(answer["en"]))
                throw new Xunit.Sdk.XunitException($"{draft}: {status} is not a bilingual problem document: {answer.Body}");
            return true;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Requests).WithQuietOnSuccess(true), property);

        Assert.Equal(head, await _api.HeadAsync());
        var tried = statuses.Values.Sum();
        Assert.True(tried >= Requests, $"only {tried} requests were tried");
        Assert.True(perEndpoint.Count == specs.Length, $"endpoints never tried: {string.Join(", ", specs.Select(s => s.Endpoint).Except(perEndpoint.Keys))}");
        output.WriteLine($"{tried} hostile requests over {perEndpoint.Count} write endpoints, log head unchanged at {head.Value}; answers: " +
                         string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
    }

    /// Free-text fields of the endpoint's valid body (noise goes there).
    private static string[] TextFields(EndpointSpec spec) =>
        spec.Valid().Body.Properties().Where(p => p.Value.Type == JTokenType.String && p.Name is "name" or "topic" or "title" or "reason" or "activity" or "approver")
            .Select(p => p.Name).ToArray();

    private static async Task<Answer> SendAsync(HttpClient client, string method, string path, Draft draft)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(draft.Json)),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", draft.ContentType);
        if (draft.Key is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", draft.Key);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JObject body;
        try { body = text.TrimStart().StartsWith('{') ? JObject.Parse(text) : new JObject { ["text"] = text }; }
        catch (Newtonsoft.Json.JsonException) { body = new JObject { ["text"] = text }; }
        return new Answer(response.StatusCode, body, response);
    }
}
