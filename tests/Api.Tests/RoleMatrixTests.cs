using System.Net;
using System.Text;
using Newtonsoft.Json.Linq;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Api.Hosting;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Engine.Rules;

namespace PointsEngine.Api.Tests;

/// Every endpoint under /api × every kind of caller, from one table (issue #5, issue #8 item 4). The
/// table must name every endpoint the server maps, so a new endpoint cannot be missed: add its row.
public sealed class the_role_matrix : IAsyncLifetime
{
    public enum Caller
    {
        Admin, SecretaryOfBranch, SecretaryOfOtherBranch, Appraiser, Member, OtherMember, NoToken, ExpiredToken, ForgedToken,
        // Valid tokens with one claim edited after signing (issue #8 item 4): the signature no longer holds.
        RoleEdited, BranchesEdited, ExpiryEdited, MemberEdited, UnsignedToken,
    }

    private static readonly Caller[] Refused401 =
        [Caller.NoToken, Caller.ExpiredToken, Caller.ForgedToken, Caller.RoleEdited, Caller.BranchesEdited, Caller.ExpiryEdited, Caller.MemberEdited, Caller.UnsignedToken];

    private static readonly Caller[] Everyone = Enum.GetValues<Caller>();
    private static readonly Caller[] AdminOnly = [Caller.Admin];
    private static readonly Caller[] Recorders = [Caller.Admin, Caller.SecretaryOfBranch];
    private static readonly Caller[] Submitters = [Caller.Admin, Caller.SecretaryOfBranch, Caller.Member];
    private static readonly Caller[] Readers = [Caller.Admin, Caller.SecretaryOfBranch, Caller.SecretaryOfOtherBranch, Caller.Appraiser, Caller.Member, Caller.OtherMember];
    /// A member's own data (the member token is m-01's): staff with the branch, and the member themself.
    private static readonly Caller[] MemberOwn = [Caller.Admin, Caller.SecretaryOfBranch, Caller.Appraiser, Caller.Member];
    /// Branch reports and rankings: staff with the branch (b1).
    private static readonly Caller[] BranchStaff = [Caller.Admin, Caller.SecretaryOfBranch, Caller.Appraiser];
    private static readonly Caller[] OrganisationReaders = [Caller.Admin, Caller.Appraiser];
    /// Members of b1 (m-01 and m-02), each acting for themself.
    private static readonly Caller[] BranchMembers = [Caller.Member, Caller.OtherMember];
    /// A notice of b1: staff with the branch and every member of it.
    private static readonly Caller[] NoticeReaders = [Caller.Admin, Caller.SecretaryOfBranch, Caller.Appraiser, Caller.Member, Caller.OtherMember];
    /// What concerns one branch's member m-01: the member, the branch's secretary, admins and appraisers.
    private static readonly Caller[] ClaimReaders = [Caller.Admin, Caller.SecretaryOfBranch, Caller.Appraiser, Caller.Member];

    /// A request to send; Setup runs first as the admin (e.g. records the suggestion to assess).
    private sealed record Request(string Path, object? Body = null, string? RawJson = null);

    private sealed record Row(string Method, string Pattern, Caller[] Allowed, Func<Context, Task<Request>> Make);

    private const string On = "2025-06-01";

