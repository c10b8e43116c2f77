using PointsEngine.Load;
using PointsEngine.Load.Report;
using PointsEngine.Load.Support;

// dotnet run -c Release --project bench/PointsEngine.Load -- all [--quick] [--out docs/PERFORMANCE.md]
//                                                               [--only sqlite,http,...] [--work /tmp/dir]
//                                                               [--http-generator auto|wrk|inprocess]
//   queries --work DIR [--iterations N]: only the sqlite section's queries, on the file an earlier `--only sqlite` run left in DIR
//   rebuild --store FILE [--times N]: repeated rebuilds over a kept log
if (args.Length > 0 && args[0] == "rebuild") return await PointsEngine.Load.Sections.RebuildRepeat.RunAsync(args[1..]);
var command = "dotnet run -c Release --project bench/PointsEngine.Load -- " + string.Join(' ', args);
if (args.FirstOrDefault() == "queries") return await QueriesOnlyAsync(args[1..]);
var rest = args.SkipWhile(a => a == "all").ToList();
var quick = rest.Remove("--quick");
var options = quick ? SuiteOptions.QuickRun() : new SuiteOptions();
string? output = "docs/PERFORMANCE.md";
for (var i = 0; i < rest.Count; i++)
{
    switch (rest[i])
    {
        case "--out" when i + 1 < rest.Count: output = rest[++i]; break;
        case "--no-out": output = null; break;
        case "--only" when i + 1 < rest.Count:
            options = options with { Only = rest[++i].Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal) };
            break;
        case "--http-generator" when i + 1 < rest.Count && Enum.TryParse<HttpGenerator>(rest[i + 1].Replace("-", ""), ignoreCase: true, out var generator):
            options = options with { HttpGenerator = generator };
            i++;
            break;
        case "--work" when i + 1 < rest.Count: options = options with { WorkDirectory = rest[++i] }; break;
        case "--startup-events" when i + 1 < rest.Count: options = options with { StartupEvents = long.Parse(rest[++i], System.Globalization.CultureInfo.InvariantCulture) }; break;
        case "--scale" when i + 1 < rest.Count: // sizes of the organisation-wide ranking, e.g. 10000,100000,300000
            options = options with
            {
                RankingScale = [.. rest[++i].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture))],
            };
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{rest[i]}'");
            Console.Error.WriteLine("usage: all [--quick] [--out docs/PERFORMANCE.md | --no-out] [--only " + string.Join(',', SectionNames.All) +
                                    "] [--work DIR] [--startup-events N] [--scale N,N,…] [--http-generator auto|wrk|inprocess]");
            return 2;
    }
}

var (results, markdown) = await Suite.RunAsync(options, command, new ProgressLog(Console.Out));
Console.WriteLine();
Console.WriteLine(markdown);
if (output is not null)
{
    PerformanceMarkdown.Write(output, markdown);
    Console.WriteLine($"written to {Path.GetFullPath(output)}");
}
return results.Rows.Count >= RowIds.All.Count ? 0 : 1;

static async Task<int> QueriesOnlyAsync(string[] args)
{
    var options = new SuiteOptions();
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--work" when i + 1 < args.Length: options = options with { WorkDirectory = args[++i] }; break;
            case "--iterations" when i + 1 < args.Length:
                options = options with { QueryIterations = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture) };
                break;
            default:
                Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: queries [--work DIR] [--iterations N]");
                return 2;
        }
    }
    var log = new ProgressLog(Console.Out);
    log.Line($"queries on {options.WorkDirectory}, load {MachineInfo.Current().LoadAverage}");
    await new PointsEngine.Load.Sections.SqliteSuite(options, log, new Results()).QueriesOnlyAsync();
    log.Line($"load {MachineInfo.Current().LoadAverage}");
    return 0;
}
