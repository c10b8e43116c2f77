using System.Globalization;
using System.Text.RegularExpressions;
using PointsEngine.Projections.Runner;
using PointsEngine.Projections.Storage;

namespace PointsEngine.Projections.Tests.Support;

/// Every row of every table of a projection's active generation, as sorted text: two dumps are equal
/// exactly when the read models hold the same rows.
public static partial class ReadModelDump
{
    public static async Task<Dictionary<string, List<string>>> TakeAsync(ReadModelDatabase db, IProjection projection)
    {
        await using var c = await db.OpenAsync();
        await using var sql = new Sql(c);
        var generation = (await sql.QueryAsync("SELECT generation FROM projection_generations WHERE projection = @p AND active = 1",
            r => Sql.Long(r, 0), default, ("@p", projection.Name))).Single();
        var dump = new Dictionary<string, List<string>>();
        foreach (var statement in projection.Schema)
        {
            if (TableName().Match(statement) is not { Success: true } match) continue;
            var table = match.Groups[1].Value;
            var rows = await sql.QueryAsync($"SELECT * FROM rm_{projection.Name}_{generation}_{table}", r =>
                string.Join("|", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "∅" : Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture))),
                default);
            dump[table] = [.. rows.Order(StringComparer.Ordinal)];
        }
        return dump;
    }

    public static void AssertEqual(Dictionary<string, List<string>> expected, Dictionary<string, List<string>> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (table, rows) in expected) Assert.True(rows.SequenceEqual(actual[table]), $"Table {table} differs:\n- {string.Join("\n- ", rows.Except(actual[table]).Take(5))}\n+ {string.Join("\n+ ", actual[table].Except(rows).Take(5))}");
    }

    [GeneratedRegex(@"^\s*CREATE TABLE \{p\}(\w+)")]
    private static partial Regex TableName();
}
