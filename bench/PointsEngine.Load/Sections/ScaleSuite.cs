using PointsEngine.Load.Report;
using PointsEngine.Load.Support;

namespace PointsEngine.Load.Sections;

public sealed class ScaleSuite(SuiteOptions options, ProgressLog log, Results results)
{
    public Task RunAsync() => throw new NotImplementedException($"{options}{log}{results}");
}
