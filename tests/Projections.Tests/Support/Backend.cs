using PointsEngine.Store;
using PointsEngine.Store.Postgres;
using PointsEngine.Store.Sqlite;
using PointsEngine.TestSupport;

namespace PointsEngine.Projections.Tests.Support;

/// A fresh store on one backend: a real SQLite file, or a new database on the test PostgreSQL server.
public abstract class Backend
{
    public abstract Task<(IEventStore Store, Func<ValueTask> Dispose)> OpenAsync();
}

public sealed class SqliteBackend : Backend
{
    public override async Task<(IEventStore Store, Func<ValueTask> Dispose)> OpenAsync()
    {
        // synchronous=NORMAL: these tests are about read models, not power loss, and run many years of facts.
        var file = await TempSqlite.OpenAsync(o => o with { Durability = SqliteDurability.Normal });
        return (file.Store, file.DisposeAsync);
    }
}

public sealed class PostgresBackend(PostgresFixture postgres) : Backend
{
    public override async Task<(IEventStore Store, Func<ValueTask> Dispose)> OpenAsync()
    {
        var store = await PostgresEventStore.OpenAsync(new PostgresStoreOptions(await postgres.CreateDatabaseAsync("projections")));
        return (store, store.DisposeAsync);
    }
}