    private static readonly Row[] Table =
    [
        new("POST", "/api/access/tokens", AdminOnly, c => Task.FromResult(new Request("/api/access/tokens", new { role = "appraiser", subject = c.Fresh("appraiser") }))),
        new("GET", "/api/access/me", Readers, _ => Task.FromResult(new Request("/api/access/me"))),
        // #18: what an account may do (m-01's account, invited in the set-up; it is a member already, so nothing is written).
        // #18: integration tokens of m-01's account: admins, and the secretary of m-01's branch.
        new("GET", "/api/accounts/{account}/tokens", Recorders, _ => Task.FromResult(new Request("/api/accounts/m-01/tokens"))),
        new("POST", "/api/accounts/{account}/tokens", Recorders, c => Task.FromResult(new Request("/api/accounts/m-01/tokens", new { name = c.Fresh("脚本") }))),
        new("DELETE", "/api/accounts/{account}/tokens/{token}", Recorders, async c => new Request($"/api/accounts/m-01/tokens/{await c.AccountTokenAsync()}")),
        new("PUT", "/api/accounts/{account}/role", AdminOnly, _ => Task.FromResult(new Request("/api/accounts/m-01/role", new { role = "member" }))),
        new("POST", "/api/network-zones", AdminOnly, c => Task.FromResult(new Request("/api/network-zones", new { zone = c.Fresh("zone"), name = "网络区", occurredOn = On }))),
        new("POST", "/api/branches", AdminOnly, c => Task.FromResult(new Request("/api/branches", new { branch = c.Fresh("branch"), name = "新支部", occurredOn = On }))),
        new("POST", "/api/party-groups", Recorders, c => Task.FromResult(new Request("/api/party-groups", new { group = c.Fresh("group"), branch = "b1", name = "第一党小组", occurredOn = On }))),
        new("POST", "/api/members", Recorders, c => Task.FromResult(new Request("/api/members", new { member = c.Fresh("new"), name = "新党员", branch = "b1", occurredOn = On }))),
        new("POST", "/api/members/{member}/transfers", Recorders, async c => new Request($"/api/members/{await c.EnrolAsync()}/transfers", new { toBranch = "b2", occurredOn = On })),
        new("POST", "/api/members/{member}/departures", Recorders, async c => new Request($"/api/members/{await c.EnrolAsync()}/departures", new { reason = "去世", occurredOn = On })),
        new("POST", "/api/members/{member}/category-changes", Recorders, async c => new Request($"/api/members/{await c.EnrolAsync()}/category-changes", new { category = "流动", reason = "外出务工", occurredOn = On })),
        new("POST", "/api/members/{member}/status-changes", Recorders, async c => new Request($"/api/members/{await c.EnrolAsync()}/status-changes", new { status = "正式党员", occurredOn = On })),
        // #18: who keeps a branch as its secretary is the organisation's fact, an admin's to record (a fresh member of b1 each time).
        new("POST", "/api/branches/{branch}/secretaries", AdminOnly, async c => new Request("/api/branches/b1/secretaries", new { member = await c.EnrolAsync(), occurredOn = On })),
        new("POST", "/api/branches/{branch}/secretaries/{member}/relief", AdminOnly, async c =>
        {
            var member = await c.EnrolAsync();
            await c.AdminWritesAsync("/api/branches/b1/secretaries", new { member, occurredOn = On });
            return new Request($"/api/branches/b1/secretaries/{member}/relief", new { reason = "换届", occurredOn = On });
        }),
        new("POST", "/api/branches/{branch}/meetings", Recorders, c => Task.FromResult(new Request("/api/branches/b1/meetings",
            new { occurredOn = On, kind = "党课", topic = c.Fresh("党课"), attendance = new[] { new { member = "m-01", status = "出席" }, new { member = "m-02", status = "请假" } } }))),
        new("POST", "/api/suggestions", Submitters, c => Task.FromResult(new Request("/api/suggestions", new { member = "m-01", title = c.Fresh("建议"), occurredOn = On }))),
        new("POST", "/api/suggestions/{suggestion}/assessments", Recorders, async c =>
            new Request($"/api/suggestions/{await c.AdminWritesAsync("/api/suggestions", new { member = "m-01", title = "建议", occurredOn = On })}/assessments", new { level = "有价值", occurredOn = On })),
        new("POST", "/api/golden-ideas", Submitters, c => Task.FromResult(new Request("/api/golden-ideas", new { member = "m-01", title = c.Fresh("金点子"), occurredOn = On }))),
        new("POST", "/api/golden-ideas/{idea}/awards", Recorders, async c =>
            new Request($"/api/golden-ideas/{await c.AdminWritesAsync("/api/golden-ideas", new { member = "m-01", title = "金点子", occurredOn = On })}/awards", new { level = "二等奖", occurredOn = On })),
        new("POST", "/api/golden-ideas/{idea}/implementations", Recorders, async c =>
            new Request($"/api/golden-ideas/{await c.AdminWritesAsync("/api/golden-ideas", new { member = "m-01", title = "金点子", occurredOn = On })}/implementations", new { occurredOn = On })),
        // #22: an activity of a kind the rule set declares (the typical rule set declares 参加党校培训).
        new("POST", "/api/activities", Recorders, c => Task.FromResult(new Request("/api/activities", new { member = "m-01", kind = "training", occurredOn = On, values = new { days = 3 } }))),
        new("POST", "/api/volunteer-service", Recorders, c => Task.FromResult(new Request("/api/volunteer-service", new { member = "m-01", hours = 2.5, activity = c.Fresh("社区服务"), occurredOn = On }))),
        new("POST", "/api/adjustments", Recorders, c => Task.FromResult(new Request("/api/adjustments", new { member = "m-01", points = 2, reason = c.Fresh("表彰"), approver = "支委会", occurredOn = On }))),
        new("POST", "/api/revocations", Recorders, async c =>
            new Request("/api/revocations", new { target = await c.AdminWritesAsync("/api/adjustments", new { member = "m-01", points = -1, reason = "误记", approver = "支委会", occurredOn = On }), reason = "登记错误", occurredOn = On })),
        // #19: correcting a fact is revoking it and recording its next version in one act: whoever may revoke it (b1's secretary, admins).
        new("POST", "/api/facts/{target}/amendments", Recorders, async c =>
            new Request($"/api/facts/{await c.AdminWritesAsync("/api/adjustments", new { member = "m-01", points = -1, reason = c.Fresh("误记"), approver = "支委会", occurredOn = On })}/amendments",
                new { reason = "分值录错", occurredOn = On, changes = new { Points = "-3" } })),
        new("POST", "/api/years/{year}/close", AdminOnly, c => Task.FromResult(new Request($"/api/years/{c.FreshYear()}/close", new { occurredOn = On }))),
        new("POST", "/api/years/{year}/reopen", AdminOnly, async c =>
        {
            var year = c.FreshYear();
            await c.AdminWritesAsync($"/api/years/{year}/close", new { occurredOn = On });
            return new Request($"/api/years/{year}/reopen", new { reason = "补录", occurredOn = On });
        }),
        new("GET", "/api/rules", Readers, _ => Task.FromResult(new Request($"/api/rules?on={On}"))),
        new("GET", "/api/rules/default", Readers, _ => Task.FromResult(new Request("/api/rules/default"))),
        new("POST", "/api/rules/validate", AdminOnly, _ => Task.FromResult(new Request("/api/rules/validate", RawJson: PointsEngine.TestSupport.TypicalRules.Document()))),
        new("POST", "/api/rules", AdminOnly, _ => Task.FromResult(new Request("/api/rules", RawJson: PointsEngine.TestSupport.TypicalRules.Document()))),
        new("POST", "/api/rules/simulate", AdminOnly, _ => Task.FromResult(new Request("/api/rules/simulate?year=2025", RawJson: PointsEngine.TestSupport.TypicalRules.Document()))),
        new("GET", "/api/members/{member}/standing", MemberOwn, _ => Task.FromResult(new Request("/api/members/m-01/standing?year=2025"))),
        new("GET", "/api/members/{member}/evidence", MemberOwn, _ => Task.FromResult(new Request("/api/members/m-01/evidence?year=2025"))),
        new("GET", "/api/branches/{branch}/evidence", BranchStaff, _ => Task.FromResult(new Request("/api/branches/b1/evidence?year=2025"))),
        new("GET", "/api/branches/{branch}/dashboard", BranchStaff, _ => Task.FromResult(new Request("/api/branches/b1/dashboard?year=2025"))),
        new("GET", "/api/branches/{branch}/warnings", BranchStaff, _ => Task.FromResult(new Request($"/api/branches/b1/warnings?on={On}"))),
        new("GET", "/api/warnings", OrganisationReaders, _ => Task.FromResult(new Request($"/api/warnings?on={On}"))),
        new("GET", "/api/rankings", BranchStaff, _ => Task.FromResult(new Request("/api/rankings?scope=branch&id=b1&period=2025"))),
        // Claims (申报): the member submits their own; the claimant, the branch secretary, admins and appraisers read them.
        new("POST", "/api/claims", BranchMembers, c => Task.FromResult(new Request("/api/claims", new { kind = "志愿服务", title = c.Fresh("义诊"), hours = 2, occurredOn = On }))),
        new("GET", "/api/claims", ClaimReaders, _ => Task.FromResult(new Request("/api/claims?member=m-01"))),
        new("GET", "/api/claims/{claim}", ClaimReaders, async c => new Request($"/api/claims/{await c.ClaimAsync()}")),
        new("GET", "/api/claims/{claim}/attachments/{sha256}", ClaimReaders, async c => new Request($"/api/claims/{await c.ClaimAsync()}/attachments/{Context.PhotoSha}")),
        new("POST", "/api/claims/{claim}/acceptance", Recorders, async c => new Request($"/api/claims/{await c.ClaimAsync()}/acceptance", new { })),
        new("POST", "/api/claims/{claim}/rejection", Recorders, async c => new Request($"/api/claims/{await c.ClaimAsync()}/rejection", new { reason = "不符合条件" })),
        // Public notices (公示): the branch's secretary publishes and answers; its members read and object.
        new("POST", "/api/branches/{branch}/notices", Recorders, c => Task.FromResult(new Request("/api/branches/b1/notices", new { period = c.FreshPeriod() }))),
        new("GET", "/api/branches/{branch}/notices", NoticeReaders, _ => Task.FromResult(new Request("/api/branches/b1/notices"))),
        new("GET", "/api/branches/{branch}/notices/{period}", NoticeReaders, async c => new Request($"/api/branches/b1/notices/{await c.NoticeAsync()}")),
        new("POST", "/api/branches/{branch}/notices/{period}/objections", BranchMembers, async c =>
            new Request($"/api/branches/b1/notices/{await c.NoticeAsync()}/objections", new { reason = "排名有误" })),
        new("POST", "/api/branches/{branch}/notices/{period}/objections/{objection}/answers", Recorders, async c =>
        {
            var period = await c.NoticeAsync();
            return new Request($"/api/branches/b1/notices/{period}/objections/{await c.ObjectionAsync(period)}/answers", new { outcome = "dismissed", reason = "核实无误" });
        }),
        new("POST", "/api/branches/{branch}/notices/{period}/finalisation", Recorders, async c =>
            new Request($"/api/branches/b1/notices/{await c.ClosedNoticeAsync()}/finalisation", new { })),
        // Check-in (签到, #20): the branch's secretary runs it; the members expected (m-01, m-02) check in and ask leave themselves.
        new("POST", "/api/branches/{branch}/checkins", Recorders, c => Task.FromResult(new Request("/api/branches/b1/checkins",
            new { kind = "党课", topic = c.Fresh("签到"), starts = c.At(-5), ends = c.At(120) }))),
        new("GET", "/api/checkins/{session}", NoticeReaders, async c => new Request(await c.CheckInAsync())),
        new("POST", "/api/checkins/{session}/checkins", BranchMembers, async c => new Request($"{await c.CheckInAsync()}/checkins", new { via = "qr" })),
        new("POST", "/api/checkins/{session}/leave", BranchMembers, async c => new Request($"{await c.CheckInAsync(startsIn: 30)}/leave", new { reason = "出差" })),
        new("POST", "/api/checkins/{session}/leave/{member}/approval", Recorders, async c => new Request($"{await c.LeaveAsync()}/leave/m-01/approval", new { })),
        new("POST", "/api/checkins/{session}/marks", Recorders, async c => new Request($"{await c.CheckInAsync()}/marks", new { member = "m-02", status = "迟到" })),
        new("POST", "/api/checkins/{session}/close", Recorders, async c => new Request($"{await c.CheckInAsync()}/close", new { })),
        new("POST", "/api/checkins/{session}/meeting", Recorders, async c =>
        {
            var session = await c.CheckInAsync();
            await c.AdminWritesAsync($"{session}/close", new { });
            return new Request($"{session}/meeting", new { });
        }),
    ];

