using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Newtonsoft.Json.Linq;
using PointsEngine.Api.Access;
using PointsEngine.Api.Tests.Support;
using static PointsEngine.Api.Tests.Hostile.HostileGen;

namespace PointsEngine.Api.Tests.Hostile;

/// #16 gap 3.3: besides hostile bodies, hostile query strings and headers on EVERY endpoint (the GETs
/// included), sent by EVERY kind of caller: odd, huge, repeated, unknown and injection-shaped query
/// parameters, bytes that are no UTF-8, very long query strings; Accept (text/csv, text/html, */*;q=0,
/// garbage), Content-Type and Idempotency-Key (empty, huge, non-ASCII, twice). Every answer is below 500,
/// every non-2xx answer a bilingual problem document, and neither a GET nor a refused write moves the log.
public sealed partial class when_hostile_requests_hit_every_write_endpoint
{
    /// One request of the fuzz, complete enough to send again by hand.
    private sealed record Probe(string Kind, string Endpoint, Who Who, string Method, string Path, string? Body, string? ContentType,
        IReadOnlyList<string>? Accept, IReadOnlyList<string>? Keys, string Notes)
    {
        public override string ToString() =>
            $"{Endpoint} as {Who}: {Method} {(Path.Length > 300 ? Path[..300] + $"… ({Path.Length} chars)" : Path)} [{Notes}]";
    }

    private static readonly string[] ServedPrefixes = ["/api", "/health", "/openapi"];

    /// Valid route values of the GET endpoints; a parameter without one fails the test, by name.
    private string RouteValue(string parameter) => parameter switch
    {
        "member" => "m-01",
        "branch" => "b1",
        "claim" => _setup.Claim,
        "sha256" => Uploads.Sha256(Uploads.Jpeg()),
        "period" => OpenPeriod,
        "documentName" => "v1",
        "session" => _checkIns.Open,
        "account" => "m-01",
        _ => throw new Xunit.Sdk.XunitException($"GET route parameter {{{parameter}}} has no valid value in {nameof(RouteValue)}"),
    };

    // Route values that are wrong: another member's or branch's, unknown, malformed, not UTF-8, very long.
    // (No %00: Kestrel refuses a NUL in the path before the application sees it, and the test server throws.)
    private static readonly string[] HostileRouteValues =
    [
        "%20", "a%20b", "%01", new string('x', 129), "..", "%2e%2e", "m-02", "n-01", "b2", "ghost-1", Encode("٢٠٢٥"), Encode("'; DROP TABLE events; --"),
        "%FF", "%C3%28", "%ED%A0%80", Encode(new string('長', 3_000)), "2025-13", "f-404",
    ];

    private Dictionary<Who, HttpClient> Clients() => new()
    {
        [Who.Anonymous] = _api.Client(),
        [Who.ExpiredToken] = _api.Client(_api.ExpiredToken(Role.Admin, "admin-1")),
        [Who.ForgedToken] = _api.Client(new TokenService(SigningKey.FromText(new string('x', 40), "test"), TimeProvider.System)
            .IssueNew("admin-1", "admin-1", Role.Admin, [], null, TimeSpan.FromHours(1)).Token),
        [Who.Admin] = Admin(),
        [Who.Appraiser] = _api.Client(_api.Token(Role.Appraiser, "appraiser-1")),
        [Who.SecretaryOfB1] = Secretary(),
        [Who.SecretaryOfB2] = _api.Client(_api.Token(Role.Secretary, "secretary-b2", ["b2"])),
        [Who.MemberM01] = Member("m-01"),
        [Who.MemberM02] = Member("m-02"),
    };

    /// Some GETs answered with JSON regardless, some with a file; what they answer on success is not the point.
    private Gen<Probe> GetProbe(string pattern, Who who, string[] declared)
    {
        var names = Regex.Matches(pattern, @"\{([^}:?=*]+)[^}]*\}").Select(m => m.Groups[1].Value).ToList();
        var route = from hostile in Gen.Frequency((3, Gen.Constant(-1)), (1, Gen.Choose(0, Math.Max(0, names.Count - 1))))
                    from value in Gen.Elements(HostileRouteValues)
                    select (Index: names.Count == 0 ? -1 : hostile, Value: value);
        return from r in route
               from h in Hostilities(declared, queryOften: true)
               let path = Regex.Replace(pattern, @"\{([^}:?=*]+)[^}]*\}", m =>
                   r.Index >= 0 && names[r.Index] == m.Groups[1].Value ? r.Value : Uri.EscapeDataString(RouteValue(m.Groups[1].Value)))
               select new Probe("GET", $"GET {pattern}", who, "GET", h.AppendTo(path), null, h.ContentType, h.Accept, h.Keys,
                   $"{(r.Index >= 0 ? $"{{{names[r.Index]}}}={r.Value[..Math.Min(r.Value.Length, 24)]}; " : "")}{h}");
    }

    /// A write from its valid start or one of its poisons (the other test's generators), then hostile headers
    /// and, now and then, a hostile query string.
    private static Gen<Probe> WriteProbe(EndpointSpec spec, string method, string pattern, Who who, string[] declared) =>
        from draft in Gen.Frequency((1, Gen.Fresh(spec.Valid)), (2, Gen.OneOf(spec.Poisons).Select(p => p(spec.Valid()))))
        from h in Hostilities(declared, queryOften: false)
        select new Probe("write", spec.Endpoint, who, method, h.AppendTo(draft.Path(pattern)), draft.Json, h.ContentType ?? draft.ContentType,
            h.Accept, h.Keys ?? (draft.Key is null ? null : [draft.Key]), $"{string.Join("; ", draft.Notes)}; {h}");

