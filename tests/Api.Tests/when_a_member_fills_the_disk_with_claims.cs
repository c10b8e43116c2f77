using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Access;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Api.Workflows;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;
using PointsEngine.Store.Sqlite;
using Xunit.Abstractions;

namespace PointsEngine.Api.Tests;

/// #16 finding 2.5: one member stored 84 MiB of claims in 1.2 s, with no quota. Now: at most
/// Claims:SubmissionsPerWindow submissions per account per window (429 + Retry-After, before the body is
/// read), Claims:MaxMemberBytesPerPeriod attachment bytes per member per period (413) and
/// Claims:MaxPendingClaims undecided claims (429); a refused or failed claim leaves no row in claim_files.
public sealed class when_a_member_fills_the_disk_with_claims(ITestOutputHelper output)
{
    private const string On = "2025-06-01";
    private const int Mib = 1024 * 1024;

    private static Dictionary<string, string> Hours(int n) =>
        new() { ["kind"] = "志愿服务", ["title"] = $"服务 {n}", ["hours"] = "1", ["occurredOn"] = On };

    private static async Task<ApiHost> MemberServerAsync(Action<IWebHostBuilder>? configure = null)
    {
        var api = ApiHost.OnSqlite(configure);
        await Setup.RulesAsync(api.Admin);
        await Setup.BranchAsync(api.Admin, "b1", "m-01", "m-02");
        return api;
    }

    /// Rows and bytes in claim_files, read through the store's own connection.
    private static async Task<(long Rows, long Bytes)> StoredFilesAsync(IEventStore store)
    {
        await using var c = await ReadModelDatabase.For(store).OpenAsync();
        await using var sql = new Sql(c);
        var rows = await sql.QueryAsync("SELECT count(*), coalesce(sum(size), 0) FROM claim_files", r => (r.GetInt64(0), r.GetInt64(1)), CancellationToken.None);
        return rows[0];
    }

