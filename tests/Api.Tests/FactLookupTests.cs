using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Scoring;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Runner;
using PointsEngine.Store;
using PointsEngine.TestSupport;

namespace PointsEngine.Api.Tests;

/// IFactLookup by id (a revocation's target, a suggestion to assess) reads the activity projection's fact
/// table, and the log only above the projection's checkpoint, so a projection that lags never hides a fact.
public sealed class when_a_fact_is_looked_up_by_id : IAsyncLifetime
{
    private readonly EventSerializer _serializer = DomainSerializer.Create();
    private TempSqlite _db = null!;

    public async Task InitializeAsync() => _db = await TempSqlite.OpenAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<LogPosition> RecordAsync(IFact fact, string by)
    {
        var data = _serializer.ToEventData(FactStreams.EventIdOf(fact), fact, new EventMetadata(DateTimeOffset.UtcNow, by));
        return (await _db.Store.AppendToStreamAsync(FactStreams.For(fact), ExpectedRevision.Any, [data])).LastPosition!.Value;
    }

    private static ManualAdjustment Adjustment(string id, decimal points) =>
        new(new FactId(id), new DateOnly(2025, 5, 1), new MemberId("m1"), new Points(points), "表彰", "支委会");

    [Fact]
    public async Task facts_below_the_checkpoint_come_from_the_table_and_facts_above_it_from_the_log()
    {
        var read = new ReadModels(_db.Store, _serializer);
        var lookup = new StoreFactLookup(_db.Store, _serializer, read);
        var first = await RecordAsync(Adjustment("adj-1", 2), "secretary-1");

        // Before any read model exists, the whole log answers.
        Assert.Equal(first, (await lookup.FindAsync(new FactId("adj-1")))!.Position);

        await using (var runner = new ProjectionRunner(_db.Store, _serializer, ReadModels.Projections(_serializer)))
        {
            await runner.InitializeAsync();
            await runner.StartAsync();
            await runner.WaitForAsync(first).WaitAsync(TimeSpan.FromMinutes(2));
        }
        // The projection has stopped: this fact lies above its checkpoint.
        var second = await RecordAsync(Adjustment("adj-2", -1), "secretary-2");

        var located = await read.LocateFactAsync(new FactId("adj-1"));
        Assert.Equal(first, located.Position);
        Assert.True(located.Checkpoint >= first && located.Checkpoint < second);
        Assert.Null((await read.LocateFactAsync(new FactId("adj-2"))).Position);

        var one = await lookup.FindAsync(new FactId("adj-1"));
        Assert.Equal(("secretary-1", 2m), (one!.RecordedBy, ((ManualAdjustment)one.Fact).Points.Value));
        var two = await lookup.FindAsync(new FactId("adj-2"));
        Assert.Equal(("secretary-2", second), (two!.RecordedBy, two.Position));
        Assert.Null(await lookup.FindAsync(new FactId("adj-3")));
    }
}
