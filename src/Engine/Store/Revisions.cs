namespace PointsEngine.Store;

/// Revision of an event within its stream: 0 for the first event, like EventStoreDB.
public readonly record struct StreamRevision(long Value) : IComparable<StreamRevision>
{
    public static readonly StreamRevision Start = new(0);

    public StreamRevision Next() => new(Value + 1);
    public int CompareTo(StreamRevision other) => Value.CompareTo(other.Value);
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// Position of an event in the global log. Positions grow in commit order and are never reused;
/// they may have gaps (a transaction that rolled back consumed them).
public readonly record struct LogPosition(long Value) : IComparable<LogPosition>
{
    /// Before the first event: subscribing from here delivers the whole log.
    public static readonly LogPosition Start = new(0);

    public int CompareTo(LogPosition other) => Value.CompareTo(other.Value);
    public static bool operator <(LogPosition a, LogPosition b) => a.Value < b.Value;
    public static bool operator >(LogPosition a, LogPosition b) => a.Value > b.Value;
    public static bool operator <=(LogPosition a, LogPosition b) => a.Value <= b.Value;
    public static bool operator >=(LogPosition a, LogPosition b) => a.Value >= b.Value;
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// What the writer believes about the stream before appending (EventStoreDB's StreamState).
public readonly record struct ExpectedRevision
{
    private const long AnyValue = -2;
    private const long NoStreamValue = -1;

    private readonly long _value;
    private ExpectedRevision(long value) => _value = value;

    /// Append whatever the stream holds.
    public static readonly ExpectedRevision Any = new(AnyValue);

    /// Append only if the stream has no events yet.
    public static readonly ExpectedRevision NoStream = new(NoStreamValue);

    /// Append only if the stream's last event has exactly this revision.
    public static ExpectedRevision Exact(StreamRevision revision) => new(revision.Value);
    public static ExpectedRevision Exact(long revision) =>
        revision < 0 ? throw new ArgumentOutOfRangeException(nameof(revision)) : new(revision);

    public bool IsAny => _value == AnyValue;
    public bool IsNoStream => _value == NoStreamValue;
    public bool IsExact => _value >= 0;
    public StreamRevision ExactRevision => IsExact ? new(_value) : throw new InvalidOperationException("Not an exact revision.");

    /// Whether a stream whose last revision is <paramref name="actual"/> (null: no stream) satisfies this expectation.
    public bool IsSatisfiedBy(StreamRevision? actual) =>
        IsAny || (IsNoStream ? actual is null : actual is { } a && a.Value == _value);

    public override string ToString() => IsAny ? "any" : IsNoStream ? "no-stream" : _value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
