using System.Text.RegularExpressions;
using PointsEngine.Load;
using PointsEngine.Load.Report;
using PointsEngine.Load.Support;

namespace PointsEngine.Bench.Tests;

/// The performance suite (bench/PointsEngine.Load) at --quick sizes, so CI keeps it working: every
/// section runs for real (SQLite files, the server process, a throwaway PostgreSQL) and the report has
/// a well-formed row for every measure. Nothing here looks at how fast anything was.
public sealed class the_quick_performance_suite(QuickSuiteRun run) : IClassFixture<QuickSuiteRun>
{
    private readonly Results _results = run.Results;
    private readonly string _markdown = run.Markdown;
    private readonly string _work = run.Work;

    [Fact]
    public void writes_a_table_with_every_row_measured()
    {
        var rows = PerformanceMarkdown.ParseTable(_markdown);
        var failures = _results.Notes.Where(n => n.Text.StartsWith("The section failed", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures.Select(f => $"{f.Section}: {f.Text}")));
        foreach (var id in RowIds.All)
        {
            Assert.True(rows.TryGetValue(id, out var cells), $"row {id} is missing from\n{_markdown}");
            Assert.Equal(7, cells.Length);
            Assert.DoesNotContain("not measured", cells[2], StringComparison.Ordinal);
            Assert.Matches(@"\d", cells[2]);
            Assert.DoesNotContain("NaN", string.Join(' ', cells), StringComparison.Ordinal);
            Assert.Contains(cells[6], new[] { "met", "**not met**", "—" });
        }
    }

    [Fact]
    public void ratios_to_the_raw_limit_are_printed_beside_the_engine_figures()
    {
        var rows = PerformanceMarkdown.ParseTable(_markdown);
        foreach (var id in new[] { RowIds.EngineRows, RowIds.Rebuild, RowIds.PgRebuild })
            Assert.Matches(new Regex(@"^\d[\d,.]* (%|×)"), rows[id][4]);
        Assert.Matches(new Regex(@"^\d[\d,.]* rows/s$"), rows[RowIds.RawInsert][2]);
    }

    [Fact]
    public void the_report_names_the_machine_the_command_and_the_date()
    {
        Assert.Contains("| Command | `all --quick` |", _markdown, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"\| Machine \| \d+ cores, "), _markdown);
        Assert.Matches(new Regex(@"\| Date \| \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC"), _markdown);
        Assert.Contains(".NET", _markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void rewriting_the_report_keeps_the_text_around_the_results()
    {
        var path = Path.Combine(_work, "PERFORMANCE.md");
        File.WriteAllText(path, $"# Performance\n\nintro\n\n{PerformanceMarkdown.Begin}\nold\n{PerformanceMarkdown.End}\n\n## Analysis\n\nkept\n");
        PerformanceMarkdown.Write(path, _markdown);
        var text = File.ReadAllText(path);
        Assert.StartsWith("# Performance\n\nintro\n\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\n\n## Analysis\n\nkept\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\nold\n", text, StringComparison.Ordinal);
        Assert.Equal(RowIds.All.Count, PerformanceMarkdown.ParseTable(text).Count);
    }

    [Fact]
    public async Task the_queries_command_times_the_queries_again_on_the_file_the_run_left()
    {
        var results = new Results();
        var options = SuiteOptions.QuickRun() with { WorkDirectory = _work };
        await new PointsEngine.Load.Sections.SqliteSuite(options, ProgressLog.Silent, results).QueriesOnlyAsync();
        foreach (var id in new[] { RowIds.BranchRanking, RowIds.Evidence })
        {
            Assert.True(results.Has(id), $"row {id} was not measured");
            Assert.Matches(@"^p99 \d", results.Rows.Single(r => r.Id == id).Figure);
        }
    }
}

/// One quick run of the whole suite, shared by the tests above.
public sealed class QuickSuiteRun : IAsyncLifetime
{
    public string Work { get; } = Directory.CreateTempSubdirectory("pe-bench-").FullName;
    public Results Results { get; private set; } = null!;
    public string Markdown { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = SuiteOptions.QuickRun() with { WorkDirectory = Work };
        (Results, Markdown) = await Suite.RunAsync(options, "all --quick", ProgressLog.Silent);
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Work, recursive: true); }
        catch (IOException) { /* a reader still closing: the OS temp cleaner gets it */ }
        return Task.CompletedTask;
    }
}