    private sealed class Context(HttpClient admin, HttpClient member, ShiftedClock clock)
    {
        private static readonly byte[] Photo = Uploads.Png();
        public static readonly string PhotoSha = Uploads.Sha256(Photo);
        private int _next;
        private int _nextPeriod;

        /// A month long past, a new one each time (one notice per branch and period).
        public string FreshPeriod()
        {
            var n = Interlocked.Increment(ref _nextPeriod);
            return $"{2000 + n / 12}-{n % 12 + 1:00}";
        }

        /// A pending claim of m-01 with a photo; returns its id.
        public async Task<string> ClaimAsync() => (await member.PostJsonAsync("/api/claims?wait=true", new
        {
            kind = "志愿服务", title = Fresh("义诊"), hours = 2, occurredOn = On,
            attachments = new[] { new { name = "photo.png", content = Convert.ToBase64String(Photo) } },
        })).ShouldBe(HttpStatusCode.Created)["factId"]!;

        /// A notice of b1 open for objections; returns its period.
        public async Task<string> NoticeAsync()
        {
            var period = FreshPeriod();
            await AdminWritesAsync("/api/branches/b1/notices?wait=true", new { period });
            return period;
        }

        public async Task<string> ObjectionAsync(string period) =>
            (await member.PostJsonAsync($"/api/branches/b1/notices/{period}/objections?wait=true", new { reason = "排名有误" })).ShouldBe(HttpStatusCode.Created)["factId"]!;

