using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Data.Sqlite;
using PointsEngine.Api.Access;
using PointsEngine.Load.Report;
using PointsEngine.Load.Support;
using PointsEngine.Store;
using PointsEngine.Store.Sqlite;
using static PointsEngine.Load.Report.Format;

namespace PointsEngine.Load.Sections;

/// The real server on loopback: a 40-member meeting per request, then single writes (volunteer hours),
/// each with its own Idempotency-Key, from many connections at once. The load comes from wrk when it is
/// installed (it costs the shared cores least), else from an in-process HttpClient generator: either way
/// the same machine's two cores serve and load.
public sealed class HttpSuite(SuiteOptions options, ProgressLog log, Results results)
{
    private readonly string? _wrk = options.HttpGenerator switch
    {
        HttpGenerator.InProcess => null,
        HttpGenerator.Wrk => WrkLoad.Find() ?? throw new InvalidOperationException("wrk is not installed (apt-get install -y wrk)"),
        _ => WrkLoad.Find(),
    };

    public async Task RunAsync()
    {
        var dir = Path.Combine(options.WorkDirectory, "http");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "points.db");
        var workload = new Workload(options.Quick ? 2 : 50, options.AttendeesPerMeeting);
        var key = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var tokens = new TokenService(SigningKey.FromText(key, "bench"), TimeProvider.System);
        var token = tokens.IssueNew("bench", "压测", Role.Admin, [], null, TimeSpan.FromHours(2)).Token;
        log.Line($"http: load generator: {(_wrk is null ? "in-process HttpClient" : "wrk")}");

        // Each phase on a freshly enrolled organisation and a new server: the meetings leave scoring far behind
        // (40 awards each), and single writes measured behind that backlog would only measure its refusals.
        var meetings = 0;
        var meeting = await OnFreshServerAsync(path, key, token, workload, client => LoadAsync(client, "meetings", WrkLoad.Kind.Meeting, workload, dir, token, () =>
        {
            var m = workload.Meeting(Interlocked.Increment(ref meetings), "http");
            var body = $$"""{"occurredOn":"{{m.OccurredOn:yyyy-MM-dd}}","kind":"{{m.Kind}}","topic":"{{m.Topic}}","attendance":[{{string.Join(',',
                m.Attendance.Select(a => $$"""{"member":"{{a.Member.Value}}","status":"{{a.Status}}"}"""))}}]}""";
            return ($"/api/branches/{m.Branch.Value}/meetings", body);
        }));
        Report(RowIds.HttpMeeting, $"HTTP: a {options.AttendeesPerMeeting}-member meeting per request (POST /api/branches/{{b}}/meetings, durable, scored behind)",
            meeting, "≥ 1,000 req/s", meeting.Rate >= 1_000);

