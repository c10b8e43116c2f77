using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Actors;
using PointsEngine.Store;
using PointsEngine.Store.Sqlite;

namespace PointsEngine.Api.Tests;

/// Overload and faults answer with problem documents and Retry-After, never a bare 500 (issue #5, #8 item 6).
public sealed class when_the_engine_is_overloaded
{
    [Fact]
    public async Task writes_are_refused_with_503_and_retry_after_while_scoring_lags_too_far_behind()
    {
        await using var api = ApiHost.OnSqlite(b => b
            .UseSetting("Api:MaxScoringBacklog", "1")
            .UseSetting("Projections:Run", "false")
            .ConfigureTestServices(services =>
            {
                // Scoring never sees the log: the backlog grows with every write.
                services.AddSingleton(sp => SqliteEventStore.OpenAsync(new SqliteStoreOptions(
                    sp.GetRequiredService<IConfiguration>()["Store:Path"]!)).GetAwaiter().GetResult());
                services.AddSingleton<IEventStore>(sp => new StalledSubscriptions(sp.GetRequiredService<SqliteEventStore>()));
                services.AddSingleton<ICheckpointStore>(sp => new SqliteCheckpointStore(sp.GetRequiredService<SqliteEventStore>()));
            }));
        var store = api.Services.GetRequiredService<IEventStore>();
        (await api.Admin.PostJsonAsync("/api/branches", new { branch = "b1", name = "b1", occurredOn = "2025-01-01" })).ShouldBe(HttpStatusCode.Created);
        (await api.Admin.PostJsonAsync("/api/members", new { member = "m-01", name = "m", branch = "b1", occurredOn = "2025-01-01" })).ShouldBe(HttpStatusCode.Created);
        var head = await store.ReadHeadPositionAsync();

        var refused = await api.Admin.PostJsonAsync("/api/volunteer-service", new { member = "m-01", hours = 1, activity = "a", occurredOn = "2025-02-01" });

        refused.ShouldBeProblem(HttpStatusCode.ServiceUnavailable, "scoring-backlog");
        Assert.NotNull(refused.Response.Headers.RetryAfter);
        Assert.Equal(head, await store.ReadHeadPositionAsync());
    }

    [Theory]
    [InlineData("mailbox", 429, "mailbox-full", true)]
    [InlineData("timeout", 503, "store-busy", true)]
    [InlineData("bug", 500, "internal-error", false)]
    public async Task a_fault_behind_a_write_is_a_problem_document(string fault, int status, string code, bool retryAfter)
    {
        Exception error = fault switch
        {
            "mailbox" => new MailboxFullException("member-m-01", 1000),
            "timeout" => new TimeoutException("pool exhausted"),
            _ => new InvalidOperationException("a bug with internals: C:\\secret\\path"),
        };
        await using var api = ApiHost.OnSqlite(b => b.ConfigureTestServices(services =>
            services.AddSingleton<IFactLookup>(sp => new FailingLookup(ActivatorUtilities.CreateInstance<StoreFactLookup>(sp), error))));
        await Setup.BranchAsync(api.Admin, "b1", "m-01");

        var answer = await api.Admin.PostJsonAsync("/api/volunteer-service", new { member = "m-01", hours = 1, activity = "a", occurredOn = "2025-02-01" });

        answer.ShouldBeProblem((HttpStatusCode)status, code);
        Assert.Equal(retryAfter, answer.Response.Headers.RetryAfter is not null);
        Assert.DoesNotContain("secret", answer.Body.ToString());
    }

    /// Appends and reads pass through; the subscription never delivers (scoring and the follower stall).
    private sealed class StalledSubscriptions(IEventStore inner) : IEventStore
    {
        public Task<AppendResult> AppendToStreamAsync(StreamName stream, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken ct = default) =>
            inner.AppendToStreamAsync(stream, expected, events, ct);

        public IAsyncEnumerable<RecordedEvent> ReadStreamAsync(StreamName stream, StreamRevision from, int maxCount = int.MaxValue, CancellationToken ct = default) =>
            inner.ReadStreamAsync(stream, from, maxCount, ct);

        public IAsyncEnumerable<RecordedEvent> ReadAllAsync(LogPosition after, int maxCount = int.MaxValue, CancellationToken ct = default) =>
            inner.ReadAllAsync(after, maxCount, ct);

        public Task<StreamRevision?> ReadStreamRevisionAsync(StreamName stream, CancellationToken ct = default) => inner.ReadStreamRevisionAsync(stream, ct);

        public Task<LogPosition> ReadHeadPositionAsync(CancellationToken ct = default) => inner.ReadHeadPositionAsync(ct);

        public async IAsyncEnumerable<RecordedEvent> SubscribeToAllAsync(LogPosition after, [EnumeratorCancellation] CancellationToken ct = default)
        {
            await Task.Delay(Timeout.Infinite, ct);
            yield break;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private sealed class FailingLookup(IFactLookup inner, Exception error) : IFactLookup
    {
        public Task<RecordedFact?> FindAsync(FactId id, CancellationToken ct = default) => inner.FindAsync(id, ct);

        public Task<RecordedFact?> FindInStreamAsync(FactId id, StreamName stream, CancellationToken ct = default) =>
            stream.Value.StartsWith("facts-", StringComparison.Ordinal) ? throw error : inner.FindInStreamAsync(id, stream, ct);
    }
}
