using System.Data.Common;
using Microsoft.Data.Sqlite;
using PointsEngine.Store;
using PointsEngine.Store.Postgres;
using PointsEngine.Store.Sqlite;

namespace PointsEngine.Projections.Storage;

/// The database the read models live in: always the one that holds the log, so a projection commits
/// its rows and its checkpoint in one transaction, and a backup of the file holds both.
public abstract class ReadModelDatabase
{
    public abstract Task<DbConnection> OpenAsync(CancellationToken ct = default);

    /// A connection for a projection batch, whose transaction moves the projection's checkpoint with its
    /// rows: the SQLite store's commits for derived state do not wait for the disk (see
    /// SqliteEventStore.OpenDerivedAsync for why that is safe).
    internal abstract Task<DbConnection> OpenForBatchAsync(CancellationToken ct);

    /// Run first in a schema-changing transaction, so processes starting together take turns (PostgreSQL's
    /// CREATE TABLE IF NOT EXISTS is not safe against itself; SQLite's writer lock already serialises).
    internal abstract string SchemaLock { get; }

    /// Names of the tables whose names start with <paramref name="prefix"/>.
    internal abstract string ListTables { get; }

    /// The collation ordering text by its bytes, for {ordinal} in read-model SQL: an index and an ORDER BY
    /// that must agree with StringComparer.Ordinal whatever the database's locale.
    internal abstract string OrdinalCollation { get; }

    /// A 64-bit integer primary key, for {rowid}: SQLite's INTEGER PRIMARY KEY is the table's row id (one B-tree
    /// instead of a table and a unique index beside it, and a look-up by key is one descent); PostgreSQL's BIGINT.
    internal abstract string RowIdType { get; }

    /// <paramref name="sql"/> with this backend's spellings ({ordinal}, {rowid}).
    public string Dialect(string sql) =>
        sql.Replace("{ordinal}", OrdinalCollation, StringComparison.Ordinal).Replace("{rowid}", RowIdType, StringComparison.Ordinal);

    /// A connection for filling a generation of tables that no query reads yet. Its commits need not reach
    /// the disk one by one: a crash loses the unfinished generation, which the next start drops anyway, and
    /// the transaction that activates it commits durably on an ordinary connection, which makes every
    /// commit before it durable too (SQLite's WAL and PostgreSQL's WAL are both written in order).
    internal abstract Task<FillConnection> OpenFillAsync(CancellationToken ct);

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

        internal override async Task<DbConnection> OpenForBatchAsync(CancellationToken ct) =>
            await store.OpenDerivedAsync(ct).ConfigureAwait(false);

        // Commits without waiting for the disk (WAL with synchronous=NORMAL never corrupts the file) and a
        // 64 MB page cache, so the index pages of the growing tables stay in memory. The connection goes back
        // to a pool, so the settings it had are put back.
        internal override async Task<FillConnection> OpenFillAsync(CancellationToken ct)
        {
            var c = await store.OpenReaderAsync(ct).ConfigureAwait(false);
            try
            {
                var restore = $"PRAGMA synchronous = {await PragmaAsync(c, "synchronous", ct).ConfigureAwait(false)}; " +
                              $"PRAGMA cache_size = {await PragmaAsync(c, "cache_size", ct).ConfigureAwait(false)};";
                await using (var cmd = c.CreateCommand())
                {
                    cmd.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;";
                    await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                return new FillConnection(c, null, async () =>
                {
                    try
                    {
                        await using var cmd = c.CreateCommand();
                        cmd.CommandText = restore;
                        await cmd.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        SqliteConnection.ClearPool(c); // never hand the fill's settings on
                    }
                });
            }
            catch
            {
                SqliteConnection.ClearPool(c);
                await c.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        private static async Task<long> PragmaAsync(SqliteConnection c, string name, CancellationToken ct)
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = $"PRAGMA {name}";
            return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }

        internal override string SchemaLock => "SELECT 1";
        internal override string ListTables => "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, length(@prefix)) = @prefix";
        internal override string OrdinalCollation => "BINARY";
        internal override string RowIdType => "INTEGER";
    }

    private sealed class PostgresReadModels(PostgresEventStore store) : ReadModelDatabase
    {
        public override async Task<DbConnection> OpenAsync(CancellationToken ct = default) =>
            await store.Readers.OpenConnectionAsync(ct).ConfigureAwait(false);

        internal override Task<DbConnection> OpenForBatchAsync(CancellationToken ct) => OpenAsync(ct);

        // Per transaction only: the activating transaction commits with the server's own setting.
        internal override async Task<FillConnection> OpenFillAsync(CancellationToken ct) =>
            new(await OpenAsync(ct).ConfigureAwait(false), "SET LOCAL synchronous_commit = off", () => Task.CompletedTask);

        // "PE" + "READMD" in hex, beside the store's own schema lock key.
        internal override string SchemaLock => "SELECT pg_advisory_xact_lock(5784119753828486468)";
        internal override string ListTables =>
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND substr(tablename, 1, length(@prefix)) = @prefix";
        internal override string OrdinalCollation => "\"C\"";
        internal override string RowIdType => "BIGINT";
    }
}

/// The connection of a fill, the statement each of its transactions runs first (null: none), and what puts
/// the connection back as it was.
internal sealed class FillConnection(DbConnection connection, string? transactionSettings, Func<Task> restore) : IAsyncDisposable
{
    public DbConnection Connection => connection;
    public string? TransactionSettings => transactionSettings;

    public async ValueTask DisposeAsync()
    {
        await restore().ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
