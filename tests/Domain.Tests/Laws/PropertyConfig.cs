namespace PointsEngine.Domain.Tests.Laws;

public static class PropertyConfig
{
    // Enough cases to find ordering and re-allocation bugs; the whole domain suite stays well under 30 s.
    // How they run (fixed and random seeds, PROPERTY_SCALE, PROPERTY_REPLAY): PropertyRuns in tests/TestSupport.
    public const int Cases = 200;
}
