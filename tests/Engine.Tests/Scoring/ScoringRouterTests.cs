using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store.Sqlite;
using PointsEngine.TestSupport;

namespace PointsEngine.Engine.Tests.Scoring;

/// The router after a restart: events delivered again from the checkpoint must be decided with the
/// rule book, calendar and roster of their own place in the log, not of where the failed run stopped.
public sealed class a_router_reloaded_at_an_earlier_checkpoint : IAsyncLifetime
{
    private TempSqlite _sqlite = null!;

    public async Task InitializeAsync() => _sqlite = await TempSqlite.OpenAsync();

    public async Task DisposeAsync() => await _sqlite.DisposeAsync();

    [Fact]
    public async Task forgets_what_it_folded_after_that_checkpoint()
    {
        // Given a member enrolled, then a year closed and a second member enrolled later in the log
        await using var engine = new ScoringEngine(_sqlite.Store, new SqliteCheckpointStore(_sqlite.Store), DomainSerializer.Create(), RuleSetDocument.Parse);
        var early = (await engine.RecordAsync(new MemberEnrolled(new FactId("e1"), new DateOnly(2024, 1, 5), new MemberId("m1"), "张三",
            new BranchId("b1"), null, MemberStatus.Full, MemberCategory.Regular), "secretary-1")).LastPosition!.Value;
        await engine.RecordAsync(new YearClosed(new FactId("close-2024"), new DateOnly(2025, 1, 10), 2024), "admin");
        await engine.RecordAsync(new MemberEnrolled(new FactId("e2"), new DateOnly(2025, 2, 1), new MemberId("m2"), "李四",
            new BranchId("b1"), null, MemberStatus.Full, MemberCategory.Regular), "secretary-1");
        var router = new ScoringRouter(DomainSerializer.Create(), RuleSetDocument.Parse);
        await router.LoadAsync(_sqlite.Store, await _sqlite.Store.ReadHeadPositionAsync(), default);
        Assert.True(router.Calendar.IsClosed(2024));
        Assert.Equal(2, router.RosterSize);

        // When it is reloaded at the earlier checkpoint
        await router.LoadAsync(_sqlite.Store, early, default);

        // Then it holds only what came up to there
        Assert.False(router.Calendar.IsClosed(2024));
        Assert.Equal(1, router.RosterSize);
    }
}
