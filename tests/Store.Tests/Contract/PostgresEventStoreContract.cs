using PointsEngine.Store.Postgres;
using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Contract;

/// The contract against a real PostgreSQL server (started once by the fixture): one fresh database per
/// store. In the PostgreSQL collection so it never runs beside tests that hold transactions open, which
/// would hold back this suite's log reads (the in-flight guard is cluster-wide).
[Collection(PostgresFixture.Collection)]
public sealed class PostgresEventStoreContract(PostgresFixture postgres) : EventStoreContract
{
    protected override bool UsesContractClock => true;

    // A database per sequence costs more than the sequence: share one, fewer sequences.
    protected override bool ModelSharesOneStore => true;
    protected override int ModelSequences => 30;

    private readonly Dictionary<IEventStore, string> _databases = [];

    protected override async Task<IEventStore> CreateStoreAsync()
    {
        var database = await postgres.CreateDatabaseAsync("contract");
        var store = await PostgresEventStore.OpenAsync(new PostgresStoreOptions(database) { Clock = Clock });
        lock (_databases) _databases[store] = database;
        return store;
    }

    protected override async Task<IEventStore> OpenOnSameDataAsync(IEventStore store)
    {
        string database;
        lock (_databases) database = _databases[store];
        return await PostgresEventStore.OpenAsync(new PostgresStoreOptions(database) { Clock = Clock });
    }
}
