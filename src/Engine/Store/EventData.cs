namespace PointsEngine.Store;

/// Who and what lies behind an event, beside its payload. Occurred-at is when the thing happened in the
/// world (a meeting's date); the store adds recorded-at when it commits.
public sealed record EventMetadata
{
    public DateTimeOffset OccurredAt { get; }
    public string RecordedBy { get; }
    public Guid? CorrelationId { get; init; }
    public Guid? CausationId { get; init; }

    public EventMetadata(DateTimeOffset occurredAt, string recordedBy)
    {
        if (string.IsNullOrWhiteSpace(recordedBy))
            throw new ArgumentException("Every event records who recorded it.", nameof(recordedBy));
        // Both backends keep microseconds in UTC; normalising here makes a read-back equal what was sent.
        OccurredAt = Timestamps.Normalize(occurredAt);
        RecordedBy = recordedBy;
    }
}

/// An event to append: its id makes appends idempotent, its type name is the stable stored name.
public sealed record EventData
{
    public Guid EventId { get; }
    public string Type { get; }
    public string Data { get; }
    public EventMetadata Metadata { get; }

    public EventData(Guid eventId, string type, string data, EventMetadata metadata)
    {
        if (eventId == Guid.Empty) throw new ArgumentException("An event id must not be empty.", nameof(eventId));
        if (string.IsNullOrWhiteSpace(type)) throw new ArgumentException("An event type name must not be empty.", nameof(type));
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(metadata);
        EventId = eventId;
        Type = type;
        Data = data;
        Metadata = metadata;
    }
}

/// An event as committed: where it stands in its stream and in the global log, and when it was recorded.
public sealed record RecordedEvent(
    StreamName Stream,
    StreamRevision Revision,
    LogPosition Position,
    Guid EventId,
    string Type,
    string Data,
    EventMetadata Metadata,
    DateTimeOffset RecordedAt);

/// The outcome of an append. <see cref="AlreadyCommitted"/> tells a retry of a batch the store already
/// holds: nothing was written and the revision and position are those of the original commit.
public sealed record AppendResult(StreamRevision? NextExpectedRevision, LogPosition? LastPosition, bool AlreadyCommitted)
{
    public ExpectedRevision NextExpected =>
        NextExpectedRevision is { } r ? ExpectedRevision.Exact(r) : ExpectedRevision.NoStream;
}

public static class Timestamps
{
    public static DateTimeOffset Normalize(DateTimeOffset t)
    {
        var utc = t.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % 10, TimeSpan.Zero);
    }

    public static long ToUnixMicroseconds(DateTimeOffset t) =>
        (t.ToUniversalTime().Ticks - DateTimeOffset.UnixEpoch.Ticks) / 10;

    public static DateTimeOffset FromUnixMicroseconds(long us) =>
        new(DateTimeOffset.UnixEpoch.Ticks + us * 10, TimeSpan.Zero);
}
