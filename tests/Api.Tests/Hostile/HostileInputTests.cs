using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Linq;
using PointsEngine.Api.Access;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Api.Workflows;
using PointsEngine.Engine.Rules;
using Xunit.Abstractions;
using PointsEngine.TestSupport;
using static PointsEngine.Api.Tests.Hostile.HostileGen;

namespace PointsEngine.Api.Tests.Hostile;

/// Issue #8 item 3: generated malformed, oversized, wrongly typed, out-of-range and injection-shaped
/// requests against every write endpoint. Every answer is a 4xx problem document in both languages,
/// none is a 5xx, and the log does not move. The write endpoints are read from the server's own routing
/// table, so an endpoint added later without generators here fails the first test, by name.
public sealed partial class when_hostile_requests_hit_every_write_endpoint : IAsyncLifetime
{
    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH", "DELETE"];

    /// HOSTILE_REQUESTS raises the count for a longer run.
    private static int Requests => int.TryParse(Environment.GetEnvironmentVariable("HOSTILE_REQUESTS"), out var n) ? n : 1_200;

    // Finalising needs a notice whose objection window has closed: the clock moves on two days after one is published.
    private readonly ShiftedClock _clock = new();
    private readonly ApiHost _api;
    private readonly ITestOutputHelper _output;
    private Setup _setup = null!;
    private CheckInSessions _checkIns = null!;

    public when_hostile_requests_hit_every_write_endpoint(ITestOutputHelper output)
    {
        _output = output;
        // Small attachment limits, so the generators can go over them without moving megabytes.
        _api = ApiHost.OnSqlite(b => b
            .UseSetting("Claims:MaxAttachmentBytes", "65536").UseSetting("Claims:MaxClaimBytes", "163840")
            .ConfigureServices(services => services.AddSingleton<TimeProvider>(_clock)));
    }

    /// What the valid starting requests name: facts to assess, award, revoke; a pending claim of m-01 (and
    /// one of n-01 in b2, and a decided one); b1's notices: WindowOpen with Objection raised by m-01 and
    /// unanswered, WindowClosed with no objection (ready to be made final).
    private sealed record Setup(string Suggestion, string GoldenIdea, string Adjustment, string BranchFact,
        string Claim, string OtherBranchClaim, string DecidedClaim, string WindowOpen, string WindowClosed, string Objection);

    /// #20 check-in sessions (their codes): Open in b1 (started, window open), Upcoming in b1 (not started; m-01 has
    /// asked leave, not approved), Closed in b1 (closed, its meeting not recorded), OtherBranch in b2 (open).
    private sealed record CheckInSessions(string Open, string Upcoming, string Closed, string OtherBranch);

    private const string OpenPeriod = "2025-06";
    private const string ClosedPeriod = "2025-05";

    // Tokens are judged by the shifted clock: clients are minted after it moved.
    private HttpClient Admin() => _api.Client(_api.Token(Role.Admin, "admin-1"));
    private HttpClient Secretary() => _api.Client(_api.Token(Role.Secretary, "secretary-b1", ["b1"]));
    private HttpClient Member(string member) => _api.Client(_api.Token(Role.Member, member, member: member));

