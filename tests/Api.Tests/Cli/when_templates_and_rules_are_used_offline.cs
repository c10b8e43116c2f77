using PointsEngine.Api.Importing;
using PointsEngine.Api.Spreadsheets;
using PointsEngine.Engine.Rules;

namespace PointsEngine.Api.Tests.Cli;

public sealed class when_templates_and_rules_are_used_offline : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pe-cli-offline-").FullName;

    [Fact]
    public async Task the_templates_carry_the_documented_headers_and_import_as_empty_files()
    {
        var run = await Cli.RunAsync("import", "template", "--out", _dir);
        Assert.True(run.Exit == 0, run.ToString());

        foreach (var (name, columns) in new[] { ("党员名册", RosterColumns.All), ("积分台账", FactColumns.All) })
        {
            var headers = columns.Select(c => c.Header).ToList();
            Assert.Equal(headers, Spreadsheet.Read(Path.Combine(_dir, name + ".csv")).Single().Rows.Single().Cells);
            var sheets = Spreadsheet.Read(Path.Combine(_dir, name + ".xlsx"));
            Assert.Equal(headers, sheets.Single(s => s.SheetName == name).Rows.Single().Cells);
            Assert.Equal(headers, sheets.Single(s => s.SheetName == "填写说明").Rows.Skip(1).Select(r => r[0]));
        }
        var import = await Cli.RunAsync("import", Path.Combine(_dir, "党员名册.xlsx"), Path.Combine(_dir, "积分台账.csv"),
            "--store-path", Path.Combine(_dir, "points.db"));
        Assert.True(import.Exit == 0, import.ToString());
        Assert.Contains("imported: 0 new (0 facts), 0 already recorded, 0 rejected", import.Output);
    }

    [Fact]
    public async Task an_invalid_rule_set_is_listed_problem_by_problem_and_a_valid_one_publishes_once()
    {
        var bad = Path.Combine(_dir, "bad.json");
        await File.WriteAllTextAsync(bad, PointsEngine.TestSupport.TypicalRules.Document().Replace("\"baseScore\": 60", "\"baseScore\": \"sixty\"", StringComparison.Ordinal)
            .Replace("\"effectiveFrom\": \"2025-01-01\"", "\"effectiveFrom\": \"2025-02-30\"", StringComparison.Ordinal));
        var invalid = await Cli.RunAsync("rules", "validate", bad);
        Assert.True(invalid.Exit == 1, invalid.ToString());
        Assert.Contains("$.baseScore", invalid.Output);
        Assert.Contains("$.effectiveFrom", invalid.Output);

        string[] store = ["--store-path", Path.Combine(_dir, "points.db")];
        Assert.Equal(1, (await Cli.RunAsync(["rules", "publish", bad, .. store])).Exit);
        Assert.False(File.Exists(Path.Combine(_dir, "points.db")));
        var good = Path.Combine(_dir, "rules.json");
        await File.WriteAllTextAsync(good, PointsEngine.TestSupport.TypicalRules.Document());
        var first = await Cli.RunAsync(["rules", "publish", good, .. store]);
        Assert.True(first.Exit == 0, first.ToString());
        Assert.Contains("published rule set default-2025.1", first.Output);
        var again = await Cli.RunAsync(["rules", "publish", good, .. store]);
        Assert.Contains("already published", again.Output);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
