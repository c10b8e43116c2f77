using System.Diagnostics;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using PointsEngine.Benchmarks;
using PointsEngine.Load.Report;
using PointsEngine.Load.Support;
using static PointsEngine.Load.Report.Format;

namespace PointsEngine.Load.Sections;

/// The domain's hot paths (bench/PointsEngine.Benchmarks): with BenchmarkDotNet in the full suite (a
/// short in-process job; run that project directly for the full statistics), a stopwatch loop in --quick.
public sealed class MicroSuite(SuiteOptions options, ProgressLog log, Results results)
{
    public Task RunAsync()
    {
        var times = options.MicroWithBenchmarkDotNet ? WithBenchmarkDotNet() : WithStopwatch();
        foreach (var (key, ns) in times) results.Figure($"micro.{key}", ns);
        string Decide(int facts) => $"{Ns(times[$"decide.{facts}"])} after {facts} facts";
        results.Add(new ResultRow(RowIds.MicroDecide, "Micro: Decide + Evolve of one attendance (the actor's work per message; re-scores the member's year)",
            string.Join("; ", DomainHotPaths.Histories.Select(Decide)), "—", "—", "—", Verdict.Reported));
        results.Add(new ResultRow(RowIds.MicroRuleLookup, "Micro: rule set in force on a date, book of 10 yearly sets (RuleBook.InForceOn)",
            Ns(times["lookup"]), "—", "—", "—", Verdict.Reported));
        results.Add(new ResultRow(RowIds.MicroRoute, "Micro: route a 40-member meeting to member commands (FactRouting.Route)",
            Ns(times["route"]), "—", "—", "—", Verdict.Reported));
        results.Add(new ResultRow(RowIds.MicroSerialize, "Micro: serializer (DomainSerializer, Newtonsoft.Json)",
            $"award {Ns(times["award.out"])} out / {Ns(times["award.in"])} in; 40-member meeting {Ns(times["meeting.out"])} out / {Ns(times["meeting.in"])} in",
            "—", "—", "—", Verdict.Reported));
        var decide24 = times["decide.24"];
        results.Note("micro", $"One core decides and evolves at most {Count(1e9 / decide24)} attendances/s for members 24 facts into their year " +
                              $"({Count(1e9 / times["decide.100"])} at 100 facts): the domain alone bounds the engine at about " +
                              $"{Count(Environment.ProcessorCount * 1e9 / decide24)}/s on {Environment.ProcessorCount} cores.");
        return Task.CompletedTask;
    }

    private Dictionary<string, double> WithStopwatch()
    {
        log.Line("micro: stopwatch loops (--quick)");
        var times = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var facts in DomainHotPaths.Histories)
        {
            var paths = new DomainHotPaths(facts);
            times[$"decide.{facts}"] = Time(() => paths.DecideAndEvolve());
        }
        var p = new DomainHotPaths(0);
        var date = new DateOnly(2025, 6, 30);
        times["lookup"] = Time(() => p.LookUpRuleSet(date));
        times["route"] = Time(p.RouteMeeting);
        times["award.out"] = Time(p.SerializeAward);
        times["award.in"] = Time(p.DeserializeAward);
        times["meeting.out"] = Time(p.SerializeMeeting);
        times["meeting.in"] = Time(p.DeserializeMeeting);
        return times;
    }

    private double Time<T>(Func<T> call)
    {
        for (var i = 0; i < 20; i++) GC.KeepAlive(call());
        var n = 0;
        var clock = Stopwatch.StartNew();
        var budget = TimeSpan.FromMilliseconds(options.Quick ? 30 : 500);
        while (clock.Elapsed < budget)
        {
            GC.KeepAlive(call());
            n++;
        }
        return clock.Elapsed.TotalNanoseconds / n;
    }

    private Dictionary<string, double> WithBenchmarkDotNet()
    {
        log.Line("micro: BenchmarkDotNet, short in-process job (full statistics: dotnet run -c Release --project bench/PointsEngine.Benchmarks -- --filter '*')");
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(Path.Combine(options.WorkDirectory, "benchmarkdotnet"))
            .WithOptions(ConfigOptions.DisableLogFile);
        var times = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var summary in BenchmarkRunner.Run([typeof(DecideAndEvolve), typeof(RuleLookup), typeof(Serializer)], config))
        {
            foreach (var report in summary.Reports)
            {
                var mean = report.ResultStatistics?.Mean ?? double.NaN;
                var method = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
                var key = method switch
                {
                    nameof(DecideAndEvolve.AttendanceFact) => $"decide.{report.BenchmarkCase.Parameters["FactsBefore"]}",
                    nameof(RuleLookup.InForceOn) => "lookup",
                    nameof(RuleLookup.RouteFortyMemberMeeting) => "route",
                    nameof(Serializer.SerializeAward) => "award.out",
                    nameof(Serializer.DeserializeAward) => "award.in",
                    nameof(Serializer.SerializeMeeting) => "meeting.out",
                    nameof(Serializer.DeserializeMeeting) => "meeting.in",
                    _ => method,
                };
                times[key] = mean;
            }
        }
        return times;
    }
}
