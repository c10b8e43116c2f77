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

    protected override async Task<IEventStore> CreateStoreAsync() =>
        await PostgresEventStore.OpenAsync(
            new PostgresStoreOptions(await postgres.CreateDatabaseAsync("contract")) { Clock = Clock });
}
