using System.Globalization;
using System.Text.RegularExpressions;
using PointsEngine.Projections.Runner;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;
using PointsEngine.Store.Postgres;

namespace PointsEngine.Api.Verification;

/// One table of a read model that differs from a fold of the log from scratch: rows only in the stored
/// model (extra) and rows only in the fold (missing), with a few of each.
public sealed record TableDifference(string Projection, string Table, int Extra, int Missing, IReadOnlyList<string> ExtraRows, IReadOnlyList<string> MissingRows);

public sealed record ReadModelReport(string Projection, LogPosition Position, long Events, IReadOnlyList<TableDifference> Differences);

/// Checks a stored read model against the log: folds the log from position 0 up to exactly the model's
/// checkpoint into scratch tables of the same schema (rm_verify{name}_1_*), through the projection's own
/// Apply, then compares every table row by row and drops the scratch tables. The live model is not touched.
public static partial class ReadModelCheck
{
    private const int BatchSize = 2_000;

    public static async Task<ReadModelReport?> RunAsync(IEventStore store, EventSerializer serializer, IProjection projection,
        Action<long, long>? progress, CancellationToken ct)
    {
        var db = ReadModelDatabase.For(store);
        int generation;
        LogPosition checkpoint;
        await using (var c = await db.OpenAsync(ct).ConfigureAwait(false))
        await using (var sql = new Sql(c))
        {
            if (!await TableExistsAsync(sql, store, "projection_generations", ct).ConfigureAwait(false)) return null;
            var active = await sql.QueryAsync("SELECT generation, position FROM projection_generations WHERE projection = @p AND active = 1",
                r => ((int)Sql.Long(r, 0), new LogPosition(Sql.Long(r, 1))), ct, ("@p", projection.Name)).ConfigureAwait(false);
            if (active.Count == 0) return null;
            (generation, checkpoint) = active[0];
        }

        var live = new TablePrefix(projection.Name, generation);
        var scratch = new TablePrefix("verify" + projection.Name, 1);
        await DropAsync(db, store, scratch, ct).ConfigureAwait(false);
        try
        {
            await using (var c = await db.OpenAsync(ct).ConfigureAwait(false))
            await using (var sql = new Sql(c))
                foreach (var statement in projection.Schema)
                    await sql.ExecuteAsync(db.Dialect(scratch.Resolve(statement)), ct).ConfigureAwait(false);

            long events = 0;
            var position = LogPosition.Start;
            while (position < checkpoint)
            {
                var batch = new List<RecordedEvent>(BatchSize);
                await foreach (var e in store.ReadAllAsync(position, BatchSize, ct).ConfigureAwait(false))
                    if (e.Position <= checkpoint) batch.Add(e);
                if (batch.Count == 0) break;
                await using (var c = await db.OpenAsync(ct).ConfigureAwait(false))
                await using (var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false))
                await using (var sql = new Sql(c, tx))
                {
                    var writer = new ProjectionWriter(sql, scratch);
                    foreach (var e in batch) await projection.ApplyAsync(writer, e, serializer.Deserialize(e), ct).ConfigureAwait(false);
                    await tx.CommitAsync(ct).ConfigureAwait(false);
                }
                position = batch[^1].Position;
                events += batch.Count;
                progress?.Invoke(position.Value, checkpoint.Value);
            }

            var differences = new List<TableDifference>();
            await using (var c = await db.OpenAsync(ct).ConfigureAwait(false))
            await using (var sql = new Sql(c))
            {
                foreach (var table in Tables(projection))
                {
                    var stored = await RowsAsync(sql, live.Value + table, ct).ConfigureAwait(false);
                    var folded = await RowsAsync(sql, scratch.Value + table, ct).ConfigureAwait(false);
                    var extra = Minus(stored, folded);
                    var missing = Minus(folded, stored);
                    if (extra.Count > 0 || missing.Count > 0)
                        differences.Add(new TableDifference(projection.Name, table, extra.Count, missing.Count, [.. extra.Take(5)], [.. missing.Take(5)]));
                }
            }
            return new ReadModelReport(projection.Name, checkpoint, events, differences);
        }
        finally
        {
            await DropAsync(db, store, scratch, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public static IEnumerable<string> Tables(IProjection projection) =>
        projection.Schema.Select(s => TableName().Match(s)).Where(m => m.Success).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"^\s*CREATE TABLE (?:IF NOT EXISTS )?\{p\}(\w+)")]
    private static partial Regex TableName();

    private static async Task<List<string>> RowsAsync(Sql sql, string table, CancellationToken ct) =>
        await sql.QueryAsync($"SELECT * FROM {table}", r => string.Join(" | ", Enumerable.Range(0, r.FieldCount)
            .Select(i => r.IsDBNull(i) ? "∅" : $"{r.GetName(i)}={Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture)}")), ct).ConfigureAwait(false);

    /// The rows of <paramref name="a"/> not matched by a row of <paramref name="b"/> (as multisets).
    private static List<string> Minus(List<string> a, List<string> b)
    {
        var counts = b.GroupBy(x => x, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var rest = new List<string>();
        foreach (var row in a.Order(StringComparer.Ordinal))
        {
            if (counts.TryGetValue(row, out var n) && n > 0) counts[row] = n - 1;
            else rest.Add(row);
        }
        return rest;
    }

    private static async Task<bool> TableExistsAsync(Sql sql, IEventStore store, string table, CancellationToken ct) =>
        (await sql.QueryAsync(ListTables(store), r => r.GetString(0), ct, ("@prefix", table)).ConfigureAwait(false)).Contains(table);

    private static string ListTables(IEventStore store) => store is PostgresEventStore
        ? "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND substr(tablename, 1, length(@prefix)) = @prefix"
        : "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, length(@prefix)) = @prefix";

    private static async Task DropAsync(ReadModelDatabase db, IEventStore store, TablePrefix prefix, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await using var sql = new Sql(c);
        foreach (var table in await sql.QueryAsync(ListTables(store), r => r.GetString(0), ct, ("@prefix", prefix.Value)).ConfigureAwait(false))
            await sql.ExecuteAsync($"DROP TABLE IF EXISTS {table}", ct).ConfigureAwait(false);
    }
}
