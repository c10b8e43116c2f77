using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Chain;

public abstract class when_an_event_is_deleted_from_the_middle_of_the_log(ChainBackend backend) : ChainScenario(backend)
{
    public sealed class on_sqlite() : when_an_event_is_deleted_from_the_middle_of_the_log(new SqliteChainBackend());

    [Collection(PostgresFixture.Collection)]
    public sealed class on_postgres(PostgresFixture pg) : when_an_event_is_deleted_from_the_middle_of_the_log(new PostgresChainBackend(pg));

    [Fact]
    public async Task verify_names_the_event_after_the_gap()
    {
        // Given
        var store = await StoreAsync();
        var log = await AppendSampleLogAsync(store, 9);
        await VerifiedHeadAsync(store);

        // When
        await DeleteAsync(store, log[4].Position);

        // Then (SQLite can say it was a deletion; on PostgreSQL rollbacks leave gaps too, so it says either)
        var report = await VerifyAsync(store);
        var broken = Assert.Single(report.Breaks);
        AssertNames(log[5], broken);
        Assert.Equal(Backend.AfterGap, broken.Damage);
        Assert.Equal(8, report.EventsChecked);
    }
}
