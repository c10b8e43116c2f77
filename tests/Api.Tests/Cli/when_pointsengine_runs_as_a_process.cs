using System.Diagnostics;

namespace PointsEngine.Api.Tests.Cli;

/// The real program (`dotnet pointsengine.dll …`), for the exit codes a script relies on and output that is
/// plain when redirected.
public sealed class when_pointsengine_runs_as_a_process : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pe-cli-process-").FullName;

    private static async Task<CliRun> RunAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pointsengine.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5)); // bounds a hang only
        await process.WaitForExitAsync(timeout.Token);
        return new CliRun(process.ExitCode, await output, await errors);
    }

    [Fact]
    public async Task exit_codes_tell_ok_problems_usage_and_an_unreachable_store_apart()
    {
        var help = await RunAsync(_dir, "--help");
        Assert.True(help.Exit == 0, help.ToString());
        Assert.Contains("import", help.Output);
        Assert.False((help.Output + help.Errors).Contains('\u001b', StringComparison.Ordinal), "ANSI escape in redirected output");

        var usage = await RunAsync(_dir, "export", "standings", "--year", "2025");
        Assert.True(usage.Exit == 2, usage.ToString());
        Assert.Contains("--out", usage.Errors);
        Assert.Equal(2, (await RunAsync(_dir, "no-such-command")).Exit);

        var missingStore = await RunAsync(_dir, "verify", "--store-path", Path.Combine(_dir, "nowhere", "points.db"));
        Assert.True(missingStore.Exit == 3, missingStore.ToString());

        var roster = Path.Combine(_dir, "roster.csv");
        LedgerFiles.WriteCsv(roster, LedgerFiles.RosterHeaders,
        [
            ["m1", "张三", "b1", "第一党支部", "", "", "正式党员", "普通", "2025-01-01"],
            ["m2", "", "b1", "", "", "", "", "", "2025-02-30"],
        ]);
        var db = Path.Combine(_dir, "points.db");
        var dryRun = await RunAsync(_dir, "import", roster, "--dry-run", "--store-path", db);
        Assert.True(dryRun.Exit == 1, dryRun.ToString());
        Assert.Contains("roster.csv 第 3 行 row 3 列 column 姓名", dryRun.Errors);
        Assert.Contains("roster.csv 第 3 行 row 3 列 column 日期", dryRun.Errors);
        Assert.False(File.Exists(db));
        Assert.False((dryRun.Output + dryRun.Errors).Contains('\u001b', StringComparison.Ordinal), "ANSI escape in redirected output");

        var import = await RunAsync(_dir, "import", roster, "--store-path", db, "--operator", "张书记");
        Assert.True(import.Exit == 1, import.ToString());
        Assert.Contains("imported: 1 new (2 facts), 0 already recorded, 1 rejected", import.Output);
        Assert.True(File.Exists(Path.Combine(_dir, "roster.rejects.csv")));

        var verify = await RunAsync(_dir, "verify", "--store-path", db);
        Assert.True(verify.Exit == 0, verify.ToString());
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
