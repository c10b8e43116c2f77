using PointsEngine.Store.Chain;
using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Chain;

public abstract class when_a_field_of_an_event_is_edited_in_the_database(ChainBackend backend) : ChainScenario(backend)
{
    public sealed class on_sqlite() : when_a_field_of_an_event_is_edited_in_the_database(new SqliteChainBackend());

    [Collection(PostgresFixture.Collection)]
    public sealed class on_postgres(PostgresFixture pg) : when_a_field_of_an_event_is_edited_in_the_database(new PostgresChainBackend(pg));

    [Theory]
    [InlineData(ChainField.Stream)]
    [InlineData(ChainField.Revision)]
    [InlineData(ChainField.EventId)]
    [InlineData(ChainField.Type)]
    [InlineData(ChainField.Data)]
    [InlineData(ChainField.OccurredAt)]
    [InlineData(ChainField.RecordedAt)]
    [InlineData(ChainField.RecordedBy)]
    [InlineData(ChainField.CorrelationId)]
    [InlineData(ChainField.CausationId)]
    public async Task verify_names_that_event_and_only_it_as_edited(ChainField field)
    {
        // Given a sealed log
        var store = await StoreAsync();
        var log = await AppendSampleLogAsync(store, 9);
        await VerifiedHeadAsync(store);

        // When one field of the event in the middle is changed directly in the database
        var target = log[4];
        await EditAsync(store, target.Position, field);

        // Then verify names that event, at its position, as edited
        var report = await VerifyAsync(store);
        var broken = Assert.Single(report.Breaks);
        Assert.Equal(ChainDamage.ContentEdited, broken.Damage);
        Assert.Equal(target.Position, broken.Position);
        if (field is not (ChainField.Stream or ChainField.Revision or ChainField.EventId))
            AssertNames(target, broken);
        Assert.Equal(9, report.EventsChecked);
    }

    [Fact]
    public async Task changing_only_its_hash_names_that_event_as_a_hash_edit()
    {
        // Given
        var store = await StoreAsync();
        var log = await AppendSampleLogAsync(store, 9);
        await VerifiedHeadAsync(store);

        // When
        await EditAsync(store, log[4].Position, ChainField.Hash);

        // Then the event after it, which chains onto the hash, is not blamed
        var broken = Assert.Single((await VerifyAsync(store)).Breaks);
        Assert.Equal(ChainDamage.HashEdited, broken.Damage);
        AssertNames(log[4], broken);
    }
}
