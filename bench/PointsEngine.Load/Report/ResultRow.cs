namespace PointsEngine.Load.Report;

public enum Verdict { Met, NotMet, Reported }

/// One line of the results table: the figure, the raw limit measured in the same run, their ratio, and
/// the target from issue #7 with whether it was met.
public sealed record ResultRow(string Id, string Measure, string Figure, string RawLimit, string Ratio, string Target, Verdict Verdict)
{
    public string VerdictText => Verdict switch
    {
        Verdict.Met => "met",
        Verdict.NotMet => "**not met**",
        _ => "—",
    };
}

/// A row the suite must produce; the smoke test checks every one is in the table.
public static class RowIds
{
    public const string RawInsert = "raw-insert";
    public const string RawRead = "raw-read";
    public const string Naive = "naive";
    public const string EngineActivities = "engine-activities";
    public const string EngineRows = "engine-rows";
    public const string EngineVsNaive = "engine-vs-naive";
    public const string HttpMeeting = "http-meeting";
    public const string HttpSingle = "http-single";
    public const string Rebuild = "rebuild";
    public const string BranchRanking = "query-branch-ranking";
    public const string TopHundred = "query-top-100";
    public const string TopHundredAtTarget = "query-top-100-1m";
    public const string Evidence = "query-evidence";
    public const string ActorMemory = "actor-memory";
    public const string Passivation = "actor-passivation";
    public const string ColdRecovery = "actor-cold-recovery";
    public const string Startup = "startup";
    public const string PgRawInsert = "pg-raw-insert";
    public const string PgRawRead = "pg-raw-read";
    public const string PgEngine = "pg-engine-activities";
    public const string PgRebuild = "pg-rebuild";
    public const string MicroDecide = "micro-decide-evolve";
    public const string MicroRuleLookup = "micro-rule-lookup";
    public const string MicroRoute = "micro-route-meeting";
    public const string MicroSerialize = "micro-serializer";

    public static IReadOnlyList<string> All { get; } =
    [
        RawInsert, RawRead, Naive, EngineActivities, EngineRows, EngineVsNaive, HttpMeeting, HttpSingle, Rebuild,
        BranchRanking, TopHundred, TopHundredAtTarget, Evidence, ActorMemory, Passivation, ColdRecovery, Startup,
        PgRawInsert, PgRawRead, PgEngine, PgRebuild, MicroDecide, MicroRuleLookup, MicroRoute, MicroSerialize,
    ];
}
