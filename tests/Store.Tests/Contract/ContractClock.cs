namespace PointsEngine.Store.Tests.Contract;

/// A clock the test moves by hand, so recorded-at can be asserted exactly. It starts with
/// sub-microsecond ticks on purpose: the store must truncate them like every other timestamp.
public sealed class ContractClock : TimeProvider
{
    public static readonly DateTimeOffset Origin = new DateTimeOffset(2026, 3, 1, 8, 30, 0, TimeSpan.Zero).AddTicks(1_234_567);

    private long _utcTicks = Origin.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
