namespace PointsEngine.Load;

/// Sizes of each run. The full suite is sized for a quiet 2-core machine (about a quarter of an hour);
/// --quick shrinks everything to seconds, for the CI smoke, and proves only that the harness works.
public sealed record SuiteOptions
{
    public bool Quick { get; init; }

    /// Branches and members per branch of the organisation the engine scores. Meetings list 40 members
    /// (a party group), so a 500-member branch holds a dozen groups.
    public int Branches { get; init; } = 20;
    public int MembersPerBranch { get; init; } = 500;
    public int Meetings { get; init; } = 10_000;
    public int AttendeesPerMeeting { get; init; } = 40;

    /// Facts recorded at once by the ingest driver (as many HTTP requests would).
    public int RecordConcurrency { get; init; } = 64;

    /// Raw rows inserted per transaction: the engine's group-commit cap (GroupCommitOptions.MaxRequestsPerCommit).
    public int RawBatch { get; init; } = 512;
    public int RawRowsMax { get; init; } = 400_000;

    public TimeSpan NaiveDuration { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan HttpDuration { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan HttpWarmup { get; init; } = TimeSpan.FromSeconds(3);
    public int HttpConnections { get; init; } = 32;

    /// Who loads the server: wrk when installed (Auto), or always the in-process HttpClient generator.
    public HttpGenerator HttpGenerator { get; init; } = HttpGenerator.Auto;

    public int QueryIterations { get; init; } = 200;

    /// Organisation sizes at which the organisation-wide top 100 is timed (each a log built and projected).
    public IReadOnlyList<int> RankingScale { get; init; } = [10_000, 30_000, 100_000];

    /// Events in the log for the start-up run (the target is 10,000,000).
    public long StartupEvents { get; init; } = 10_000_000;

    public int PgMeetings { get; init; } = 2_000;

    /// Micro-benchmarks: BenchmarkDotNet in the full suite, a stopwatch loop in --quick.
    public bool MicroWithBenchmarkDotNet { get; init; } = true;

    /// Sections to run (null: all); the table shows the others as not run.
    public IReadOnlySet<string>? Only { get; init; }

    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "pointsengine-bench");

    public static SuiteOptions QuickRun() => new()
    {
        Quick = true,
        Branches = 2,
        MembersPerBranch = 80,
        Meetings = 40,
        RecordConcurrency = 16,
        RawRowsMax = 20_000,
        NaiveDuration = TimeSpan.FromMilliseconds(300),
        HttpDuration = TimeSpan.FromSeconds(1),
        HttpWarmup = TimeSpan.FromMilliseconds(300),
        HttpConnections = 8,
        QueryIterations = 10,
        RankingScale = [200, 400],
        StartupEvents = 20_000,
        PgMeetings = 20,
        MicroWithBenchmarkDotNet = false,
    };

    public bool Runs(string section) => Only is null || Only.Contains(section);

    public int Members => Branches * MembersPerBranch;
}

public static class SectionNames
{
    public const string Micro = "micro";
    public const string Sqlite = "sqlite";   // raw limits, naive baseline, engine ingest, rebuild, queries, memory
    public const string Scale = "scale";     // organisation-wide ranking at growing sizes
    public const string Http = "http";
    public const string Startup = "startup";
    public const string Postgres = "postgres";

    public static IReadOnlyList<string> All { get; } = [Micro, Sqlite, Scale, Http, Startup, Postgres];
}

/// The HTTP section's load generator (`--http-generator auto|wrk|inprocess`).
public enum HttpGenerator { Auto, Wrk, InProcess }