        /// A notice whose window closed with no objection: published closing today, then the clock moves a day on.
        public async Task<string> ClosedNoticeAsync()
        {
            var period = FreshPeriod();
            await AdminWritesAsync("/api/branches/b1/notices?wait=true", new { period, objectionsCloseOn = clock.Today.ToString("yyyy-MM-dd") });
            clock.Advance(TimeSpan.FromDays(1));
            return period;
        }

        public string At(int minutes) => clock.GetLocalNow().AddMinutes(minutes).ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

        /// A check-in session of b1 opened by the admin, starting <paramref name="startsIn"/> minutes from now; returns its path.
        public async Task<string> CheckInAsync(int startsIn = -5) =>
            (await admin.PostJsonAsync("/api/branches/b1/checkins", new { kind = "党课", topic = Fresh("签到"), starts = At(startsIn), ends = At(120) }))
                .ShouldBe(HttpStatusCode.Created).Response.Headers.Location!.ToString();

        /// A session not started yet for which m-01 has asked leave.
        public async Task<string> LeaveAsync()
        {
            var session = await CheckInAsync(startsIn: 30);
            (await member.PostJsonAsync($"{session}/leave", new { reason = "出差" })).ShouldBe(HttpStatusCode.Created);
            return session;
        }

        public string Fresh(string prefix) => $"{prefix}-{Interlocked.Increment(ref _next)}";

