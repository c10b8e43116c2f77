using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Runner;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;

namespace PointsEngine.Reliability.Tests.Support;

/// Every row of every read-model table of the active generations, as sorted text (the same idea as
/// Projections.Tests' dump, over public API only): two dumps are equal exactly when the read models are.
public static partial class ReadModelDump
{
    /// Catches the read models the servers kept up with the log, then rebuilds every projection from position 0
    /// and asserts the two are equal; returns the rows compared. Run it with no server projecting.
    public static async Task<long> EqualToRebuildAsync(IEventStore store, EventSerializer serializer)
    {
        await using var runner = new ProjectionRunner(store, serializer, ReadModels.Projections(serializer));
        await runner.InitializeAsync();
        await runner.StartAsync();
        await runner.WaitForAsync(await store.ReadHeadPositionAsync()).WaitAsync(TimeSpan.FromMinutes(2));
        var incremental = await TakeAsync(store, serializer);
        foreach (var projection in runner.Projections) await runner.RebuildAsync(projection);
        var rebuilt = await TakeAsync(store, serializer);
        var differences = Differences(rebuilt, incremental);
        Assert.True(differences.Count == 0, string.Join("\n", differences));
        return Rows(rebuilt);
    }

    public static async Task<SortedDictionary<string, List<string>>> TakeAsync(IEventStore store, EventSerializer serializer)
    {
        await using var c = await ReadModelDatabase.For(store).OpenAsync();
        var active = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in await QueryAsync(c, "SELECT projection, generation FROM projection_generations WHERE active = 1"))
            active[Convert.ToString(row[0], CultureInfo.InvariantCulture)!] = Convert.ToInt64(row[1], CultureInfo.InvariantCulture);

        var dump = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var projection in ReadModels.Projections(serializer))
        {
            var generation = active[projection.Name];
            foreach (var statement in projection.Schema)
            {
                if (TableName().Match(statement) is not { Success: true } match) continue;
                var table = match.Groups[1].Value;
                var rows = await QueryAsync(c, $"SELECT * FROM rm_{projection.Name}_{generation}_{table}");
                dump[$"{projection.Name}.{table}"] = [.. rows
                    .Select(r => string.Join("|", r.Select(v => v is null ? "∅" : Convert.ToString(v, CultureInfo.InvariantCulture))))
                    .Order(StringComparer.Ordinal)];
            }
        }
        return dump;
    }

    /// Differences, table by table (empty when equal).
    public static List<string> Differences(SortedDictionary<string, List<string>> expected, SortedDictionary<string, List<string>> actual)
    {
        var differences = new List<string>();
        foreach (var table in expected.Keys.Union(actual.Keys))
        {
            var e = expected.GetValueOrDefault(table) ?? [];
            var a = actual.GetValueOrDefault(table) ?? [];
            if (e.SequenceEqual(a)) continue;
            differences.Add($"{table}: {e.Count} rows expected, {a.Count} found\n  - {string.Join("\n  - ", e.Except(a).Take(5))}\n  + {string.Join("\n  + ", a.Except(e).Take(5))}");
        }
        return differences;
    }

    public static long Rows(SortedDictionary<string, List<string>> dump) => dump.Values.Sum(t => (long)t.Count);

    private static async Task<List<object?[]>> QueryAsync(DbConnection c, string sql)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await r.ReadAsync())
        {
            var row = new object?[r.FieldCount];
            for (var i = 0; i < r.FieldCount; i++) row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    [GeneratedRegex(@"^\s*CREATE TABLE \{p\}(\w+)")]
    private static partial Regex TableName();
}
