using System.Diagnostics;

namespace PointsEngine.Load.Support;

/// Durations of many calls, for percentiles.
public sealed class Latencies
{
    private readonly List<double> _ms = [];
    private readonly Lock _gate = new();

    public int Count { get { lock (_gate) return _ms.Count; } }

    public void Add(double ms) { lock (_gate) _ms.Add(ms); }

    public void AddAll(IEnumerable<double> ms) { lock (_gate) _ms.AddRange(ms); }

    public double Percentile(double p)
    {
        lock (_gate)
        {
            if (_ms.Count == 0) return double.NaN;
            var sorted = _ms.Order().ToArray();
            var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
            return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
        }
    }

    public double P50 => Percentile(50);
    public double P99 => Percentile(99);

    public static async Task<Latencies> TimeAsync(int iterations, Func<Task> call)
    {
        var latencies = new Latencies();
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await call().ConfigureAwait(false);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return latencies;
    }
}
