using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace PointsEngine.Projections.Storage;

/// SQLite statements prepared once per SQL text and run straight on the connection's handle, inside the
/// transaction Microsoft.Data.Sqlite began on it: parameters bound by position (their indexes looked up
/// once), no data reader. A projection's batch runs the same few statements thousands of times, and the
/// ADO.NET layer per execution (a reader, name lookups, parameter objects) cost about as much as SQLite's
/// own work. Anything this path does not handle (several statements in one text, a parameter count that
/// does not match, a value type it does not bind exactly as Microsoft.Data.Sqlite would) returns null, and
/// the caller runs the command the ordinary way.
internal sealed class SqliteStatements(SqliteConnection connection) : IDisposable
{
    private sealed class Prepared(sqlite3_stmt statement, int count)
    {
        public sqlite3_stmt Statement { get; } = statement;
        public int Count { get; } = count;
        public string[]? Names { get; set; }
        public int[] Indexes { get; set; } = [];
    }

    private readonly Dictionary<string, Prepared?> _prepared = new(StringComparer.Ordinal);

    /// Rows changed, or null when the statement must go the ordinary way.
    public int? TryExecute(string sql, (string Name, object? Value)[] parameters)
    {
        if (!_prepared.TryGetValue(sql, out var p)) _prepared[sql] = p = Prepare(sql);
        if (p is null || p.Count != parameters.Length || !Bindable(parameters)) return null;
        var db = connection.Handle!;
        var stmt = p.Statement;
        if (!SameNames(p, parameters))
        {
            var indexes = new int[parameters.Length];
            for (var i = 0; i < parameters.Length; i++)
            {
                indexes[i] = raw.sqlite3_bind_parameter_index(stmt, parameters[i].Name);
                if (indexes[i] == 0) return null; // a name the statement does not have: let the ordinary path say so
            }
            p.Indexes = indexes;
            p.Names = [.. parameters.Select(x => x.Name)];
        }
        try
        {
            for (var i = 0; i < parameters.Length; i++) Check(Bind(stmt, p.Indexes[i], parameters[i].Value), db);
            int rc;
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW) { }
            Check(rc, db);
            return raw.sqlite3_stmt_readonly(stmt) != 0 ? -1 : raw.sqlite3_changes(db); // as ExecuteNonQuery counts
        }
        finally
        {
            raw.sqlite3_reset(stmt);
            raw.sqlite3_clear_bindings(stmt);
        }
    }

    private Prepared? Prepare(string sql)
    {
        var rc = raw.sqlite3_prepare_v2(connection.Handle!, sql, out var stmt, out var tail);
        if (rc != raw.SQLITE_OK || stmt is null || stmt.IsInvalid || !string.IsNullOrWhiteSpace(tail))
        {
            stmt?.Dispose();
            return null;
        }
        return new Prepared(stmt, raw.sqlite3_bind_parameter_count(stmt));
    }

    private static bool SameNames(Prepared p, (string Name, object? Value)[] parameters)
    {
        if (p.Names is null) return false;
        for (var i = 0; i < parameters.Length; i++)
            if (!string.Equals(p.Names[i], parameters[i].Name, StringComparison.Ordinal)) return false;
        return true;
    }

    // The types bound here are bound as Microsoft.Data.Sqlite binds them; any other goes the ordinary way.
    private static bool Bindable((string Name, object? Value)[] parameters)
    {
        foreach (var (_, value) in parameters)
            if (value is not (null or DBNull or string or long or int or short or bool)) return false;
        return true;
    }

    private static int Bind(sqlite3_stmt stmt, int index, object? value) => value switch
    {
        null or DBNull => raw.sqlite3_bind_null(stmt, index),
        string s => raw.sqlite3_bind_text(stmt, index, s),
        long l => raw.sqlite3_bind_int64(stmt, index, l),
        int i => raw.sqlite3_bind_int64(stmt, index, i),
        short s => raw.sqlite3_bind_int64(stmt, index, s),
        bool b => raw.sqlite3_bind_int64(stmt, index, b ? 1 : 0),
        _ => throw new InvalidOperationException("Checked by Bindable."),
    };

    private static void Check(int rc, sqlite3 db)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE)) SqliteException.ThrowExceptionForRC(rc, db);
    }

    public void Dispose()
    {
        foreach (var p in _prepared.Values) p?.Statement.Dispose();
        _prepared.Clear();
    }
}