    [Fact]
    public async Task every_endpoint_answers_hostile_query_strings_and_headers_from_every_caller_with_a_problem_document_and_writes_nothing()
    {
        var seed = ulong.TryParse(Environment.GetEnvironmentVariable("HOSTILE_SEED"), out var s) ? s : (ulong)Random.Shared.NextInt64();
        var specs = Specs().ToDictionary(spec => spec.Endpoint);
        var writes = WriteEndpoints(_api.Services);
        var queries = Routes.QueryParameters(_api.Services);
        var gets = Routes.Patterns(_api.Services, "GET").Where(p => ServedPrefixes.Any(x => p.StartsWith(x, StringComparison.Ordinal))).ToList();
        var endpoints = gets.Select(p => (Kind: "GET", Endpoint: $"GET {p}"))
            .Concat(writes.Keys.Order(StringComparer.Ordinal).Select(e => (Kind: "write", Endpoint: e))).ToList();
        Gen<Probe> ProbeFor(string endpoint, Who who)
        {
            var declared = queries.GetValueOrDefault(endpoint, []);
            if (endpoint.StartsWith("GET ", StringComparison.Ordinal)) return GetProbe(endpoint[4..], who, declared);
            var (method, pattern) = writes[endpoint];
            return WriteProbe(specs[endpoint], method, pattern, who, declared);
        }

        // Every endpoint with every caller in turn, as many rounds as the count asks for.
        var pairs = endpoints.SelectMany(e => Enum.GetValues<Who>().Select(w => (e.Endpoint, Who: w))).ToList();
        var count = Math.Max(Requests, pairs.Count);
        var probes = Enumerable.Range(0, count).Select(i => ProbeFor(pairs[i % pairs.Count].Endpoint, pairs[i % pairs.Count].Who)
            .Sample(1, new Rnd(seed + (ulong)i), 20).Single()).ToList();

        var clients = Clients();
        var byKind = new SortedDictionary<string, int>();
        var byWho = new SortedDictionary<string, int>();
        var statuses = new SortedDictionary<int, int>();
        var failures = new List<(string Category, string Detail)>();
        var head = await _api.HeadAsync();
        foreach (var probe in probes)
        {
            var (status, mediaType, text) = await SendAsync(clients[probe.Who], probe);
            var after = await _api.HeadAsync();
            byKind[probe.Kind] = byKind.GetValueOrDefault(probe.Kind) + 1;
            byWho[probe.Who.ToString()] = byWho.GetValueOrDefault(probe.Who.ToString()) + 1;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var accept = probe.Accept is null ? "default Accept" : $"Accept {string.Join(" + ", probe.Accept.Select(a => a.Length > 40 ? a[..40] + "…" : a))}";
            if (status >= 500)
                failures.Add(($"{status} to a {probe.Kind} with {accept}", $"{probe} → {status} {Shorten(text)}"));
            else if (status is < 200 or >= 300 && ProblemFault(status, mediaType, text) is { } fault)
                failures.Add(($"{status} not a problem document ({fault}) to a {probe.Kind} with {accept}", $"{probe} → {status} {mediaType} {Shorten(text)}"));
            if (after != head && (probe.Kind == "GET" || status is < 200 or >= 300))
                failures.Add(($"the log moved on a {(probe.Kind == "GET" ? "GET" : "refused write")}", $"{probe} → {status}: head {head.Value} → {after.Value}"));
            head = after;
        }

        _output.WriteLine($"seed {seed} (HOSTILE_SEED={seed} replays it); {probes.Count} requests over {endpoints.Count} endpoints " +
                          $"({gets.Count} GET, {writes.Count} write) × {Enum.GetValues<Who>().Length} callers");
        _output.WriteLine($"by kind: {string.Join(", ", byKind.Select(k => $"{k.Key} {k.Value}"))}");
        _output.WriteLine($"by caller: {string.Join(", ", byWho.Select(k => $"{k.Key} {k.Value}"))}");
        _output.WriteLine($"answers: {string.Join(", ", statuses.Select(k => $"{k.Key}×{k.Value}"))}; 5xx: {statuses.Where(k => k.Key >= 500).Sum(k => k.Value)}");
        var summary = failures.GroupBy(f => f.Category).OrderByDescending(g => g.Count())
            .Select(g => $"{g.Count()} × {g.Key}, e.g. {g.First().Detail}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {probes.Count} answers were wrong (seed {seed}):\n{string.Join("\n", summary)}");
    }

    /// Why an answer is not a bilingual problem document with its status, or null when it is one.
    private static string? ProblemFault(int status, string? mediaType, string text)
    {
        if (mediaType != "application/problem+json") return $"Content-Type {mediaType ?? "none"}";
        JObject body;
        try { body = JObject.Parse(text); }
        catch (Newtonsoft.Json.JsonException) { return "not JSON"; }
        if ((int?)body["status"] != status) return $"status {body["status"]}";
        return string.IsNullOrWhiteSpace((string?)body["zh"]) || string.IsNullOrWhiteSpace((string?)body["en"]) ? "zh or en missing" : null;
    }

    private static async Task<(int Status, string? MediaType, string Text)> SendAsync(HttpClient client, Probe probe)
    {
        using var request = new HttpRequestMessage(new HttpMethod(probe.Method), probe.Path);
        if (probe.Body is not null || probe.ContentType is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(probe.Body ?? ""));
            if (probe.ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", probe.ContentType);
        }
        foreach (var accept in probe.Accept ?? []) request.Headers.TryAddWithoutValidation("Accept", accept);
        foreach (var key in probe.Keys ?? []) request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
