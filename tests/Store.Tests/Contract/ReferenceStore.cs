namespace PointsEngine.Store.Tests.Contract;

/// A deliberately simple in-memory statement of the store contract, written from the contract's text and
/// independent of the store's code (it does not use AppendDecision): lists and linear scans, no cleverness.
/// The model-based property runs the same commands against it and against a real store.
public sealed class ReferenceStore
{
    public sealed record Event(string Stream, long Revision, Guid Id, string Type, string Data);

    public abstract record Outcome;

    /// <param name="LastEventId">The event whose position the result should report; null when none.</param>
    public sealed record Appended(long? Revision, Guid? LastEventId, bool AlreadyCommitted) : Outcome;

    public sealed record WrongRevision(long? Actual) : Outcome;

    public sealed record IdConflict : Outcome;

    private readonly List<Event> _log = [];

    public IReadOnlyList<Event> Log => _log;

    public long? RevisionOf(string stream)
    {
        long? last = null;
        foreach (var e in _log)
            if (e.Stream == stream) last = e.Revision;
        return last;
    }

    public List<Event> ReadStream(string stream, long from, int maxCount) =>
        _log.Where(e => e.Stream == stream && e.Revision >= from).Take(maxCount).ToList();

    public Outcome Append(string stream, ExpectedRevision expected, IReadOnlyList<(Guid Id, string Type, string Data)> batch)
    {
        var committed = batch.Select(b => _log.FirstOrDefault(e => e.Id == b.Id)).ToList();

        // Any committed id makes this a retry; a retry is accepted only if it is exactly a run of
        // consecutive events of this stream, in order, whatever revision it expects now.
        if (committed.Any(c => c is not null))
        {
            if (committed.Any(c => c is null)) return new IdConflict();
            for (var i = 0; i < committed.Count; i++)
                if (committed[i]!.Stream != stream || committed[i]!.Revision != committed[0]!.Revision + i)
                    return new IdConflict();
            return new Appended(committed[^1]!.Revision, committed[^1]!.Id, AlreadyCommitted: true);
        }

        var current = RevisionOf(stream);
        var accepted =
            expected == ExpectedRevision.Any ||
            (expected == ExpectedRevision.NoStream && current is null) ||
            (expected != ExpectedRevision.Any && expected != ExpectedRevision.NoStream && current == expected.ExactRevision.Value);
        if (!accepted) return new WrongRevision(current);

        var next = (current ?? -1) + 1;
        foreach (var (id, type, data) in batch)
            _log.Add(new Event(stream, next++, id, type, data));
        return new Appended(next - 1 < 0 ? null : next - 1, batch.Count > 0 ? batch[^1].Id : null, AlreadyCommitted: false);
    }
}
