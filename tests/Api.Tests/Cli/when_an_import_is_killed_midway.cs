using System.Diagnostics;
using Microsoft.Data.Sqlite;
using PointsEngine.Domain.Facts;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;
using PointsEngine.Store.Sqlite;

namespace PointsEngine.Api.Tests.Cli;

/// The import process is killed (SIGKILL) while it writes; running the same command again ends with every
/// row recorded exactly once and every meeting whole.
public sealed class when_an_import_is_killed_midway(Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pe-cli-kill-").FullName;

    [Fact]
    public async Task a_rerun_ends_with_each_row_exactly_once()
    {
        var db = Path.Combine(_dir, "points.db");
        var members = LedgerFiles.Members(4, 30);
        var roster = Path.Combine(_dir, "roster.csv");
        var facts = Path.Combine(_dir, "facts.csv");
        var rows = LedgerFiles.FactRows(members);
        LedgerFiles.WriteCsv(roster, LedgerFiles.RosterHeaders, LedgerFiles.RosterRows(members));
        LedgerFiles.WriteCsv(facts, LedgerFiles.FactHeaders, rows);
        await Cli.PublishDefaultRulesAsync(_dir, "--store-path", db);

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "pointsengine.dll"), "import", roster, facts, "--store-path", db })
            start.ArgumentList.Add(a);
        using (var process = Process.Start(start)!)
        {
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            // Killed once some facts beyond the roster are in the log (or let finish if it is quicker than the watch).
            using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            while (!process.HasExited && await HeadAsync(db) < 600) await Task.Delay(20, bound.Token);
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                log.WriteLine($"killed with the log head at {await HeadAsync(db)}");
            }
            await process.WaitForExitAsync(bound.Token);
        }
        SqliteConnection.ClearAllPools();

        var rerun = await Cli.RunAsync("import", roster, facts, "--store-path", db);
        Assert.True(rerun.Exit == 0, rerun.ToString());
        var (fresh, already) = Counts(rerun.Output);
        Assert.Equal(members.Count + rows.Count, fresh + already); // what the killed run wrote, and the rest
        log.WriteLine($"the re-run wrote {fresh} rows; {already} were already recorded");

        await using var store = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(db));
        var serializer = DomainSerializer.Create();
        var recorded = new List<IFact>();
        await foreach (var e in store.ReadAllAsync(LogPosition.Start))
            if (FactStreams.HoldsRecordedFacts(e.Stream) && serializer.Deserialize(e) is IFact f and not RuleSetPublished) recorded.Add(f);
        Assert.Equal(recorded.Count, recorded.Select(f => f.FactId).Distinct().Count());
        Assert.Equal(members.Count, recorded.OfType<Domain.Organisation.MemberEnrolled>().Count());
        var attendance = rows.Count(r => r[6] != "");
        Assert.Equal(attendance, recorded.OfType<MeetingHeld>().Sum(m => m.Attendance.Count));
        Assert.Equal(rows.Select(r => (r[0], r[3], r[4], r[5], r[10])).Where((_, i) => rows[i][6] != "").Distinct().Count(), recorded.OfType<MeetingHeld>().Count());
        Assert.Equal(rows.Count(r => r[5] == "志愿服务"), recorded.OfType<VolunteerServiceLogged>().Count());

        var again = await Cli.RunAsync("import", roster, facts, "--store-path", db);
        Assert.Contains($"imported: 0 new (0 facts), {members.Count + rows.Count} already recorded, 0 rejected", again.Output);
    }

    /// (N, M) of "imported: N new (…), M already recorded, …".
    private static (int New, int Already) Counts(string output)
    {
        var parts = output.Split('\n').Single(l => l.StartsWith("imported:", StringComparison.Ordinal)).Split(' ');
        return (int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[^5], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<long> HeadAsync(string db)
    {
        try
        {
            await using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
            await c.OpenAsync();
            var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT coalesce(max(position), 0) FROM events";
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        catch (SqliteException)
        {
            return 0; // busy or not created yet
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