    public async Task InitializeAsync()
    {
        await Support.Setup.RulesAsync(_api.Admin);
        await Support.Setup.BranchAsync(_api.Admin, "b1", "m-01", "m-02");
        await Support.Setup.BranchAsync(_api.Admin, "b2", "n-01");
        await Support.Setup.AccountAsync(_api, "m-01");
        (await _api.Admin.PostJsonAsync("/api/branches/b1/notices?wait=true", new { period = ClosedPeriod, objectionsCloseOn = _clock.Today.ToString("yyyy-MM-dd") }))
            .ShouldBe(HttpStatusCode.Created);
        _clock.Advance(TimeSpan.FromDays(2));

        var admin = Admin();
        var claim = new
        {
            kind = "志愿服务", title = "社区义诊", description = "协助量血压", hours = 2, occurredOn = On,
            attachments = new[] { new { name = "photo.jpg", content = Convert.ToBase64String(Uploads.Jpeg()) } },
        };
        var decided = (await Member("m-01").PostJsonAsync("/api/claims?wait=true", claim)).ShouldBe(HttpStatusCode.Created)["factId"]!;
        (await admin.PostJsonAsync($"/api/claims/{decided}/rejection?wait=true", new { reason = "当天未安排活动" })).ShouldBe(HttpStatusCode.Created);
        (await admin.PostJsonAsync($"/api/branches/b1/notices?wait=true", new { period = OpenPeriod })).ShouldBe(HttpStatusCode.Created);
        _setup = new Setup(
            (await admin.PostJsonAsync("/api/suggestions", new { member = "m-01", title = "建议", occurredOn = On })).ShouldBe(HttpStatusCode.Created)["factId"]!,
            (await admin.PostJsonAsync("/api/golden-ideas", new { member = "m-01", title = "金点子", occurredOn = On })).ShouldBe(HttpStatusCode.Created)["factId"]!,
            (await admin.PostJsonAsync("/api/adjustments", new { member = "m-01", points = 1, reason = "表彰", approver = "支委会", occurredOn = On })).ShouldBe(HttpStatusCode.Created)["factId"]!,
            (await admin.PostJsonAsync("/api/branches", new { branch = "b9", name = "九支部", occurredOn = On })).ShouldBe(HttpStatusCode.Created)["factId"]!,
            (await Member("m-01").PostJsonAsync("/api/claims?wait=true", claim)).ShouldBe(HttpStatusCode.Created)["factId"]!,
            (await Member("n-01").PostJsonAsync("/api/claims?wait=true", claim)).ShouldBe(HttpStatusCode.Created)["factId"]!,
            decided, OpenPeriod, ClosedPeriod,
            (await Member("m-01").PostJsonAsync($"/api/branches/b1/notices/{OpenPeriod}/objections?wait=true", new { reason = "6月的志愿服务未记分" }))
                .ShouldBe(HttpStatusCode.Created)["factId"]!);

        async Task<string> OpenCheckIn(string branch, int startsIn, int endsIn)
        {
            var opened = (await admin.PostJsonAsync($"/api/branches/{branch}/checkins?wait=true",
                new { kind = "党课", topic = "党课", starts = At(startsIn), ends = At(endsIn), graceMinutes = 10 })).ShouldBe(HttpStatusCode.Created);
            return opened.Response.Headers.Location!.ToString().Split('/')[^1];
        }
        var upcoming = await OpenCheckIn("b1", 60 * 24, 60 * 25);
        (await Member("m-01").PostJsonAsync($"/api/checkins/{upcoming}/leave?wait=true", new { reason = "出差" })).ShouldBe(HttpStatusCode.Created);
        var closed = await OpenCheckIn("b1", -30, 60);
        (await admin.PostJsonAsync($"/api/checkins/{closed}/close?wait=true", new { })).ShouldBe(HttpStatusCode.Created);
        _checkIns = new CheckInSessions(await OpenCheckIn("b1", -5, 60 * 24 * 30), upcoming, closed, await OpenCheckIn("b2", -5, 60 * 24 * 30));
    }

    /// A time <paramref name="minutes"/> from now by the shifted clock, with its offset.
    private string At(int minutes) => _clock.GetLocalNow().AddMinutes(minutes).ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static Sender[] Recorders => [Sender.Admin, Sender.SecretaryOfB1];