        public int FreshYear() => 1950 + Interlocked.Increment(ref _next);

        public async Task<string> EnrolAsync()
        {
            var member = Fresh("x");
            await AdminWritesAsync("/api/members", new { member, name = "党员", branch = "b1", occurredOn = "2025-01-01" });
            return member;
        }

        /// An integration token the admin issued to m-01's account; returns its id.
        public async Task<string> AccountTokenAsync() =>
            (await admin.PostJsonAsync("/api/accounts/m-01/tokens", new { name = Fresh("令牌") })).ShouldBe(HttpStatusCode.Created)["info.id"]!;

        /// Writes as the admin and returns the fact id.
        public async Task<string> AdminWritesAsync(string path, object body) =>
            (await admin.PostJsonAsync(path, body)).ShouldBe(HttpStatusCode.Created)["factId"]!;
    }

    // Notices need their objection window to pass: the server's clock moves forward, so the tokens here last long.
    private readonly ShiftedClock _clock = new();
    private readonly ApiHost _api;

    public the_role_matrix() => _api = ApiHost.OnSqlite(b => b
        .WithClaimLimitsLifted()
        .ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock)));

    private string LongToken(Role role, string subject, IEnumerable<string>? branches = null, string? member = null) =>
        _api.Token(role, subject, branches, member, TimeSpan.FromDays(3650));

    public async Task InitializeAsync()
    {
        await Setup.RulesAsync(_api.Admin);
        await Setup.BranchAsync(_api.Admin, "b1", "m-01", "m-02");
        await Setup.BranchAsync(_api.Admin, "b2", "n-01");
        await Setup.AccountAsync(_api, "m-01");
        // The read rows ask about m-01 and b1: let the read models show the set-up first.
        var head = await _api.HeadAsync();
        await _api.Services.GetRequiredService<ProjectionHost>().Runner.WaitForAsync(head).WaitAsync(TimeSpan.FromMinutes(2));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public void the_table_names_every_endpoint_under_api()
    {
        var mapped = _api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .Order().ToList();

        Assert.Equal(mapped, Table.Select(r => $"{r.Method} {r.Pattern}").Order().ToList());
    }

    [Fact]
    public async Task every_endpoint_allows_exactly_its_roles_and_refuses_the_rest_with_a_problem_document()
    {
        var admin = _api.Client(LongToken(Role.Admin, "admin-1"));
        var clients = new Dictionary<Caller, HttpClient>
        {
            [Caller.Admin] = admin,
            [Caller.SecretaryOfBranch] = _api.Client(LongToken(Role.Secretary, "secretary-b1", ["b1"])),
            [Caller.SecretaryOfOtherBranch] = _api.Client(LongToken(Role.Secretary, "secretary-b2", ["b2"])),
            [Caller.Appraiser] = _api.Client(LongToken(Role.Appraiser, "appraiser-1")),
            [Caller.Member] = _api.Client(LongToken(Role.Member, "m-01", member: "m-01")),
            [Caller.OtherMember] = _api.Client(LongToken(Role.Member, "m-02", member: "m-02")),
            [Caller.RoleEdited] = _api.Client(Tampered(LongToken(Role.Member, "m-01", member: "m-01"), p => p["role"] = "admin")),
            [Caller.BranchesEdited] = _api.Client(Tampered(LongToken(Role.Secretary, "secretary-b2", ["b2"]), p => p["branches"] = new JArray("b1", "b2"))),
            [Caller.ExpiryEdited] = _api.Client(Tampered(_api.ExpiredToken(Role.Admin, "admin-1"), p => p["exp"] = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds())),
            [Caller.MemberEdited] = _api.Client(Tampered(LongToken(Role.Member, "m-02", member: "m-02"), p => p["member"] = "m-01")),
            [Caller.UnsignedToken] = _api.Client(Unsigned(LongToken(Role.Admin, "admin-1"))),
            [Caller.NoToken] = _api.Client(),
            [Caller.ExpiredToken] = _api.Client(_api.ExpiredToken(Role.Admin, "admin-1")),
            [Caller.ForgedToken] = _api.Client(new TokenService(SigningKey.FromText(new string('x', 40), "test"), TimeProvider.System)
                .IssueNew("admin-1", "admin-1", Role.Admin, [], null, TimeSpan.FromHours(1)).Token),
        };
        var context = new Context(admin, clients[Caller.Member], _clock);
        var wrong = new List<string>();
        var cells = 0;

        foreach (var row in Table)
        {
            foreach (var caller in Everyone)
            {
                cells++;
                var request = await row.Make(context);
                var head = await _api.HeadAsync();
                var answer = await SendAsync(clients[caller], row.Method, request);

                var expected = row.Allowed.Contains(caller) ? (row.Method is "GET" or "PUT" or "DELETE" || row.Pattern is "/api/rules/validate" or "/api/rules/simulate" ? 200 : 201)
                    : Refused401.Contains(caller) ? 401 : 403;
                if ((int)answer.Status != expected)
                {
                    wrong.Add($"{row.Method} {row.Pattern} as {caller}: expected {expected}, got {(int)answer.Status} {answer.Body}");
                    continue;
                }
                if (expected < 400) continue;
                if (answer.Response.Content.Headers.ContentType?.MediaType != "application/problem+json" || answer["zh"] is null || answer["en"] is null)
                    wrong.Add($"{row.Method} {row.Pattern} as {caller}: {expected} without a bilingual problem document: {answer.Body}");
                if (await _api.HeadAsync() != head)
                    wrong.Add($"{row.Method} {row.Pattern} as {caller}: refused, yet the log moved");
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} of {cells} cells wrong:\n{string.Join("\n", wrong)}");
        Assert.Equal(Table.Length * Everyone.Length, cells);
    }

    /// The token with its payload edited and its signature kept, as someone editing a token by hand would.
    private static string Tampered(string token, Action<JObject> edit)
    {
        var parts = token.Split('.');
        var payload = JObject.Parse(Encoding.UTF8.GetString(FromBase64Url(parts[1])));
        edit(payload);
        return $"{parts[0]}.{ToBase64Url(Encoding.UTF8.GetBytes(payload.ToString(Newtonsoft.Json.Formatting.None)))}.{parts[2]}";
    }

    /// The same claims under {"alg":"none"} and without a signature.
    private static string Unsigned(string token) =>
        $"{ToBase64Url(Encoding.UTF8.GetBytes("{\"alg\":\"none\",\"typ\":\"JWT\"}"))}.{token.Split('.')[1]}.";

    private static byte[] FromBase64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - s.Length % 4) % 4));
    }

    private static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Task<Answer> SendAsync(HttpClient client, string method, Request request) =>
        method == "GET" ? client.GetJsonAsync(request.Path)
        : method == "PUT" ? client.PutJsonAsync(request.Path, request.Body!)
        : method == "DELETE" ? client.DeleteJsonAsync(request.Path)
        : request.RawJson is { } raw ? client.PostRawAsync(request.Path, raw, Guid.NewGuid().ToString("N"))
        : client.PostJsonAsync(request.Path, request.Body!);
}
