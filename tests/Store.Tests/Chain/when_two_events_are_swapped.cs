using PointsEngine.Store.Chain;
using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Chain;

public abstract class when_two_events_are_swapped(ChainBackend backend) : ChainScenario(backend)
{
    public sealed class on_sqlite() : when_two_events_are_swapped(new SqliteChainBackend());

    [Collection(PostgresFixture.Collection)]
    public sealed class on_postgres(PostgresFixture pg) : when_two_events_are_swapped(new PostgresChainBackend(pg));

    [Theory]
    [InlineData(2, 6)]
    [InlineData(3, 4)]
    public async Task swapping_their_payloads_names_both_as_edited(int first, int second)
    {
        // Given
        var store = await StoreAsync();
        var log = await AppendSampleLogAsync(store, 9);
        await VerifiedHeadAsync(store);

        // When
        await SwapPayloadsAsync(store, log[first].Position, log[second].Position);

        // Then
        var report = await VerifyAsync(store);
        Assert.Equal(2, report.Breaks.Count);
        AssertNames(log[first], report.Breaks[0]);
        AssertNames(log[second], report.Breaks[1]);
        Assert.All(report.Breaks, b => Assert.Equal(ChainDamage.ContentEdited, b.Damage));
    }

    [Theory]
    [InlineData(2, 6)]
    [InlineData(3, 4)]
    [InlineData(0, 8)]
    public async Task swapping_them_whole_names_both_positions_as_reordered(int first, int second)
    {
        // Given
        var store = await StoreAsync();
        var log = await AppendSampleLogAsync(store, 9);
        await VerifiedHeadAsync(store);

        // When each takes the other's place in the log
        await SwapEventsAsync(store, log[first].Position, log[second].Position);

        // Then both places are named, each holding the other event now
        var report = await VerifyAsync(store);
        Assert.Equal(2, report.Breaks.Count);
        Assert.Equal(log[first].Position, report.Breaks[0].Position);
        Assert.Equal(log[second].EventId, report.Breaks[0].EventId);
        Assert.Equal(log[second].Position, report.Breaks[1].Position);
        Assert.Equal(log[first].EventId, report.Breaks[1].EventId);
        Assert.All(report.Breaks, b => Assert.Equal(ChainDamage.Reordered, b.Damage));
    }
}
