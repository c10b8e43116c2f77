using System.Globalization;
using System.Runtime.CompilerServices;
using FsCheck;
using Microsoft.FSharp.Core;

namespace PointsEngine.TestSupport;

/// One seed discipline for every property suite (#16). A property runs, case by case:
/// 1. its regression cases: replays of cases that once failed, each exactly as it failed;
/// 2. a fixed set of cases (the same seeds on every run, so CI is repeatable): the suite's count × PROPERTY_SCALE;
/// 3. a few random cases (PROPERTY_RANDOM, default 2; 0 in CI is allowed), each seed printed before it runs.
/// A failing case names its replay, "seed,gamma,size" as FsCheck prints it, and PROPERTY_REPLAY="seed,gamma,size"
/// (with --filter to pick the test) runs exactly that case and nothing else.
///
/// Each case is one FsCheck run of one test started from a known Rnd and size, so the seed printed is the case's
/// own. The properties stay plain Prop.ForAll values: moving them to [Property] attributes (#23) only changes how
/// they are started.
public static class PropertyRuns
{
    public const string ScaleVariable = "PROPERTY_SCALE";
    public const string ReplayVariable = "PROPERTY_REPLAY";
    public const string RandomVariable = "PROPERTY_RANDOM";

    // The fixed cases' seeds come from this one number: change it and every suite's CI cases change.
    private const int FixedSeed = 16_2026;
    private const int EndSize = 100;

    /// PROPERTY_SCALE: multiplies every suite's fixed case count (default 1).
    public static int Scale => PositiveFromEnvironment(ScaleVariable, 1);

    public static int RandomCases => PositiveFromEnvironment(RandomVariable, 2, allowZero: true);

    /// Checks the property: regressions, then <paramref name="cases"/> × <see cref="Scale"/> fixed cases, then the
    /// random ones; or, with PROPERTY_REPLAY set, only that case.
    public static void Check(Property property, int cases, IEnumerable<string>? regressions = null,
        [CallerFilePath] string file = "", [CallerMemberName] string test = "")
    {
        var name = $"{Path.GetFileNameWithoutExtension(file)}.{test}";
        if (Environment.GetEnvironmentVariable(ReplayVariable) is { Length: > 0 } replay)
        {
            var only = PropertyCase.Parse(replay);
            Log($"{name}: replaying only {only} ({ReplayVariable})");
            Run(property, only, name, "replayed");
            return;
        }
        foreach (var regression in regressions ?? []) Run(property, PropertyCase.Parse(regression), name, "regression");
        foreach (var fixedCase in FixedCases(cases * Scale)) Run(property, fixedCase, name, "fixed");
        for (var i = 0; i < RandomCases; i++)
        {
            var random = new PropertyCase((ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue), PropertyCase.GoldenGamma, Random.Shared.Next(EndSize + 1));
            Log($"{name}: random case {random} (replay: {ReplayVariable}=\"{random}\")");
            Run(property, random, name, "random");
        }
    }

    /// The fixed cases: the same list on every run, sizes spread evenly from 0 to 100 as FsCheck spreads its own.
    public static IReadOnlyList<PropertyCase> FixedCases(int count)
    {
        var random = new Random(FixedSeed);
        return [.. Enumerable.Range(0, count).Select(i =>
            new PropertyCase((ulong)random.NextInt64(long.MinValue, long.MaxValue), PropertyCase.GoldenGamma, count == 1 ? EndSize : i * EndSize / (count - 1)))];
    }

    private static void Run(Property property, PropertyCase @case, string name, string kind)
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(1).WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(@case.Seed, @case.Gamma), FSharpOption<int>.Some(@case.Size))));
        try
        {
            FsCheck.Check.One(config, property);
        }
        catch (Exception e)
        {
            var message = $"{name}: the {kind} case {@case} failed. Replay exactly this case with {ReplayVariable}=\"{@case}\" " +
                $"(and --filter for this test); keep it as a regression case.{Environment.NewLine}{e.Message}";
            Log(message);
            throw new PropertyFailedException(message, e);
        }
    }

    private static void Log(string line) => Console.WriteLine($"[property] {line}");

    private static int PositiveFromEnvironment(string variable, int fallback, bool allowZero = false)
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && (value > 0 || allowZero && value == 0)
            ? value
            : throw new InvalidOperationException($"{variable} must be a {(allowZero ? "non-negative" : "positive")} whole number, not '{text}'.");
    }
}

/// One property case: FsCheck's random state (seed, gamma) and the size it starts at, written as FsCheck prints a
/// replay: "seed,gamma,size" (parentheses allowed).
public readonly record struct PropertyCase(ulong Seed, ulong Gamma, int Size)
{
    /// The gamma FsCheck's Rnd uses for a seed alone.
    public static readonly ulong GoldenGamma = new Rnd(0).Gamma;

    public static PropertyCase Parse(string text)
    {
        var parts = text.Trim().Trim('(', ')').Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 3
            && ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seed)
            && ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var gamma)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            return new PropertyCase(seed, gamma, size);
        throw new FormatException($"A property case is \"seed,gamma,size\" (three whole numbers, as FsCheck prints a replay), not '{text}'.");
    }

    public override string ToString() => FormattableString.Invariant($"{Seed},{Gamma},{Size}");
}

public sealed class PropertyFailedException(string message, Exception inner) : Exception(message, inner);

/// Property cases that once failed, as "seed,gamma,size", kept so every run replays them first (#16).
public static class RegressionCases
{
    /// #16 finding 1: ProjectionLawsOnPostgres.law1 on a fresh clone, "Table members differs" for a member enrolled
    /// again (organisation seed 953760, batch 17): read models compared before the last facts were scored.
    public const string ReEnrolledMemberComparedBeforeScoringFinished = "7458851898462757967,8134519318117349209,100";
}