        var singles = 0;
        var single = await OnFreshServerAsync(path, key, token, workload, client => LoadAsync(client, "single writes", WrkLoad.Kind.Single, workload, dir, token, () =>
        {
            var i = Interlocked.Increment(ref singles);
            var member = Workload.Member(i % workload.Branches, i / workload.Branches % workload.MembersPerBranch);
            var day = new DateOnly(2025, 1, 1).AddDays(i % 360);
            return ("/api/volunteer-service", $$"""{"member":"{{member.Value}}","hours":1.5,"activity":"做24小时党员","occurredOn":"{{day:yyyy-MM-dd}}"}""");
        }));
        Report(RowIds.HttpSingle, "HTTP: single writes (POST /api/volunteer-service, durable, scored behind)", single,
            "≥ 5,000 req/s, p99 < 20 ms", single.Rate >= 5_000 && single.P99 < 20);
        SqliteSuite.DeleteDatabase(path);
    }

    private async Task<Run> OnFreshServerAsync(string path, string key, string token, Workload workload, Func<HttpClient, Task<Run>> load)
    {
        SqliteSuite.DeleteDatabase(path);
        log.Line($"http: enrolling {workload.Members:N0} members, then starting the server");
        await using (var store = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(path)))
        await using (var harness = EngineHarness.On(store))
            await harness.RecordInOrderAsync(workload.Organisation(), 256);
        SqliteConnection.ClearAllPools();

        await using var server = ServerProcess.Start(path, key);
        await server.WaitUntilHealthyAsync(TimeSpan.FromMinutes(2));
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.HttpConnections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await load(client);
    }

    private sealed record Run(double Rate, double P50, double P99, long Ok, Dictionary<int, long> Refused, TimeSpan Duration, string Generator);

    private async Task<Run> LoadAsync(HttpClient client, string name, WrkLoad.Kind kind, Workload workload, string dir, string token,
        Func<(string Path, string Body)> next)
    {
        log.Line($"http: {name}, {options.HttpConnections} connections, warm-up {Seconds(options.HttpWarmup.TotalSeconds)} then {Seconds(options.HttpDuration.TotalSeconds)}");
        Run run;
        if (_wrk is { } wrk)
        {
            Task<WrkLoad.Outcome> Wrk(TimeSpan duration) => WrkLoad.RunAsync(wrk, client.BaseAddress!, token, kind, workload.Branches,
                workload.MembersPerBranch, options.AttendeesPerMeeting, options.HttpConnections, duration, dir);
            await Wrk(options.HttpWarmup);
            var o = await Wrk(options.HttpDuration);
            run = new Run(o.Ok / o.Duration.TotalSeconds, o.P50Ms, o.P99Ms, o.Ok, o.Refused, o.Duration, "wrk, latencies of all answers");
        }
        else
        {
            await PhaseAsync(client, next, options.HttpWarmup, null);
            var latencies = new Latencies();
            var (ok, refused, duration) = await PhaseAsync(client, next, options.HttpDuration, latencies);
            run = new Run(ok / duration.TotalSeconds, latencies.P50, latencies.P99, ok, refused, duration, "in-process HttpClient");
        }
        log.Line($"http: {name}: {Rate(run.Rate, "req")} ok, p50 {Ms(run.P50)}, p99 {Ms(run.P99)}" +
                 (run.Refused.Count > 0 ? $", refused {string.Join(", ", run.Refused.Select(r => $"{r.Key}×{r.Value}"))}" : ""));
        return run;
    }

    private async Task<(long Ok, Dictionary<int, long> Refused, TimeSpan Duration)> PhaseAsync(
        HttpClient client, Func<(string Path, string Body)> next, TimeSpan duration, Latencies? latencies)
    {
        long ok = 0;
        var refused = new Dictionary<int, long>();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, options.HttpConnections).Select(_ => Task.Run(async () =>
        {
            var mine = new List<double>();
            while (clock.Elapsed < duration)
            {
                var (path, body) = next();
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request);
                await response.Content.LoadIntoBufferAsync();
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref ok);
                    mine.Add(ms);
                }
                else
                {
                    lock (refused) refused[(int)response.StatusCode] = refused.GetValueOrDefault((int)response.StatusCode) + 1;
                    if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests) await Task.Delay(50);
                }
            }
            latencies?.AddAll(mine);
        })).ToArray();
        await Task.WhenAll(workers);
        return (ok, refused, clock.Elapsed);
    }

    private void Report(string id, string measure, Run run, string target, bool met)
    {
        var refusedText = run.Refused.Count == 0 ? "" : $"; refused: {string.Join(", ", run.Refused.Select(r => $"{r.Value:N0}× {r.Key}"))}";
        results.Add(new ResultRow(id, measure,
            $"{Rate(run.Rate, "req")}, p50 {Ms(run.P50)}, p99 {Ms(run.P99)} ({run.Ok:N0} in {Seconds(run.Duration.TotalSeconds)}, {options.HttpConnections} connections, {run.Generator}{refusedText})",
            "—", "—", target, met ? Verdict.Met : Verdict.NotMet));
    }
}
