using System.Diagnostics;
using PointsEngine.Projections.Runner;
using PointsEngine.Projections.Tests.Support;

namespace PointsEngine.Projections.Tests.Runner;

/// #7: every projection commit takes SQLite's one write lock, which the appends need too. While events keep
/// arriving, a projection commits at most once per CommitInterval and gathers what arrived meanwhile.
public sealed class when_events_keep_arriving
{
    private static async Task<(int Commits, TimeSpan Took, int Projections)> RecordAYearAsync(TimeSpan interval)
    {
        var commits = 0;
        var options = new ProjectionRunnerOptions
        {
            CommitInterval = interval,
            AtStep = (step, _) =>
            {
                if (step == ProjectionStep.BatchCommitted) Interlocked.Increment(ref commits);
                return Task.CompletedTask;
            },
        };
        await using var scenario = await Scenario.StartAsync(new SqliteBackend(), options);
        var year = OrganisationCase.Generate(seed: 7);
        var started = Stopwatch.GetTimestamp();
        await scenario.RecordAsync(year.Facts); // one fact at a time: the log is busy the whole while
        await scenario.SettleAsync();
        Assert.Null(scenario.Runner.LastError);
        return (Volatile.Read(ref commits), Stopwatch.GetElapsedTime(started), scenario.Runner.Projections.Count);
    }

    [Fact]
    public async Task each_projection_commits_at_most_once_per_interval_and_fewer_times_than_unpaced()
    {
        // Given the same year of facts recorded one by one, unpaced and paced
        var unpaced = await RecordAYearAsync(TimeSpan.Zero);
        var interval = TimeSpan.FromMilliseconds(400);
        var paced = await RecordAYearAsync(interval);

        // Then paced, each projection committed no more often than the interval allows (its first commit
        // is immediate), and the workload was busy enough for that to matter
        var allowed = paced.Projections * ((int)Math.Ceiling(paced.Took / interval) + 1);
        Assert.True(paced.Commits <= allowed, $"{paced.Commits} commits in {paced.Took.TotalMilliseconds:F0} ms, at most {allowed} allowed");
        Assert.True(paced.Commits < unpaced.Commits, $"paced {paced.Commits} commits, unpaced {unpaced.Commits}");
    }
}
