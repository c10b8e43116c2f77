using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using PointsEngine.Store.Chain;
using PointsEngine.Store.Sqlite;
using PointsEngine.Store.Tests.Postgres;
using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Chain;

public enum ChainField { Stream, Revision, EventId, Type, Data, OccurredAt, RecordedAt, RecordedBy, CorrelationId, CausationId, Hash }

/// What the chain scenarios need from a backend: fresh stores, a raw connection to the same data (the
/// tamperer's), and the few SQL spellings that differ. The scenarios themselves are written once.
public abstract class ChainBackend : IAsyncDisposable
{
    private readonly List<IEventStore> _stores = [];
    private readonly Dictionary<IEventStore, string> _locations = [];

    /// A fresh, empty store, disposed with the backend.
    public async Task<IEventStore> OpenAsync() => await OpenAtAsync(await NewLocationAsync());

    /// A second store on the same data, as another engine process would open it.
    public Task<IEventStore> OpenSecondAsync(IEventStore store) => OpenAtAsync(LocationOf(store));

    /// A store on data made before the hash column existed: the legacy schema, filled by <paramref name="fill"/>.
    public async Task<IEventStore> OpenLegacyAsync(Func<DbConnection, Task> fill)
    {
        var location = await NewLocationAsync();
        await using (var c = Connect(location))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = LegacySchema;
            await cmd.ExecuteNonQueryAsync();
            await fill(c);
        }
        return await OpenAtAsync(location);
    }

    /// A raw connection to the store's data, bypassing the store.
    public async Task<DbConnection> ConnectAsync(IEventStore store)
    {
        var c = Connect(LocationOf(store));
        await c.OpenAsync();
        return c;
    }

    /// What verify calls a failing link right after a gap in positions.
    public abstract ChainDamage AfterGap { get; }

    /// An expression for a fresh random uuid, as the column stores it.
    public abstract string NewUuid { get; }

    /// An expression for the current time, as the time columns store it.
    public abstract string Now { get; }

    /// An expression for a 32-byte value other than the row's hash.
    public abstract string AnotherHash { get; }

    public abstract string OneMicrosecondLater(string column);

    /// DDL making inserts of events of this type fail, so a whole group commit rolls back.
    public abstract string FailInsertsOfType(string type);

    /// The events table as it was before the hash column existed.
    protected abstract string LegacySchema { get; }

    protected abstract Task<string> NewLocationAsync();
    protected abstract Task<IEventStore> OpenStoreAsync(string location);
    protected abstract DbConnection Connect(string location);
    protected virtual Task DisposeLocationsAsync() => Task.CompletedTask;

    private async Task<IEventStore> OpenAtAsync(string location)
    {
        var store = await OpenStoreAsync(location);
        lock (_stores)
        {
            _stores.Add(store);
            _locations[store] = location;
        }
        return store;
    }

    private string LocationOf(IEventStore store)
    {
        lock (_stores) return _locations[store];
    }

    public async ValueTask DisposeAsync()
    {
        IEventStore[] stores;
        lock (_stores) stores = [.. _stores];
        try
        {
            foreach (var store in stores) await store.DisposeAsync();
        }
        finally
        {
            await DisposeLocationsAsync();
        }
        GC.SuppressFinalize(this);
    }
}

/// Real SQLite files in a temp directory of their own.
public sealed class SqliteChainBackend : ChainBackend
{
    private readonly string _directory = Directory.CreateTempSubdirectory("points-chain-").FullName;
    private int _files;

    public override ChainDamage AfterGap => ChainDamage.PredecessorDeleted;
    public override string NewUuid => "randomblob(16)";
    public override string Now => "1772000000000000";
    public override string AnotherHash => "randomblob(32)";
    public override string OneMicrosecondLater(string column) => $"{column} + 1";

