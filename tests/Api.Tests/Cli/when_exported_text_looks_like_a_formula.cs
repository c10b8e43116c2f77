using System.Text;
using Microsoft.AspNetCore.Hosting;
using System.Text.RegularExpressions;
using PointsEngine.Api.Tests.Support;

namespace PointsEngine.Api.Tests.Cli;

/// #16 finding 2.7: `export rankings|evidence` wrote cells starting with =, +, -, @ raw into CSV, where Excel runs
/// them as formulas (OWASP "CSV Injection"); the API's CSV already guarded them. Member names starting with each
/// dangerous character, a meeting topic and an adjustment reason go through the import, then out through the CLI
/// and through the API: every file holds them with an apostrophe in front where they start a cell, and only
/// plain numbers start with + or -.
public sealed partial class when_exported_text_looks_like_a_formula : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pe-cli-formula-").FullName;
    private string Database => Path.Combine(_dir, "points.db");

    private static readonly string[] Names = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+SUM(1,2)", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A2)", "张三"];
    private const string Topic = "@开会学习";
    private const string Reason = "=1+1";

    [Fact]
    public async Task the_cli_and_the_api_csv_escape_them_alike()
    {
        await SetUpAsync();

        var rankings = await ExportAsync("rankings");
        var evidence = await ExportAsync("evidence");
        CsvDownload apiRankings, apiEvidence, apiAttendance;
        await using (var api = ApiHost.InDirectory(Directory.CreateTempSubdirectory("pe-api-formula-").FullName, b => b.UseSetting("Store:Path", Database)))
        {
            apiRankings = await CsvDownload.GetAsync(api.Admin, "/api/rankings?scope=branch&id=b01&period=2025&format=csv");
            apiEvidence = await CsvDownload.GetAsync(api.Admin, "/api/branches/b01/evidence?year=2025&format=csv&table=lines");
            apiAttendance = await CsvDownload.GetAsync(api.Admin, "/api/branches/b01/dashboard?year=2025&format=csv&table=attendance");
        }

        foreach (var (source, rows) in new[] { ("cli rankings", rankings), ("cli evidence", evidence),
                     ("api rankings", [apiRankings.Headers, .. apiRankings.Rows]), ("api evidence", [apiEvidence.Headers, .. apiEvidence.Rows]) })
        {
            var cells = rows.SelectMany(r => r).ToList();
            Assert.All(cells, c => Assert.True(!StartsDangerously(c) || PlainNumber().IsMatch(c), $"{source}: {c}"));
            foreach (var name in Names.Where(StartsDangerously))
                Assert.Contains("'" + name, cells);
            Assert.Contains("张三", cells);
        }
        // Topics and reasons reach these exports inside a summary ("加分 3：=1+1"), never at a cell's start; the
        // dashboard's attendance table has the topic in a column of its own.
        foreach (var (source, rows) in new[] { ("cli evidence", evidence), ("api evidence", [apiEvidence.Headers, .. apiEvidence.Rows]) })
        {
            var cells = rows.SelectMany(r => r).ToList();
            // The CLI's lines read as their explanation (#21): the summary inside 事项, after the date.
            Assert.Contains(cells, c => c.EndsWith($"加分 3：{Reason}", StringComparison.Ordinal));
            Assert.Contains(cells, c => c.Contains($"党课（现场）：{Topic}", StringComparison.Ordinal));
            Assert.Contains("-2", cells); // the 扣分: a negative number stays a number
        }
        Assert.Contains("'" + Topic, apiAttendance.Column("主题"));
        Assert.All(apiAttendance.Rows.SelectMany(r => r), c => Assert.True(!StartsDangerously(c) || PlainNumber().IsMatch(c), c));
    }

    private static bool StartsDangerously(string cell) => cell.Length > 0 && "=+-@\t\r".Contains(cell[0], StringComparison.Ordinal);

    [GeneratedRegex("^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$")]
    private static partial Regex PlainNumber();

    private async Task SetUpAsync()
    {
        var roster = Path.Combine(_dir, "roster.csv");
        LedgerFiles.WriteCsv(roster, LedgerFiles.RosterHeaders,
            Names.Select((n, i) => new[] { $"m{i + 1}", n, "b01", "第一党支部", "", "", "正式党员", "普通", "2025-01-01" }));
        var facts = Path.Combine(_dir, "facts.csv");
        LedgerFiles.WriteCsv(facts, LedgerFiles.FactHeaders,
        [
            .. Names.Select((n, i) => new[] { "2025-03-05", $"m{i + 1}", n, "b01", "", "党课", "出席", "", "", "", Topic, "", "", "" }),
            ["2025-04-01", "m5", "张三", "", "", "加分", "", "", "", "3", Reason, "王书记", "", ""],
            ["2025-04-02", "m1", Names[0], "", "", "扣分", "", "", "", "2", "-迟交党费", "王书记", "", ""],
        ]);
        await Cli.PublishDefaultRulesAsync(_dir, "--store-path", Database);
        var run = await Cli.RunAsync("import", roster, facts, "--operator", "王书记", "--store-path", Database);
        Assert.True(run.Exit == 0, run.ToString());
    }

    private async Task<List<IReadOnlyList<string>>> ExportAsync(string what)
    {
        var file = Path.Combine(_dir, what + ".csv");
        var run = await Cli.RunAsync("export", what, "--year", "2025", "--branch", "b01", "--out", file, "--store-path", Database);
        Assert.True(run.Exit == 0, run.ToString());
        var text = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file));
        return CsvDownload.Parse(text.TrimStart('\uFEFF'));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