    /// Every write endpoint: a valid request to start from and the poisons that make it certainly invalid.
    private EndpointSpec[] Specs()
    {
        var s = _setup;
        var c = _checkIns;
        Draft Start(string endpoint, object body, params (string, string)[] route) =>
            new(endpoint, Sender.Admin, route.ToDictionary(r => r.Item1, r => r.Item2), JObject.FromObject(body), null, "application/json", Guid.NewGuid().ToString("N"), []);
        Func<Draft, Draft> As(Sender sender) => d => d with { Sender = sender };
        // Only a secretary of b1 is refused a member of b2; an admin may write for anyone.
        Gen<Func<Draft, Draft>> OtherBranchMember(string field) => Gen.Constant<Func<Draft, Draft>>(d => As(Sender.SecretaryOfB1)(d.SetField(field, "n-01", $"{field} of another branch")));
        Gen<Func<Draft, Draft>> Member(string field) => Gen.OneOf(UnknownRef(field, "ghost-"), OtherBranchMember(field));
        Gen<Func<Draft, Draft>> MemberRoute() => Gen.OneOf(BadRoute("member", "ghost-1", "m-404"),
            Gen.Constant<Func<Draft, Draft>>(d => As(Sender.SecretaryOfB1)(d.SetRoute("member", "n-01", "{member} of another branch"))));
        Gen<Func<Draft, Draft>> Poison(Func<Draft, Draft> f) => Gen.Constant(f);
        Gen<Func<Draft, Draft>> Period(params string[] refused) => Gen.Elements([.. BadPeriods, .. refused])
            .Select(p => (Func<Draft, Draft>)(d => d.SetField("period", p, $"period = {p}")));
        // A claim that is no claim, decided already, or (for a secretary of b1) one of b2's.
        Gen<Func<Draft, Draft>> DecidedOrUnknownClaim() => BadRoute("claim", "f-404", s.DecidedClaim, s.Suggestion, s.Adjustment, s.Objection, $"{s.Claim}-scored");
        Gen<Func<Draft, Draft>> OtherBranchClaim() => Gen.Constant<Func<Draft, Draft>>(d => As(Sender.SecretaryOfB1)(d.SetRoute("claim", s.OtherBranchClaim, "a claim of another branch")));
        // Check-in (#20): a member checks in or asks leave for themselves only; via is qr or link; a secretary of b1 reaches no b2 session.
        Gen<Func<Draft, Draft>> SomeoneElse() => Gen.OneOf(
            Gen.Elements("m-02", "n-01", "ghost-1", "has space", "tab\there", new string('m', 129)).Select(m => (Func<Draft, Draft>)(d => d.SetField("member", m, $"member = {m}"))),
            WrongType("member"));
        Gen<Func<Draft, Draft>> BadVia() => Gen.OneOf(
            Gen.Elements("QR", "sms", "", " ", "qr ", "二维码").Select(v => (Func<Draft, Draft>)(d => d.SetField("via", v, $"via = {v}"))), WrongType("via"));
        Gen<Func<Draft, Draft>> OtherBranchSession() =>
            Gen.Constant<Func<Draft, Draft>>(d => As(Sender.SecretaryOfB1)(d.SetRoute("session", _checkIns.OtherBranch, "a session of another branch")));
        // A time that is no time with an offset, missing, or of the wrong type.
        Gen<Func<Draft, Draft>> Instant(string field) => Gen.OneOf(
            Gen.Elements("", "today", "now", "19:30", "2025-02-30T19:30:00+08:00", "2025-06-01T25:00:00+08:00", "2025-06-01T19:30:00+25:00", "1e9")
                .Select(v => (Func<Draft, Draft>)(d => d.SetField(field, v, $"{field} = {v}"))),
            Poison(d => d.SetField(field, null, $"{field} missing")), Poison(d => d.SetField(field, JValue.CreateNull(), $"{field} = null")), WrongType(field));
        Gen<Func<Draft, Draft>> BranchRoute() => Gen.OneOf(BadRoute("branch", "b404"),
            Gen.Constant<Func<Draft, Draft>>(d => As(Sender.SecretaryOfB1)(d.SetRoute("branch", "b2", "{branch} another branch"))));

        return
        [
            new("POST /api/access/tokens", [Sender.Admin], () => Start("POST /api/access/tokens", new { role = "member", member = "m-01" }),
            [
                BadEnum("role"), UnknownRef("member", "ghost-"), BadNumber("expiresInDays", false, "0", "-5", "366", "2147483648", "1.5"),
                OptionalText("subject", 128), OptionalText("name", 100),
                Gen.Constant<Func<Draft, Draft>>(d => d.SetField("role", "secretary", "secretary without branches")),
                Gen.Constant<Func<Draft, Draft>>(d => d.SetField("role", "secretary", "secretary").SetField("branches", new JArray("b404"), "unknown branch")),
                .. Envelope(keyed: false), // issuing a token writes nothing to the log: no Idempotency-Key
            ]),
            // #18: an account's role; a PUT of the whole answer, so no Idempotency-Key.
            new("PUT /api/accounts/{account}/role", [Sender.Admin], () => Start("PUT /api/accounts/{account}/role", new { role = "member" }, ("account", "m-01")),
            [
                BadEnum("role"), BadRoute("account", "ghost-1", "m-02"),
                Gen.Constant<Func<Draft, Draft>>(d => d.SetField("role", "secretary", "secretary without branches")),
                Gen.Constant<Func<Draft, Draft>>(d => d.SetField("role", "secretary", "secretary").SetField("branches", new JArray("b404"), "unknown branch")),
                Gen.Constant<Func<Draft, Draft>>(d => d.SetField("role", "secretary", "secretary").SetField("branches", new JArray("has space"), "bad branch id")),
                .. Envelope(keyed: false),
            ]),
            // #18: integration tokens of an account (m-01's is invited in the set-up; m-02 has none).
            new("POST /api/accounts/{account}/tokens", [Sender.Admin, Sender.SecretaryOfB1],
                () => Start("POST /api/accounts/{account}/tokens", new { name = "导入脚本", expiresInDays = 30 }, ("account", "m-01")),
            [
                RequiredText("name", 60), BadNumber("expiresInDays", false, "0", "-5", "366", "2147483648", "1.5"), BadRoute("account", "ghost-1", "m-02"),
                .. Envelope(),
            ]),
            new("DELETE /api/accounts/{account}/tokens/{token}", [Sender.Admin, Sender.SecretaryOfB1],
                () => Start("DELETE /api/accounts/{account}/tokens/{token}", new { }, ("account", "m-01"), ("token", "not-issued")),
                [BadRoute("token", "not-issued", "ghost"), BadRoute("account", "ghost-1", "m-02")]),
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
            // #18: a branch's secretary, recorded by an admin; the appointee one of the branch's members.
            new("POST /api/branches/{branch}/secretaries", [Sender.Admin], () => Start("POST /api/branches/{branch}/secretaries", new { member = "m-02", occurredOn = On }, ("branch", "b1")),
                [BadRoute("branch", "b404"), UnknownRef("member", "ghost-"), Gen.Constant<Func<Draft, Draft>>(d => d.SetField("member", "n-01", "member of another branch")),
                 BadDate(), .. Envelope()]),
            new("POST /api/branches/{branch}/secretaries/{member}/relief", [Sender.Admin],
                () => Start("POST /api/branches/{branch}/secretaries/{member}/relief", new { reason = "换届", occurredOn = On }, ("branch", "b1"), ("member", "m-02")),
                [BadRoute("branch", "b404"), BadRoute("member", "ghost-1", "m-01"), RequiredText("reason", 500), BadDate(), .. Envelope()]),
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
            new("POST /api/activities", Recorders, () => Start("POST /api/activities", new { member = "m-01", kind = "training", occurredOn = On, values = new { days = 3 } }),
                [Member("member"), RequiredText("kind", 128), BadDate(), .. Envelope()]),
            new("POST /api/adjustments", Recorders, () => Start("POST /api/adjustments", new { member = "m-01", points = 2, reason = "表彰", approver = "支委会", occurredOn = On }),
                [Member("member"), BadNumber("points", "0", "-0", "1000001", "-1000001", "0.001", "1.234"), RequiredText("reason", 500), RequiredText("approver", 100), BadDate(), .. Envelope()]),
            new("POST /api/revocations", Recorders, () => Start("POST /api/revocations", new { target = s.Adjustment, reason = "登记错误", occurredOn = On }),
                [UnknownRef("target", "f-"), Gen.Constant<Func<Draft, Draft>>(d => d.SetField("target", s.BranchFact, "an organisation fact")),
                 RequiredText("reason", 500), BadDate(), .. Envelope()]),
            new("POST /api/years/{year}/close", [Sender.Admin], () => Start("POST /api/years/{year}/close", new { occurredOn = On }, ("year", "2031")),
                [BadRoute("year", "abc", "1899", "10000", "-2025", "2147483648", "2025.5", "0x7E9"), BadDate(), .. Envelope()]),
            new("POST /api/years/{year}/reopen", [Sender.Admin], () => Start("POST /api/years/{year}/reopen", new { reason = "补录", occurredOn = On }, ("year", "2032")),
                [BadRoute("year", "abc", "1899", "10000", "2147483648"), RequiredText("reason", 500), BadDate(), .. Envelope()]),
            new("POST /api/rules/validate", [Sender.Admin], () => Start("POST /api/rules/validate", new { }) with { RawBody = PointsEngine.TestSupport.TypicalRules.Document() },
                [BadRuleSet(), .. Envelope(strictFields: false, keyed: false)], ReportsValidity: true),
            new("POST /api/rules", [Sender.Admin], () => Start("POST /api/rules", new { }) with { RawBody = PointsEngine.TestSupport.TypicalRules.Document() },
                [BadRuleSet(), .. Envelope(strictFields: false)]),
            new("POST /api/rules/simulate", [Sender.Admin], () => Start("POST /api/rules/simulate", new { }) with { RawBody = PointsEngine.TestSupport.TypicalRules.Document() },
                // Writes nothing: no Idempotency-Key; a broken draft is a 400 (not a 200 saying so, as validate answers).
                [BadRuleSet(), BadQuery("year", "abc", "1899", "10000", "-2025", "2147483648", "2025.5", "0x7E9", "２０２５", "2025,2026"),
                 .. Envelope(strictFields: false, keyed: false)]),

            new("POST /api/branches/{branch}/notices", Recorders, () => Start("POST /api/branches/{branch}/notices", new { period = "2025-Q1" }, ("branch", "b1")),
                [BranchRoute(), Period(s.WindowOpen, Later(months: 1), Later(months: 3, quarter: true), Later(years: 1), "9999-12", "9999-Q4", "9999"),
                 WrongType("period"), Poison(d => d.SetField("period", null, "period missing")), Poison(d => d.SetField("period", JValue.CreateNull(), "period = null")),
                 Gen.Elements("2025-02-30", "2025-13-01", "2025-6-1", "01/06/2025", "2025-06-01T00:00:00", "", "today", "0001-01-01", "1899-12-31", "2025-06-01", "2020-01-01")
                     .Select(v => (Func<Draft, Draft>)(d => d.SetField("objectionsCloseOn", v, $"objectionsCloseOn = {v}"))),
                 WrongType("objectionsCloseOn"), .. Envelope()]),
            new("POST /api/branches/{branch}/notices/{period}/objections", [Sender.MemberM01],
                () => Start("POST /api/branches/{branch}/notices/{period}/objections", new { reason = "排名有误" }, ("branch", "b1"), ("period", s.WindowOpen)) with { Sender = Sender.MemberM01 },
                [BadRoute("branch", "b404", "b2", "B1"), BadRoute("period", [.. BadPeriods, s.WindowClosed, "2025-07", "2025-Q2", "2025", "9999-12"]),
                 RequiredText("reason", 2000), .. Envelope()]),
            new("POST /api/branches/{branch}/notices/{period}/objections/{objection}/answers", Recorders,
                () => Start("POST /api/branches/{branch}/notices/{period}/objections/{objection}/answers", new { outcome = "dismissed", reason = "排名按规则计算无误" },
                    ("branch", "b1"), ("period", s.WindowOpen), ("objection", s.Objection)),
                [BranchRoute(), BadRoute("period", [.. BadPeriods, s.WindowClosed, "2025-07", "9999-12"]),
                 BadRoute("objection", "f-404", s.Suggestion, s.Claim, s.Adjustment), BadEnum("outcome"), RequiredText("reason", 2000),
                 Gen.Elements<(string Outcome, JToken? Correction, string Note)>(
                         ("dismissed", s.Adjustment, "dismissed with a correction"), ("upheld", null, "upheld without correction"),
                         ("upheld", "f-404", "upheld with an unknown correction"), ("upheld", s.Suggestion, "upheld with a suggestion as correction"),
                         ("upheld", s.BranchFact, "upheld with an organisation fact as correction"), ("upheld", "has space", "upheld with a malformed correction"),
                         ("dismissed", "", "dismissed with an empty correction"), ("upheld", new JValue(12345), "correction of wrong type"),
                         ("upheld", new JArray(s.Adjustment), "correction an array"))
                     .Select(c => (Func<Draft, Draft>)(d => d.SetField("outcome", c.Outcome, $"outcome {c.Outcome}").SetField("correction", c.Correction?.DeepClone(), c.Note))),
                 .. Envelope()]),
            new("POST /api/branches/{branch}/notices/{period}/finalisation", Recorders,
                () => Start("POST /api/branches/{branch}/notices/{period}/finalisation", new { }, ("branch", "b1"), ("period", s.WindowClosed)),
                // The notice's window is open (or there is none): nothing to make final. The body is not read.
                [BranchRoute(), BadRoute("period", [.. BadPeriods, s.WindowOpen, "2025-07", "2025-Q2", "9999-12"]), .. Envelope(readsBody: false)]),

            // #20 check-in. A session code that names no session, or a session where the request cannot be granted.
            new("POST /api/branches/{branch}/checkins", Recorders, () => Start("POST /api/branches/{branch}/checkins",
                    new { kind = "党课", topic = "党课", starts = At(-5), ends = At(60), graceMinutes = 10 }, ("branch", "b1")),
                [BranchRoute(), BadEnum("kind"), BadEnum("mode", required: false), RequiredText("topic", 200),
                 // An empty group means none; these name no group of b1.
                 Gen.Elements("g-404", "has space", "tab\there", new string('g', 129)).Select(g => (Func<Draft, Draft>)(d => d.SetField("group", g, $"group = {g}"))),
                 WrongType("group"), Instant("starts"), Instant("ends"),
                 Gen.Elements((-10, -1, "window in the past"), (30, 10, "ends before it starts"), (10, 10, "ends as it starts"))
                     .Select(w => (Func<Draft, Draft>)(d => d.SetField("starts", At(w.Item1), "starts").SetField("ends", At(w.Item2), w.Item3))),
                 BadNumber("graceMinutes", false, "-1", "121", "1000", "2147483648", "1.5"), .. Envelope()]),
            new("POST /api/checkins/{session}/checkins", [Sender.MemberM01],
                () => Start("POST /api/checkins/{session}/checkins", new { via = "qr" }, ("session", c.Open)) with { Sender = Sender.MemberM01 },
                [BadRoute("session", "zzzzzzzz", "f-404", c.Upcoming, c.Closed, c.OtherBranch, c.Open.ToUpperInvariant() + "x"),
                 SomeoneElse(), BadVia(), .. Envelope()]),
            new("POST /api/checkins/{session}/leave", [Sender.MemberM01],
                () => Start("POST /api/checkins/{session}/leave", new { reason = "出差" }, ("session", c.Upcoming)) with { Sender = Sender.MemberM01 },
                [BadRoute("session", "zzzzzzzz", "f-404", c.Open, c.Closed, c.OtherBranch), SomeoneElse(), RequiredText("reason", 500), .. Envelope()]),
            new("POST /api/checkins/{session}/leave/{member}/approval", Recorders,
                () => Start("POST /api/checkins/{session}/leave/{member}/approval", new { }, ("session", c.Upcoming), ("member", "m-01")),
                [BadRoute("session", "zzzzzzzz", "f-404", c.Open, c.Closed, c.OtherBranch), BadRoute("member", "m-02", "n-01", "ghost-1", "M-01"),
                 .. Envelope(readsBody: false)]),
            new("POST /api/checkins/{session}/marks", Recorders,
                () => Start("POST /api/checkins/{session}/marks", new { member = "m-02", status = "出席" }, ("session", c.Open)),
                [BadRoute("session", "zzzzzzzz", "f-404", c.Closed), OtherBranchSession(), UnknownRef("member", "ghost-"),
                 Gen.Constant<Func<Draft, Draft>>(d => d.SetField("member", "n-01", "a member not expected")), BadEnum("status"), .. Envelope()]),
            new("POST /api/checkins/{session}/close", Recorders, () => Start("POST /api/checkins/{session}/close", new { }, ("session", c.Open)),
                // A closed session closed again is answered with its first close, so it is no poison here.
                [BadRoute("session", "zzzzzzzz", "f-404", "f-404-abc"), OtherBranchSession(), .. Envelope(readsBody: false)]),
            new("POST /api/checkins/{session}/meeting", Recorders, () => Start("POST /api/checkins/{session}/meeting", new { }, ("session", c.Closed)),
                // Still open: nothing to record yet.
                [BadRoute("session", "zzzzzzzz", "f-404", c.Open, c.Upcoming), OtherBranchSession(), .. Envelope(readsBody: false)]),
            // #19: a correction of a recorded fact.
            new("POST /api/facts/{target}/amendments", Recorders,
                () => Start("POST /api/facts/{target}/amendments", new { reason = "登记错误", changes = new { Reason = "表彰（更正）" }, occurredOn = On }, ("target", s.Adjustment)),
                [BadRoute("target", "f-404", s.BranchFact, s.Claim, s.Objection, $"{s.Adjustment}~7"), RequiredText("reason", 500), BadDate(required: false),
                 Gen.Elements<JToken>(new JObject { ["Colour"] = "red" }, new JObject { ["FactId"] = "f-1" }, new JObject { ["Points"] = "many" },
                         new JObject { ["Points"] = new JArray(1) }, new JObject { ["OccurredOn"] = "2025-13-01" }, new JObject { ["Member"] = new JObject() },
                         new JValue("Reason"), new JValue(12), new JArray(), JValue.CreateNull())
                     .Select(v => (Func<Draft, Draft>)(d => d.SetField("changes", v.DeepClone(), $"changes = {v.ToString(Newtonsoft.Json.Formatting.None)}"))),
                 Poison(d => d.SetField("changes", null, "changes missing")), .. Envelope()]),

            new("POST /api/claims", [Sender.MemberM01], () => Start("POST /api/claims", new
                {
                    kind = "志愿服务", title = "社区义诊", description = "协助量血压", hours = 2, occurredOn = On,
                    attachments = new[] { new { name = "photo.jpg", content = Convert.ToBase64String(Uploads.Jpeg()) } },
                }) with { Sender = Sender.MemberM01 },
                [BadEnum("kind"), RequiredText("title", 200), OptionalText("description", 2000), BadDate(),
                 BadNumber("hours", "0", "-0", "-1", "-0.5", "24.01", "25", "1000", "2.345"),
                 Gen.Elements("GoldenIdea", "金点子", "合理化建议", "Suggestion").Select(k => (Func<Draft, Draft>)(d => d.SetField("kind", k, $"kind {k} with hours"))),
                 BadAttachments(ClaimLimits), .. Envelope()]),
            new("POST /api/claims/{claim}/acceptance", Recorders, () => Start("POST /api/claims/{claim}/acceptance", new { }, ("claim", s.Claim)),
                [DecidedOrUnknownClaim(), OtherBranchClaim(), .. Envelope(readsBody: false)]),
            new("POST /api/claims/{claim}/rejection", Recorders, () => Start("POST /api/claims/{claim}/rejection", new { reason = "材料不全" }, ("claim", s.Claim)),
                [DecidedOrUnknownClaim(), OtherBranchClaim(), RequiredText("reason", 500), .. Envelope()]),
        ];
    }