    public override string FailInsertsOfType(string type) => $"""
        CREATE TRIGGER fail_{type.Replace('.', '_')} BEFORE INSERT ON events WHEN NEW.type = '{type}'
        BEGIN SELECT RAISE(ABORT, 'inserts of {type} fail in this test'); END;
        """;

    // As SqliteSchema created it before issue #8 item 5.
    protected override string LegacySchema => """
        CREATE TABLE events (
            position       INTEGER PRIMARY KEY,
            stream         TEXT    NOT NULL,
            revision       INTEGER NOT NULL,
            event_id       BLOB    NOT NULL,
            type           TEXT    NOT NULL,
            data           TEXT    NOT NULL,
            occurred_at    INTEGER NOT NULL,
            recorded_at    INTEGER NOT NULL,
            recorded_by    TEXT    NOT NULL,
            correlation_id BLOB,
            causation_id   BLOB
        );
        CREATE UNIQUE INDEX events_event_id ON events (event_id);
        CREATE UNIQUE INDEX events_stream_revision ON events (stream, revision);
        CREATE TABLE checkpoints (
            consumer TEXT PRIMARY KEY,
            position INTEGER NOT NULL
        );
        """;

    protected override Task<string> NewLocationAsync() =>
        Task.FromResult(Path.Combine(_directory, $"store-{Interlocked.Increment(ref _files)}.db"));

    protected override async Task<IEventStore> OpenStoreAsync(string location) =>
        await SqliteEventStore.OpenAsync(new SqliteStoreOptions(location));

    protected override DbConnection Connect(string location)
    {
        SqliteRuntime.EnsureInitialized();
        // Unpooled, so the tamperer's connections do not keep the files open after the test.
        return new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = location, Pooling = false }.ToString());
    }

    protected override Task DisposeLocationsAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { /* a reader still closing: the OS temp cleaner gets it */ }
        return Task.CompletedTask;
    }
}

/// A fresh database per store on the collection's throwaway server.
public sealed class PostgresChainBackend(PostgresFixture postgres) : ChainBackend
{
    public override ChainDamage AfterGap => ChainDamage.EditedOrPredecessorDeleted;
    public override string NewUuid => "gen_random_uuid()";
    public override string Now => "now()";
    public override string AnotherHash => "sha256(hash)";
    public override string OneMicrosecondLater(string column) => $"{column} + interval '1 microsecond'";

    public override string FailInsertsOfType(string type) => $"""
        CREATE FUNCTION fail_{type.Replace('.', '_')}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.type = '{type}' THEN RAISE EXCEPTION 'inserts of {type} fail in this test'; END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER fail_{type.Replace('.', '_')} BEFORE INSERT ON events
        FOR EACH ROW EXECUTE FUNCTION fail_{type.Replace('.', '_')}();
        """;

    // As PostgresSchema created it before issue #8 item 5.
    protected override string LegacySchema => """
        CREATE TABLE events (
            position       bigint      GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
            stream         text        NOT NULL,
            revision       bigint      NOT NULL,
            event_id       uuid        NOT NULL,
            type           text        NOT NULL,
            data           text        NOT NULL,
            occurred_at    timestamptz NOT NULL,
            recorded_at    timestamptz NOT NULL,
            recorded_by    text        NOT NULL,
            correlation_id uuid,
            causation_id   uuid,
            tx_id          xid8        NOT NULL DEFAULT pg_current_xact_id(),
            CONSTRAINT events_event_id UNIQUE (event_id),
            CONSTRAINT events_stream_revision UNIQUE (stream, revision)
        );
        CREATE TABLE checkpoints (
            consumer text   PRIMARY KEY,
            position bigint NOT NULL
        );
        """;

    protected override Task<string> NewLocationAsync() => postgres.CreateDatabaseAsync("chain");

    protected override async Task<IEventStore> OpenStoreAsync(string location) => await PostgresScenario.OpenAsync(location);

    protected override DbConnection Connect(string location) =>
        new NpgsqlConnection(new NpgsqlConnectionStringBuilder(location) { Pooling = false }.ToString());
}
