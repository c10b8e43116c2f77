using FsCheck;

namespace PointsEngine.Domain.Tests.Laws;

public static class PropertyConfig
{
    // Enough cases to find ordering and re-allocation bugs; the whole domain suite stays well under 30 s.
    public static Config Default => Config.QuickThrowOnFailure.WithMaxTest(200);
}