    private ClaimSettings ClaimLimits => _api.Services.GetRequiredService<IOptions<ClaimSettings>>().Value;

    /// A period label months or years after today's (not started yet, so nothing can be published for it).
    private string Later(int months = 0, int years = 0, bool quarter = false)
    {
        var on = _clock.Today.AddMonths(months).AddYears(years);
        return quarter ? $"{on.Year}-Q{(on.Month - 1) / 3 + 1}" : years > 0 && months == 0 ? $"{on.Year}" : $"{on.Year}-{on.Month:00}";
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
            [Sender.Admin] = Admin(),
            [Sender.SecretaryOfB1] = Secretary(),
            [Sender.MemberM01] = Member("m-01"),
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
            if (ProblemFault(status, answer.Response.Content.Headers.ContentType?.MediaType, answer.Body.ToString()) is { } fault)
                throw new Xunit.Sdk.XunitException($"{draft}: {status} is not a bilingual problem document ({fault}): {answer.Body}");
            return true;
        });
        PropertyRuns.Check(property, Requests);

        Assert.Equal(head, await _api.HeadAsync());
        var tried = statuses.Values.Sum();
        Assert.True(tried >= Requests, $"only {tried} requests were tried");
        Assert.True(perEndpoint.Count == specs.Length, $"endpoints never tried: {string.Join(", ", specs.Select(s => s.Endpoint).Except(perEndpoint.Keys))}");
        _output.WriteLine($"{tried} hostile requests over {perEndpoint.Count} write endpoints, log head unchanged at {head.Value}; answers: " +
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
