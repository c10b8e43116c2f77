namespace PointsEngine.Store;

/// Where an event id of the batch is already committed.
public sealed record CommittedEventLocation(Guid EventId, StreamName Stream, StreamRevision Revision, LogPosition Position);

/// The one rule every backend applies to an append, given what it read inside its transaction:
/// a faithful retry of a committed batch succeeds and writes nothing; a partly committed or misplaced
/// batch is refused; otherwise the expected revision decides.
public static class AppendDecision
{
    public abstract record Outcome;

    /// Write the batch starting at this revision.
    public sealed record Write(StreamRevision FirstRevision) : Outcome;

    /// The batch is already committed exactly as sent.
    public sealed record Duplicate(AppendResult Result) : Outcome;

    public sealed record Reject(AppendRejectedException Error) : Outcome;

    public static Outcome Decide(
        StreamName stream,
        ExpectedRevision expected,
        IReadOnlyList<EventData> events,
        StreamRevision? currentRevision,
        IReadOnlyCollection<CommittedEventLocation> committed)
    {
        if (committed.Count > 0)
            return DecideRetry(stream, events, committed);

        if (!expected.IsSatisfiedBy(currentRevision))
            return new Reject(new WrongExpectedRevisionException(stream, expected, currentRevision));

        return new Write(currentRevision is { } r ? r.Next() : StreamRevision.Start);
    }

    private static Outcome DecideRetry(StreamName stream, IReadOnlyList<EventData> events, IReadOnlyCollection<CommittedEventLocation> committed)
    {
        var byId = committed.ToDictionary(c => c.EventId);
        if (committed.Count < events.Count)
        {
            var ids = events.Where(e => byId.ContainsKey(e.EventId)).Select(e => e.EventId).ToList();
            return new Reject(new EventIdConflictException(stream, ids,
                $"{ids.Count} of the batch's {events.Count} events are already committed; a batch is all or nothing"));
        }

        var first = byId[events[0].EventId];
        for (var i = 0; i < events.Count; i++)
        {
            var at = byId[events[i].EventId];
            if (at.Stream != stream || at.Revision.Value != first.Revision.Value + i)
                return new Reject(new EventIdConflictException(stream, [at.EventId],
                    $"event {at.EventId} is committed as {at.Stream}@{at.Revision}, not as part of this batch"));
        }

        var last = byId[events[^1].EventId];
        return new Duplicate(new AppendResult(last.Revision, last.Position, AlreadyCommitted: true));
    }

    /// Checks what needs no store: caught before a request is queued so it never reaches a transaction.
    public static void ValidateBatch(IReadOnlyList<EventData> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        // Most requests carry one or two events (a member's fact and its award): compare those pairwise
        // rather than allocating a set per request.
        var seen = events.Count > SmallBatch ? new HashSet<Guid>() : null;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            if (seen is not null ? !seen.Add(e.EventId) : AppearsBefore(events, i))
                throw new ArgumentException($"Event id {e.EventId} appears twice in one batch.", nameof(events));
            if (!StorableText.IsStorable(e.Type) || !StorableText.IsStorable(e.Data) || !StorableText.IsStorable(e.Metadata.RecordedBy))
                throw new ArgumentException(
                    $"Event {e.EventId} contains U+0000 or a lone surrogate, which not every backend can store exactly.", nameof(events));
        }
    }

    private const int SmallBatch = 8;

    private static bool AppearsBefore(IReadOnlyList<EventData> events, int index)
    {
        for (var j = 0; j < index; j++)
            if (events[j].EventId == events[index].EventId) return true;
        return false;
    }
}