    [Fact]
    public async Task the_84_MiB_burst_is_refused_early_and_the_stored_bytes_stay_under_the_quota()
    {
        // The defaults: 8 MiB per file, 50 MiB per member per 24 h, 10 submissions per account per minute.
        await using var api = await MemberServerAsync();
        const long quota = 50L * Mib; // Claims:MaxMemberBytesPerPeriod's default
        var member = api.Client(api.Token(Role.Member, "m-01", member: "m-01"));

        // When one member sends twelve claims of 7 MiB each (84 MiB) at once
        var watch = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            member.PostClaimAsync("/api/claims", Hours(i), [($"photo-{i}.jpg", Uploads.Jpeg(7 * Mib, fill: (byte)i))])));
        watch.Stop();
        var byStatus = answers.GroupBy(a => a.Status).ToDictionary(g => g.Key, g => g.Count());
        var stored = await StoredFilesAsync(api.Services.GetRequiredService<IEventStore>());
        output.WriteLine($"12 claims of 7 MiB in {watch.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", byStatus.Select(s => $"{(int)s.Key}×{s.Value}"))}; " +
            $"claim_files holds {stored.Rows} files, {stored.Bytes} bytes (quota {quota})");

        // Then only what fits the member's quota was recorded and stored, and every other claim was refused with a
        // bilingual problem naming its limit and a Retry-After
        Assert.Equal(7, byStatus.GetValueOrDefault(HttpStatusCode.Created)); // 7 × 7 MiB = 49 MiB ≤ 50 MiB
        Assert.Equal(12, answers.Count(a => a.Status is HttpStatusCode.Created or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.TooManyRequests));
        Assert.Equal((7L, 7L * 7 * Mib), stored);
        Assert.True(stored.Bytes <= quota);
        foreach (var refused in answers.Where(a => a.Status != HttpStatusCode.Created))
        {
            var code = refused.Body["code"]!.ToString();
            Assert.Contains(code, new[] { "claims-bytes-quota", "claims-rate-limit" });
            var setting = code == "claims-bytes-quota" ? "Claims:MaxMemberBytesPerPeriod" : "Claims:SubmissionsPerWindow";
            Assert.Contains(setting, refused.Body["zh"]!.ToString());
            Assert.Contains(setting, refused.Body["en"]!.ToString());
            Assert.NotNull(refused.Response.Headers.RetryAfter);
        }
        // The two beyond ten submissions a minute were refused by the rate limiter, before their bodies were read.
        Assert.Equal(2, answers.Count(a => a.Body["code"]?.ToString() == "claims-rate-limit"));

        // Another member is not limited by the first one's quota or rate.
        var other = api.Client(api.Token(Role.Member, "m-02", member: "m-02"));
        (await other.PostClaimAsync("/api/claims", Hours(99), [("mine.jpg", Uploads.Jpeg(7 * Mib, fill: 0x77))])).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task claims_over_the_quotas_are_refused_and_leave_no_rows_in_claim_files()
    {
        await using var api = await MemberServerAsync(b => b
            .UseSetting("Claims:MaxPendingClaims", "3").UseSetting("Claims:MaxMemberBytesPerPeriod", "10000").UseSetting("Claims:SubmissionsPerWindow", "100"));
        var store = api.Services.GetRequiredService<IEventStore>();
        var member = api.Client(api.Token(Role.Member, "m-01", member: "m-01"));
        var first = (await member.PostClaimAsync("/api/claims", Hours(1), [("a.jpg", Uploads.Jpeg(4000, 1))], key: "claim-1")).ShouldBe(HttpStatusCode.Created);
        (await member.PostClaimAsync("/api/claims", Hours(2), [("b.jpg", Uploads.Jpeg(4000, 2))])).ShouldBe(HttpStatusCode.Created);
        var before = await StoredFilesAsync(store);
        Assert.Equal((2L, 8000L), before);

        // Over the bytes per period: 413 naming the setting and its value, and the file is not stored
        var tooMuch = (await member.PostClaimAsync("/api/claims", Hours(3), [("c.jpg", Uploads.Jpeg(4000, 3))])).ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge, "claims-bytes-quota");
        Assert.Contains("Claims:MaxMemberBytesPerPeriod = 10000", tooMuch["en"]);
        Assert.Contains("Claims:MaxMemberBytesPerPeriod = 10000", tooMuch["zh"]);
        Assert.NotNull(tooMuch.Response.Headers.RetryAfter);
        Assert.Equal(before, await StoredFilesAsync(store));

        // A claim without attachments still fits; then three are pending and a fourth is refused with 429
        (await member.PostClaimAsync("/api/claims", Hours(4), [])).ShouldBe(HttpStatusCode.Created);
        var pending = (await member.PostClaimAsync("/api/claims", Hours(5), [("d.jpg", Uploads.Jpeg(500, 5))])).ShouldBeProblem(HttpStatusCode.TooManyRequests, "claims-pending-quota");
        Assert.Contains("Claims:MaxPendingClaims = 3", pending["en"]);
        Assert.NotNull(pending.Response.Headers.RetryAfter);
        Assert.Equal(before, await StoredFilesAsync(store));

        // A retry of a recorded claim is still answered with its first result, quota or not
        var retried = (await member.PostClaimAsync("/api/claims", Hours(1), [("a.jpg", Uploads.Jpeg(4000, 1))], key: "claim-1")).ShouldBe(HttpStatusCode.Created);
        Assert.Equal(first["factId"], retried["factId"]);

        // Once the secretary decides one, the member may claim again
        var secretary = api.Client(api.Token(Role.Secretary, "sec-b1", ["b1"]));
        (await secretary.PostJsonAsync($"/api/claims/{first["factId"]}/rejection?wait=true", new { reason = "重复" })).ShouldBe(HttpStatusCode.Created);
        (await member.PostClaimAsync("/api/claims", Hours(6), [])).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task submissions_beyond_the_rate_are_refused_with_429_and_retry_after_per_account()
    {
        await using var api = await MemberServerAsync(b => b.UseSetting("Claims:SubmissionsPerWindow", "2").UseSetting("Claims:RateWindowSeconds", "600"));
        var member = api.Client(api.Token(Role.Member, "m-01", member: "m-01"));
        (await member.PostClaimAsync("/api/claims", Hours(1), [])).ShouldBe(HttpStatusCode.Created);
        (await member.PostClaimAsync("/api/claims", Hours(2), [])).ShouldBe(HttpStatusCode.Created);

        var refused = (await member.PostClaimAsync("/api/claims", Hours(3), [])).ShouldBeProblem(HttpStatusCode.TooManyRequests, "claims-rate-limit");
        Assert.Contains("Claims:SubmissionsPerWindow", refused["zh"]);
        Assert.True(refused.Response.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 and <= 600 }, $"Retry-After: {refused.Response.Headers.RetryAfter}");

        // The same member with a new token (another account would be another subject) is still limited;
        // another member is not, even from the same address.
        var again = api.Client(api.Token(Role.Member, "m-01", member: "m-01"));
        (await again.PostClaimAsync("/api/claims", Hours(4), [])).ShouldBeProblem(HttpStatusCode.TooManyRequests, "claims-rate-limit");
        var other = api.Client(api.Token(Role.Member, "m-02", member: "m-02"));
        (await other.PostClaimAsync("/api/claims", Hours(5), [])).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task a_claim_whose_append_fails_leaves_no_rows_in_claim_files()
    {
        var (api, faulty) = when_the_engine_is_overloaded.FaultyServer(services =>
            services.AddSingleton(sp => new AttachmentStore(sp.GetRequiredService<SqliteEventStore>())));
        await using var _ = api;
        await Setup.RulesAsync(api.Admin);
        await Setup.BranchAsync(api.Admin, "b1", "m-01");
        var sqlite = api.Services.GetRequiredService<SqliteEventStore>();
        var member = api.Client(api.Token(Role.Member, "m-01", member: "m-01"));
        (await member.PostClaimAsync("/api/claims", Hours(1), [("a.jpg", Uploads.Jpeg(900, 1))])).ShouldBe(HttpStatusCode.Created);
        var before = await StoredFilesAsync(sqlite);

        // When the store fails the claim's append after its file was stored
        faulty.FailNextAppends();
        var failed = await member.PostClaimAsync("/api/claims", Hours(2), [("b.jpg", Uploads.Jpeg(900, 2))]);
        Assert.NotEqual(HttpStatusCode.Created, failed.Status);

        // Then the file went with it; sent again, it is stored once with its claim
        Assert.Equal(before, await StoredFilesAsync(sqlite));
        (await member.PostClaimAsync("/api/claims", Hours(2), [("b.jpg", Uploads.Jpeg(900, 2))])).ShouldBe(HttpStatusCode.Created);
        Assert.Equal(before.Rows + 1, (await StoredFilesAsync(sqlite)).Rows);
    }
}
