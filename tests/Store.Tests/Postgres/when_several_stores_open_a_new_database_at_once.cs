using PointsEngine.TestSupport;
using static PointsEngine.Store.Tests.Postgres.PostgresScenario;

namespace PointsEngine.Store.Tests.Postgres;

[Collection(PostgresFixture.Collection)]
public sealed class when_several_stores_open_a_new_database_at_once(PostgresFixture pg)
{
    [Fact]
    public async Task all_of_them_open_and_share_one_log()
    {
        // Given a database without the schema
        var db = await pg.CreateDatabaseAsync("concurrent_open");

        // When eight processes start at the same moment, each creating the schema if it is missing
        var stores = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => OpenAsync(db))));
        try
        {
            // Then all of them work on the same log
            for (var i = 0; i < stores.Length; i++)
                await stores[i].AppendToStreamAsync(new StreamName($"opened-{i}"), ExpectedRevision.NoStream, [NewEvent()]);
            foreach (var store in stores)
                Assert.Equal(stores.Length, (await store.ReadAllAsync(LogPosition.Start).ToListAsync()).Count);
        }
        finally
        {
            foreach (var store in stores) await store.DisposeAsync();
        }
    }
}
