using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Store;
using Xunit.Abstractions;

namespace PointsEngine.Api.Tests;

/// Issue #8 item 4, widened by #16 gap 3.2: no endpoint shows a member another member's records. Every member
/// here has a distinct secret in every kind of record a member has (name, every fact kind, claims with their
/// attachments' names and content, rejection reasons, objections to a notice and their answers), and the GET
/// endpoints are read from the server's routing table, each needing an entry in <see cref="Endpoints"/>.
/// Member m-01 (and the secretary of b1) then ask every GET with another member's id in every parameter
/// position, in every representation (JSON, ?format=csv, Accept: text/csv, each CSV table): no answer may carry
/// another member's secret, and their own answers must carry their own (so the test can fail).
public sealed partial class when_a_member_asks_for_another_members_data(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Year = "2025";
    private const string NoticePeriod = "2025-06";
    private readonly ApiHost _api = ApiHost.OnSqlite();

    /// One member's records: the secret of each kind, and the ids of what they own.
    private sealed class Holder(string member, string branch)
    {
        public string Member => member;
        public string Branch => branch;
        public Dictionary<string, string> Secrets { get; } = [];
        public string Claim { get; set; } = "";
        public string RejectedClaim { get; set; } = "";
        public string Attachment { get; set; } = "";
        public string Objection { get; set; } = "";
        /// The check-in session (#20) of the member's branch, where the member asked leave.
        public string CheckIn { get; set; } = "";

        // ASCII, so it is found verbatim in JSON, CSV and file bytes alike.
        public string Secret(string kind) => Secrets[kind] = $"SECRET{kind.Replace("-", "")}{member.Replace("-", "")}{Guid.NewGuid():N}"[..^16];
    }

    private readonly Holder _m01 = new("m-01", "b1"), _m02 = new("m-02", "b1"), _m03 = new("m-03", "b1"), _n01 = new("n-01", "b2");

    private Holder[] Everyone => [_m01, _m02, _m03, _n01];

    /// Kinds a member never reads back about themself through the API (the log holds them, checked below).
    private static readonly string[] NotShownToTheMember = ["category-reason", "departure-reason"];

    public async Task InitializeAsync()
    {
        var admin = _api.Admin;
        await Setup.RulesAsync(admin);
        foreach (var b in new[] { "b1", "b2" })
            (await admin.PostJsonAsync("/api/branches?wait=true", new { branch = b, name = $"{b} 党支部", occurredOn = Setup.Enrolled })).ShouldBe(HttpStatusCode.Created);
        foreach (var h in Everyone)
            (await admin.PostJsonAsync("/api/members?wait=true", new { member = h.Member, name = $"党员{h.Secret("name")}", branch = h.Branch, occurredOn = Setup.Enrolled }))
                .ShouldBe(HttpStatusCode.Created);

        foreach (var h in new[] { _m01, _m02, _n01 })
        {
            await Created(admin, "/api/adjustments", new { member = h.Member, points = -2, reason = h.Secret("adjustment-reason"), approver = h.Secret("adjustment-approver"), occurredOn = "2025-03-01" });
            var revoked = await Created(admin, "/api/adjustments", new { member = h.Member, points = 1, reason = "待撤销", approver = "支委会", occurredOn = "2025-03-01" });
            await Created(admin, "/api/revocations", new { target = revoked, reason = h.Secret("revocation-reason"), occurredOn = "2025-03-02" });
            await Created(admin, "/api/volunteer-service", new { member = h.Member, hours = 3, activity = h.Secret("volunteer-activity"), verifier = h.Secret("volunteer-verifier"), occurredOn = "2025-03-02" });
            var suggestion = await Created(admin, "/api/suggestions", new { member = h.Member, title = h.Secret("suggestion-title"), occurredOn = "2025-03-03" });
            await Created(admin, $"/api/suggestions/{suggestion}/assessments", new { level = "有价值", assessor = h.Secret("suggestion-assessor"), occurredOn = "2025-03-04" });
            var idea = await Created(admin, "/api/golden-ideas", new { member = h.Member, title = h.Secret("idea-title"), occurredOn = "2025-03-05" });
            await Created(admin, $"/api/golden-ideas/{idea}/awards", new { level = "二等奖", panel = h.Secret("idea-panel"), occurredOn = "2025-03-06" });
            // A meeting only this member attended: its topic is theirs alone.
            await Created(admin, $"/api/branches/{h.Branch}/meetings", new
            {
                occurredOn = "2025-03-07", kind = "党课", topic = h.Secret("meeting-topic"), attendance = new[] { new { member = h.Member, status = "出席" } },
            });
            await Created(admin, $"/api/members/{h.Member}/category-changes", new { category = "流动", reason = h.Secret("category-reason"), occurredOn = "2025-03-08" });

            var member = Client(h);
            var content = Uploads.Jpeg().Concat(Encoding.ASCII.GetBytes(h.Secret("attachment-content"))).ToArray();
            h.Attachment = Uploads.Sha256(content);
            object Claim(string title) => new
            {
                kind = "志愿服务", title, description = h.Secret("claim-description"), hours = 2, occurredOn = "2025-06-10",
                attachments = new[] { new { name = $"{h.Secret("attachment-name")}.jpg", content = Convert.ToBase64String(content) } },
            };
            h.Claim = await Created(member, "/api/claims", Claim(h.Secret("claim-title")));
            h.RejectedClaim = await Created(member, "/api/claims", Claim("被退回的申报"));
            await Created(admin, $"/api/claims/{h.RejectedClaim}/rejection", new { reason = h.Secret("rejection-reason") });
        }
        await Created(admin, "/api/members/m-03/departures", new { reason = _m03.Secret("departure-reason"), occurredOn = "2025-06-20" });

        foreach (var b in new[] { "b1", "b2" })
            await Created(admin, $"/api/branches/{b}/notices", new { period = NoticePeriod });
        foreach (var h in new[] { _m01, _m02, _n01 })
        {
            h.Objection = await Created(Client(h), $"/api/branches/{h.Branch}/notices/{NoticePeriod}/objections", new { reason = h.Secret("objection-reason") });
            await Created(admin, $"/api/branches/{h.Branch}/notices/{NoticePeriod}/objections/{h.Objection}/answers",
                new { outcome = "dismissed", reason = h.Secret("answer-reason") });
        }

        // #20: a check-in session of each branch, starting tomorrow; each member asks leave with a reason of their own.
        // A member reads their own line of their branch's session; b1's secretary every line of b1's.
        var tomorrow = DateTimeOffset.Now.AddDays(1);
        foreach (var b in new[] { "b1", "b2" })
        {
            var opened = (await admin.PostJsonAsync($"/api/branches/{b}/checkins?wait=true", new
            {
                kind = "党员大会", topic = "签到", starts = tomorrow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ends = tomorrow.AddHours(2).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            })).ShouldBe(HttpStatusCode.Created);
            foreach (var h in Everyone.Where(h => h.Branch == b)) h.CheckIn = opened.Response.Headers.Location!.ToString().Split('/')[^1];
        }
        foreach (var h in new[] { _m01, _m02, _n01 })
            await Created(Client(h), $"/api/checkins/{h.CheckIn}/leave", new { reason = h.Secret("leave-reason") });
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private HttpClient Client(Holder h) => _api.Client(_api.Token(Role.Member, h.Member, member: h.Member));

    private static async Task<string> Created(HttpClient client, string path, object body) =>
        (await client.PostJsonAsync($"{path}?wait=true", body)).ShouldBe(HttpStatusCode.Created)["factId"]!;

    private List<string> GetPatterns() => [.. Routes.Patterns(_api.Services, "GET").Where(p => p.StartsWith("/api", StringComparison.Ordinal))];

    [Fact]
    public async Task every_get_endpoint_with_a_member_parameter_refuses_other_members()
    {
        var m01 = _api.Client(_api.Token(Role.Member, "m-01", member: "m-01"));
        var patterns = GetPatterns().Where(p => MemberParameter().IsMatch(p)).ToList();
        var wrong = new List<string>();
        foreach (var pattern in patterns)
        {
            var own = await m01.GetJsonAsync(Fill(pattern, "m-01"));
            if (own.Status != HttpStatusCode.OK)
                wrong.Add($"{pattern}: m-01 asking for m-01 got {(int)own.Status} — the request this test builds is not well formed; give its parameters values in {nameof(Fill)}: {own.Body}");
            foreach (var other in new[] { "m-02", "n-01" })
            {
                var answer = await m01.GetJsonAsync(Fill(pattern, other));
                if (answer.Status is not (HttpStatusCode.Forbidden or HttpStatusCode.NotFound))
                    wrong.Add($"{pattern}: m-01 asking for {other} got {(int)answer.Status}: {answer.Body}");
                else if (answer.Response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    wrong.Add($"{pattern}: the refusal is not a problem document");
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        output.WriteLine($"{patterns.Count} GET endpoints with a member parameter: {string.Join(", ", patterns)}");
    }

    /// Every GET endpoint of the API: the query of the caller's own request (route values are filled in
    /// from <see cref="OwnValue"/>). A GET endpoint added to the server without an entry here fails the test.
    private static readonly Dictionary<string, string> Endpoints = new()
    {
        ["/api/access/me"] = "",
        ["/api/rules"] = "on=2025-06-01",
        ["/api/rules/default"] = "",
        ["/api/members/{member}/standing"] = $"year={Year}",
        ["/api/members/{member}/evidence"] = $"year={Year}",
        ["/api/branches/{branch}/evidence"] = $"year={Year}",
        ["/api/branches/{branch}/dashboard"] = $"year={Year}",
        ["/api/branches/{branch}/warnings"] = "on=2025-12-31",
        ["/api/warnings"] = "on=2025-12-31",
        ["/api/rankings"] = $"scope=branch&id={{branch}}&period={Year}",
        ["/api/claims"] = "member={member}",
        ["/api/claims/{claim}"] = "",
        ["/api/claims/{claim}/attachments/{sha256}"] = "",
        ["/api/branches/{branch}/notices"] = "",
        ["/api/branches/{branch}/notices/{period}"] = "",
        ["/api/checkins/{session}"] = "",
        // #18: an account's integration tokens (a member's account is its member id); staff only, names and dates.
        ["/api/accounts/{account}/tokens"] = "",
    };

    private static string OwnValue(string parameter, Holder h) => parameter switch
    {
        "member" => h.Member,
        "branch" => h.Branch,
        "claim" => h.Claim,
        "sha256" => h.Attachment,
        "period" => NoticePeriod,
        "session" => h.CheckIn,
        "account" => h.Member,
        _ => throw new Xunit.Sdk.XunitException($"route parameter {{{parameter}}} has no value in {nameof(OwnValue)}"),
    };

    /// The other member's ids to put in a parameter position: their id everywhere, and the id of their own
    /// thing where the position names one.
    private static string[] OthersValues(string parameter, Holder other) => parameter switch
    {
        "branch" or "id" => [other.Member, other.Branch],
        "claim" => [other.Member, other.Claim, other.RejectedClaim, other.Objection],
        "sha256" => [other.Member, other.Attachment],
        // Another member's session: their branch's (m-02's is m-01's own, where m-01 must still see only its own line).
        "session" => [other.Member, other.CheckIn],
        _ => [other.Member],
    };

    // Query parameters no endpoint declares but a curious client would try.
    private static readonly string[] Tempting = ["member", "memberId", "branch", "claim", "id"];

    [Fact]
    public async Task no_get_answer_in_any_form_shows_another_members_records_with_their_id_in_any_position()
    {
        var mapped = GetPatterns();
        var missing = mapped.Where(p => !Endpoints.ContainsKey(p)).ToList();
        Assert.True(missing.Count == 0, $"GET endpoints without an entry in {nameof(Endpoints)} (say what the caller's own request is): {string.Join(", ", missing)}");
        Assert.True(Endpoints.Keys.All(mapped.Contains), $"entries for endpoints the server no longer maps: {string.Join(", ", Endpoints.Keys.Except(mapped))}");
        var queries = Routes.QueryParameters(_api.Services);

        var secretary = _api.Client(_api.Token(Role.Secretary, "secretary-b1", ["b1"]));
        // m-01 may see no one else's records (the names on its branch's notice are the published ranking, 公示);
        // b1's secretary may see b1's members (m-02 stands for them) and nobody of b2.
        var askers = new (string Who, HttpClient Client, Holder Own, Holder[] Others)[]
        {
            ("member m-01", Client(_m01), _m01, [_m02, _m03, _n01]),
            ("secretary of b1", secretary, _m02, [_n01]),
        };
        var leaks = new List<string>();
        var requests = 0;
        var statuses = new SortedDictionary<int, int>();
        foreach (var (who, client, own, others) in askers)
        {
            var seen = new StringBuilder();
            foreach (var (pattern, ownQuery) in Endpoints)
            {
                var route = Parameter().Matches(pattern).Select(m => m.Groups[1].Value).ToList();
                var query = queries.GetValueOrDefault($"GET {pattern}", []);
                var representations = await RepresentationsAsync(Path(pattern, ownQuery, own, null, null), query.Contains("table"));
                var positions = route.Select(p => (Name: p, InRoute: true))
                    .Concat(query.Union(Tempting).Select(p => (Name: p, InRoute: false)));
                var variants = new List<(string Note, string Path)> { ("own", Path(pattern, ownQuery, own, null, null)) };
                foreach (var other in others)
                {
                    foreach (var (name, inRoute) in positions)
                        foreach (var value in OthersValues(name, other))
                            variants.Add(($"{(inRoute ? "{" + name + "}" : "?" + name)}={value}", Path(pattern, ownQuery, own, name, value)));
                    var all = route.Aggregate(pattern, (p, r) => p.Replace($"{{{r}}}", Uri.EscapeDataString(OthersValues(r, other)[^1]), StringComparison.Ordinal));
                    variants.Add(($"every position {other.Member}'s", $"{all}?{string.Join("&", query.Union(Tempting).Select(q => $"{q}={Uri.EscapeDataString(OthersValues(q, other)[^1])}"))}"));
                }
                foreach (var (note, path) in variants)
                    foreach (var (form, accept, extra) in representations)
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Get, path + (extra.Length == 0 ? "" : (path.Contains('?') ? "&" : "?") + extra));
                        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
                        using var response = await client.SendAsync(request);
                        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
                        requests++;
                        statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                        if (note == "own") seen.Append(text);
                        foreach (var other in others)
                            foreach (var (kind, secret) in other.Secrets)
                                if (text.Contains(secret, StringComparison.Ordinal) && !PublishedOnNotice(kind, other, own, pattern))
                                    leaks.Add($"{who} {pattern} [{note}; {form}] ({(int)response.StatusCode}) shows {other.Member}'s {kind}");
                    }
            }
            var shown = seen.ToString();
            var unseen = own.Secrets.Where(s => !shown.Contains(s.Value, StringComparison.Ordinal)).Select(s => s.Key).Except(NotShownToTheMember).ToList();
            Assert.True(unseen.Count == 0, $"{who}'s own requests never showed {own.Member}'s {string.Join(", ", unseen)}: the requests are not well formed, or the check cannot fail");
            output.WriteLine($"{who}: own answers show {own.Member}'s {own.Secrets.Count - NotShownToTheMember.Count(own.Secrets.ContainsKey)} readable kinds of record");
        }
        Assert.True(leaks.Count == 0, $"{leaks.Count} answers showed another member's records:\n{string.Join("\n", leaks.Take(60))}");

        // The secrets not read back through the API are in the log, so their absence from every answer means something.
        var log = new StringBuilder();
        await foreach (var e in _api.Services.GetRequiredService<IEventStore>().ReadAllAsync(LogPosition.Start)) log.Append(e.Data);
        var absent = Everyone.SelectMany(h => h.Secrets.Values).Where(s => !log.ToString().Contains(s, StringComparison.Ordinal)
            && !s.StartsWith("SECRETattachmentcontent", StringComparison.Ordinal)).ToList();
        Assert.True(absent.Count == 0, $"secrets never recorded: {string.Join(", ", absent)}");
        output.WriteLine($"{requests} GET requests over {Endpoints.Count} endpoints with another member's id in every position; " +
                         $"{Everyone.Sum(h => h.Secrets.Count)} secrets in {Everyone.SelectMany(h => h.Secrets.Keys).Distinct().Count()} kinds of record; answers: " +
                         string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}")) + "; none showed another member's records");
    }

    /// The branch's published ranking (公示) lists its members by name: a member of the branch reads it.
    private static bool PublishedOnNotice(string kind, Holder other, Holder own, string pattern) =>
        kind == "name" && other.Branch == own.Branch && pattern.Contains("/notices", StringComparison.Ordinal);

    /// JSON, ?format=csv, Accept: text/csv, and each CSV table the endpoint offers (learnt from its refusal of an unknown one to an admin).
    private async Task<List<(string Form, string? Accept, string Query)>> RepresentationsAsync(string ownPath, bool tables)
    {
        List<(string, string?, string)> forms = [("json", null, ""), ("format=csv", null, "format=csv"), ("Accept: text/csv", "text/csv", "")];
        if (!tables) return forms;
        var refusal = await _api.Admin.GetJsonAsync(ownPath + (ownPath.Contains('?') ? "&" : "?") + "format=csv&table=no-such-table");
        var en = refusal.ErrorsFor("table")[0]["en"]!.ToString();
        var offered = en[(en.IndexOf("use one of ", StringComparison.Ordinal) + "use one of ".Length)..].TrimEnd('.').Split(", ");
        Assert.NotEmpty(offered);
        forms.AddRange(offered.Select(t => ($"table={t}", (string?)null, $"format=csv&table={t}")));
        return forms;
    }

    /// The path of the caller's own request, with one parameter (route or query) replaced by <paramref name="value"/>.
    private static string Path(string pattern, string ownQuery, Holder own, string? replaced, string? value)
    {
        string Value(string name) => name == replaced ? value! : OwnValue(name, own);
        var path = Parameter().Replace(pattern, m => Uri.EscapeDataString(Value(m.Groups[1].Value)));
        var query = Parameter().Replace(ownQuery, m => Uri.EscapeDataString(OwnValue(m.Groups[1].Value, own)));
        var pairs = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToList();
        if (replaced is not null && !pattern.Contains($"{{{replaced}}}", StringComparison.Ordinal))
        {
            pairs.RemoveAll(p => p[0] == replaced);
            pairs.Add([replaced, Uri.EscapeDataString(value!)]);
        }
        return pairs.Count == 0 ? path : $"{path}?{string.Join("&", pairs.Select(p => $"{p[0]}={p[1]}"))}";
    }

    /// The request for a route pattern: the member asked about, and usual values for other parameters.
    private static string Fill(string pattern, string member)
    {
        var path = Parameter().Replace(pattern, m => m.Groups[1].Value switch
        {
            var name when name.Contains("member", StringComparison.OrdinalIgnoreCase) => member,
            "branch" => member.StartsWith("n-", StringComparison.Ordinal) ? "b2" : "b1",
            "year" => Year,
            "quarter" => "1",
            "month" => "3",
            "period" => Year,
            _ => "x",
        });
        return $"{path}?year={Year}&on=2025-06-01";
    }

    [GeneratedRegex(@"\{([^}:?=*]+)[^}]*\}")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"\{[^}]*member[^}]*\}", RegexOptions.IgnoreCase)]
    private static partial Regex MemberParameter();
}
