using PointsEngine.Projections.Runner;

namespace PointsEngine.Projections.Tests.Support;

/// Reports synchronously on the rebuild's own thread (Progress<T> would post to the thread pool, late).
public sealed class CallbackProgress(Action<RebuildProgress> report) : IProgress<RebuildProgress>
{
    public void Report(RebuildProgress value) => report(value);
}
