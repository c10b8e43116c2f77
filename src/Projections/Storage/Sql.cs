using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace PointsEngine.Projections.Storage;

/// A connection (and, when writing, its transaction) with the few conveniences the read models need.
/// The SQL is written once for both backends: @name parameters, TEXT dates (yyyy-MM-dd, which sort as
/// dates), points as BIGINT hundredths, upserts with ON CONFLICT. Commands are prepared once per
/// session and reused, since a batch runs the same few statements thousands of times.
public sealed class Sql(DbConnection connection, DbTransaction? transaction = null) : IAsyncDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private SqliteStatements? _sqlite;

    public DbConnection Connection => connection;

    public async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
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
        var value = await Command(sql, parameters).ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> row, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
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
