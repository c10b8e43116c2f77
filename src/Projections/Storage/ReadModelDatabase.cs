using System.Data.Common;
using PointsEngine.Store;
using PointsEngine.Store.Postgres;
using PointsEngine.Store.Sqlite;

namespace PointsEngine.Projections.Storage;

/// The database the read models live in: always the one that holds the log, so a projection commits
/// its rows and its checkpoint in one transaction, and a backup of the file holds both.
public abstract class ReadModelDatabase
{
    public abstract Task<DbConnection> OpenAsync(CancellationToken ct = default);

    /// Run first in a schema-changing transaction, so processes starting together take turns (PostgreSQL's
    /// CREATE TABLE IF NOT EXISTS is not safe against itself; SQLite's writer lock already serialises).
    internal abstract string SchemaLock { get; }

    /// Names of the tables whose names start with <paramref name="prefix"/>.
    internal abstract string ListTables { get; }

    /// The collation ordering text by its bytes, for {ordinal} in read-model SQL: an index and an ORDER BY
    /// that must agree with StringComparer.Ordinal whatever the database's locale.
    internal abstract string OrdinalCollation { get; }

    /// <paramref name="sql"/> with this backend's spellings ({ordinal}).
    internal string Dialect(string sql) => sql.Replace("{ordinal}", OrdinalCollation, StringComparison.Ordinal);

    public static ReadModelDatabase For(IEventStore store) => store switch
    {
        SqliteEventStore sqlite => new SqliteReadModels(sqlite),
        PostgresEventStore postgres => new PostgresReadModels(postgres),
        _ => throw new NotSupportedException($"Read models need a SQLite or PostgreSQL store, not {store.GetType().Name}."),
    };

    private sealed class SqliteReadModels(SqliteEventStore store) : ReadModelDatabase
    {
        public override async Task<DbConnection> OpenAsync(CancellationToken ct = default) =>
            await store.OpenReaderAsync(ct).ConfigureAwait(false);

        internal override string SchemaLock => "SELECT 1";
        internal override string ListTables => "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, length(@prefix)) = @prefix";
        internal override string OrdinalCollation => "BINARY";
    }

    private sealed class PostgresReadModels(PostgresEventStore store) : ReadModelDatabase
    {
        public override async Task<DbConnection> OpenAsync(CancellationToken ct = default) =>
            await store.Readers.OpenConnectionAsync(ct).ConfigureAwait(false);

        // "PE" + "READMD" in hex, beside the store's own schema lock key.
        internal override string SchemaLock => "SELECT pg_advisory_xact_lock(5784119753828486468)";
        internal override string ListTables =>
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND substr(tablename, 1, length(@prefix)) = @prefix";
        internal override string OrdinalCollation => "\"C\"";
    }
}
