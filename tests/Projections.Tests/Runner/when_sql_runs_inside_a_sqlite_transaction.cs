using FsCheck;
using FsCheck.Fluent;
using Microsoft.Data.Sqlite;
using PointsEngine.Projections.Storage;
using PointsEngine.TestSupport;

namespace PointsEngine.Projections.Tests.Runner;

/// Inside a SQLite transaction Sql runs statements straight on the connection's handle (SqliteStatements);
/// outside one, through Microsoft.Data.Sqlite. Both must leave the same rows and report the same counts.
public sealed class when_sql_runs_inside_a_sqlite_transaction
{
    private const string Table = "CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT, s TEXT, d TEXT)";
    private const string Upsert = "INSERT INTO t (k, n, s, d) VALUES (@k, @n, @s, @d) ON CONFLICT (k) DO UPDATE SET n = t.n + excluded.n, s = excluded.s";
    private const string Insert = "INSERT INTO t (k, n, s, d) VALUES (@k, @n, @s, @d) ON CONFLICT (k) DO NOTHING";
    private const string Delete = "DELETE FROM t WHERE n < @n";

    [Fact]
    public void the_direct_path_and_ado_net_give_the_same_rows_and_counts()
    {
        // Random statement sequences with strings (Chinese too), nulls, longs, ints, booleans and decimals
        // (decimals go through Microsoft.Data.Sqlite on both sides: the direct path hands them over).
        var step = Gen.Choose(0, 5).Zip(Gen.Choose(-3, 3)).Zip(Gen.Elements<object?>(null, "甲", "", "x'y", 7L, 3, true, 2.5m));
        PropertyRuns.Check(Prop.ForAll(step.ListOf().ToArbitrary(), steps => RunAsync([.. steps]).GetAwaiter().GetResult()), 30);
    }

    private static async Task RunAsync(List<((int Kind, int N), object? Value)> steps)
    {
        await using var file = await TempSqlite.OpenAsync();
        var direct = await ApplyAsync(file, steps, "a", inTransaction: true);
        var ado = await ApplyAsync(file, steps, "b", inTransaction: false);
        Assert.Equal(ado, direct);
    }

    private static async Task<string> ApplyAsync(TempSqlite file, List<((int Kind, int N), object? Value)> steps, string table, bool inTransaction)
    {
        await using var c = new SqliteConnection($"Data Source={file.Path}");
        await c.OpenAsync();
        await using var tx = inTransaction ? await c.BeginTransactionAsync() : null;
        var counts = new List<int>();
        await using (var sql = new Sql(c, tx))
        {
            await sql.ExecuteAsync(Table.Replace(" t ", $" {table} "), default);
            foreach (var ((kind, n), value) in steps)
            {
                var key = $"k{Math.Abs(n) % 3}";
                counts.Add(kind switch
                {
                    0 or 1 => await sql.ExecuteAsync(For(Upsert, table), default, ("@k", key), ("@n", (long)n), ("@s", value), ("@d", null)),
                    2 or 3 => await sql.ExecuteAsync(For(Insert, table), default, ("@k", key), ("@n", n), ("@s", value), ("@d", "2025-01-01")),
                    4 => await sql.ExecuteAsync(For(Delete, table), default, ("@n", n)),
                    _ => await sql.ExecuteAsync("SELECT 1", default),
                });
            }
            if (tx is not null) await tx.CommitAsync();
        }
        await using var read = new Sql(c);
        var rows = await read.QueryAsync($"SELECT k, n, s, typeof(s), d FROM {table} ORDER BY k", r =>
            string.Join("|", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "∅" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))), default);
        return $"{string.Join(",", counts)}\n{string.Join("\n", rows)}";
    }

    private static string For(string statement, string table) => statement.Replace(" t ", $" {table} ").Replace("t.n", $"{table}.n");

    [Fact]
    public async Task a_missing_parameter_or_a_broken_constraint_fails_as_through_ado_net()
    {
        await using var file = await TempSqlite.OpenAsync();
        await using var c = new SqliteConnection($"Data Source={file.Path}");
        await c.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        await using var sql = new Sql(c, tx);
        await sql.ExecuteAsync(Table, default);
        await Assert.ThrowsAsync<InvalidOperationException>(() => sql.ExecuteAsync(Insert, default, ("@k", "a"), ("@n", 1L), ("@s", "x")));
        await sql.ExecuteAsync("INSERT INTO t (k, n) VALUES (@k, @n)", default, ("@k", "a"), ("@n", 1L));
        var duplicate = await Assert.ThrowsAsync<SqliteException>(() => sql.ExecuteAsync("INSERT INTO t (k, n) VALUES (@k, @n)", default, ("@k", "a"), ("@n", 2L)));
        Assert.Equal(19, duplicate.SqliteErrorCode); // SQLITE_CONSTRAINT
    }
}
