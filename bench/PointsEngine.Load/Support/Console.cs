using System.Diagnostics;

namespace PointsEngine.Load.Support;

/// Progress lines while the suite runs, each with the time since it started.
public sealed class ProgressLog(TextWriter output)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Line(string text)
    {
        lock (output) output.WriteLine($"[{_clock.Elapsed:mm\\:ss}] {text}");
    }

    public static ProgressLog Silent { get; } = new(TextWriter.Null);
}
