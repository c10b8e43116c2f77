using PointsEngine.Load.Support;

namespace PointsEngine.Bench.Tests;

/// The meetings the bench records are meetings the API accepts.
public sealed class the_bench_workload
{
    // #17 problem 1: the HTTP bench's meetings repeated (branch, date, kind, group, topic) after 6,000
    // requests, so the API refused them 409 meeting-exists (#19) and the row counted 15,704 refusals.
    [Theory]
    [InlineData(50, 40, 20_000)] // the HTTP section's organisation
    [InlineData(20, 500, 10_000)] // the SQLite ingest's
    [InlineData(2, 80, 2_000)] // --quick
    public void no_two_meetings_share_the_natural_key_the_api_refuses_twice(int branches, int membersPerBranch, int meetings)
    {
        var workload = new Workload(branches, membersPerBranch);
        var keys = new HashSet<(string, DateOnly, string, string?, string)>();
        foreach (var m in workload.Meetings(meetings, from: 1, prefix: "http"))
            Assert.True(keys.Add((m.Branch.Value, m.OccurredOn, m.Kind.ToString(), m.Group?.Value, m.Topic)),
                $"{m.FactId.Value} repeats the natural key of an earlier meeting: {m.Branch.Value} {m.OccurredOn} {m.Kind} {m.Topic}");
    }
}
