namespace PointsEngine.TestSupport;

/// The system clock moved forward by a test (an objection window passing) while timers and timestamps
/// stay real, so nothing that waits on time hangs. Tokens are judged by it too: mint them after a shift.
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public DateOnly Today => DateOnly.FromDateTime(GetLocalNow().DateTime);
}
