using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace PointsEngine.Projections.Storage;

/// A connection (and, when writing, its transaction) with the few conveniences the read models need.
/// The SQL is written once for both backends: @name parameters, TEXT dates (yyyy-MM-dd, which sort as
/// dates), points as BIGINT hundredths, upserts with ON CONFLICT. Commands are prepared once per
/// session and reused, since a batch runs the same few statements thousands of times.
///
/// With <paramref name="queueWrites"/>, PostgreSQL statements given to <see cref="QueueAsync"/> are held and
/// sent together (one NpgsqlBatch, one round trip) before the next statement that needs an answer, or at
/// <see cref="FlushAsync"/>, which whoever commits must call first. Only the projection runner, which
/// flushes before every commit, turns it on.
public sealed class Sql(DbConnection connection, DbTransaction? transaction = null, bool queueWrites = false) : IAsyncDisposable
{
    // Enough to cover a fill batch's worth of round trips, few enough to bound the memory a batch holds.
    private const int MaxQueued = 1_000;

    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private SqliteStatements? _sqlite;
    private NpgsqlBatch? _queued;
    private static long s_statements;

    public DbConnection Connection => connection;

    /// Statements run (or queued) through any Sql of this process so far: a diagnostic for the benchmarks,
    /// which count statements because their number does not depend on the machine's load.
    public static long StatementsRun => Interlocked.Read(ref s_statements);

    /// A statement whose row count the caller does not need: run at once, or queued (see the class).
    public Task QueueAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        if (!queueWrites || connection is not NpgsqlConnection npgsql) return ExecuteAsync(sql, ct, parameters);
        Interlocked.Increment(ref s_statements);
        _queued ??= new NpgsqlBatch(npgsql, (NpgsqlTransaction?)transaction);
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
        _queued.BatchCommands.Add(command);
        return _queued.BatchCommands.Count >= MaxQueued ? FlushAsync(ct) : Task.CompletedTask;
    }

    /// Sends the queued statements, if any; their errors surface here.
    public async Task FlushAsync(CancellationToken ct)
    {
        if (_queued is not { } batch || batch.BatchCommands.Count == 0) return;
        try
        {
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            batch.BatchCommands.Clear();
        }
    }

    public async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        Interlocked.Increment(ref s_statements);
        await FlushAsync(ct).ConfigureAwait(false);
        // Inside a SQLite transaction, straight on the handle (SqliteStatements); SQLite never waits there.
        if (transaction is SqliteTransaction && connection is SqliteConnection sqlite)
        {
            ct.ThrowIfCancellationRequested();
            _sqlite ??= new SqliteStatements(sqlite);
            if (_sqlite.TryExecute(sql, parameters) is { } changed) return changed;
        }
        return await Command(sql, parameters).ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<object?> ScalarAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        Interlocked.Increment(ref s_statements);
        await FlushAsync(ct).ConfigureAwait(false);
        var value = await Command(sql, parameters).ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> row, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        Interlocked.Increment(ref s_statements);
        await FlushAsync(ct).ConfigureAwait(false);
        var rows = new List<T>();
        await using var reader = await Command(sql, parameters).ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) rows.Add(row(reader));
        return rows;
    }

    private DbCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var cmd))
        {
            cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            cmd.Transaction = transaction; // SQLite refuses a command outside the connection's open transaction
            _commands[sql] = cmd;
        }
        var bound = cmd.Parameters;
        if (SameNames(bound, parameters))
        {
            // The same statement with the same parameters, as a batch runs it: only the values change.
            for (var i = 0; i < parameters.Length; i++) bound[i].Value = parameters[i].Value ?? DBNull.Value;
            return cmd;
        }
        bound.Clear();
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            bound.Add(p);
        }
        return cmd;
    }

    private static bool SameNames(DbParameterCollection bound, (string Name, object? Value)[] parameters)
    {
        if (bound.Count != parameters.Length) return false;
        for (var i = 0; i < parameters.Length; i++)
            if (!string.Equals(bound[i].ParameterName, parameters[i].Name, StringComparison.Ordinal)) return false;
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var cmd in _commands.Values) await cmd.DisposeAsync().ConfigureAwait(false);
        _commands.Clear();
        _sqlite?.Dispose();
        if (_queued is not null) await _queued.DisposeAsync().ConfigureAwait(false); // unflushed: the caller failed before committing
    }

    // Values as stored: both backends hand integers back as different CLR types (and SUM over BIGINT
    // is numeric in PostgreSQL), so every read converts.
    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    public static DateOnly Date(DbDataReader r, int i) => DateOnly.ParseExact(r.GetString(i), "yyyy-MM-dd", CultureInfo.InvariantCulture);
    public static long Long(DbDataReader r, int i) => r.IsDBNull(i) ? 0 : Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);
    public static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    public static long Cents(decimal points) => (long)(points * 100m);
    public static decimal Points(long cents) => cents / 100m;
}
