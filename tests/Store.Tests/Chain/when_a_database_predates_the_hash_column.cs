using PointsEngine.Store.Chain;
using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Chain;

public abstract class when_a_database_predates_the_hash_column(ChainBackend backend) : ChainScenario(backend)
{
    public sealed class on_sqlite() : when_a_database_predates_the_hash_column(new SqliteChainBackend());

    [Collection(PostgresFixture.Collection)]
    public sealed class on_postgres(PostgresFixture pg) : when_a_database_predates_the_hash_column(new PostgresChainBackend(pg));

    private const int LegacyEvents = 20;

    // Rows as the store wrote them before the chain: no hash column.
    private Task<IEventStore> OpenLegacyStoreAsync() => Backend.OpenLegacyAsync(async c =>
    {
        for (var i = 0; i < LegacyEvents; i++)
        {
            var data = $$"""{"n":{{i}}}""";
            await using var cmd = c.CreateCommand();
            cmd.CommandText = $"""
                INSERT INTO events (stream, revision, event_id, type, data, occurred_at, recorded_at, recorded_by, correlation_id, causation_id)
                VALUES ('member-{i % 4}', {i / 4}, {Backend.NewUuid}, 'V1.Legacy', '{data}', {Backend.Now}, {Backend.Now}, 'legacy',
                        {(i % 2 == 0 ? Backend.NewUuid : "NULL")}, NULL)
                """;
            await cmd.ExecuteNonQueryAsync();
        }
    });

    [Fact]
    public async Task opening_it_seals_the_existing_events_and_new_ones_chain_on()
    {
        // Given / When
        var store = await OpenLegacyStoreAsync();

        // Then
        var report = await VerifyAsync(store);
        Assert.Empty(report.Breaks);
        Assert.Equal(LegacyEvents, report.EventsChecked);
        Assert.Equal(0, report.EventsUnsealed);

        // and after new appends
        await AppendSampleLogAsync(store, 5);
        report = await VerifyAsync(store);
        Assert.Empty(report.Breaks);
        Assert.Equal(LegacyEvents + 5, report.EventsChecked);
    }

    [Fact]
    public async Task an_edit_to_an_existing_event_after_it_was_sealed_is_named()
    {
        // Given
        var store = await OpenLegacyStoreAsync();
        var log = await ReadAllAsync(store);
        await VerifiedHeadAsync(store);

        // When
        await EditAsync(store, log[7].Position, ChainField.Data);

        // Then
        var broken = Assert.Single((await VerifyAsync(store)).Breaks);
        Assert.Equal(ChainDamage.ContentEdited, broken.Damage);
        AssertNames(log[7], broken);
    }
}
