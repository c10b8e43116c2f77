using Akka.Persistence;
using Akka.Persistence.Snapshot;
using Newtonsoft.Json;
using PointsEngine.Engine.Actors;
using PointsEngine.Store;

namespace PointsEngine.Engine.Persistence;

/// Akka.Persistence's snapshot store over our <see cref="IEventStore"/>: the snapshots of persistence id P are
/// records of the companion stream "snapshot-P". Rows are never deleted or changed, so every record carries
/// the index of the snapshots alive after it (sequence number, timestamp, the revision holding the payload):
/// loading reads the last record and the one payload it picks, saving and deleting append a record with the
/// index updated. Saving again at a sequence number replaces the earlier snapshot at it. A snapshot whose
/// payload type this build does not read is passed over (recovery then replays more of the stream). Member actors store
/// their state as a <c>MemberStateDocument</c>, which the event serializer writes as JSON.
public sealed class EventStoreSnapshotStore : SnapshotStore
{
    private const string RecordType = "AkkaSnapshot";
    private const int MaxRaces = 20;
    private readonly StoreExtension _store;

    public EventStoreSnapshotStore() => _store = StoreExtension.Of(Context.System);

    public static StreamName SnapshotStream(string persistenceId) => new($"snapshot-{persistenceId}");

    private sealed record Entry(long SequenceNr, long Timestamp, long Revision, string Type);

    /// A save (with its payload's type and text) or a delete (without), and the index after it.
    private sealed record Record(IReadOnlyList<Entry> Alive, string? PayloadType, string? Payload);

    protected override async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken ct)
    {
        var stream = SnapshotStream(persistenceId);
        var (last, lastAt) = await ReadLastAsync(stream, ct).ConfigureAwait(false);
        if (last is null) return null;
        // A snapshot of a type this build no longer reads (an older state shape) is passed over.
        var chosen = last.Alive.Where(e => Matches(criteria, e) && _store.Payloads.CanRead(e.Type))
            .OrderByDescending(e => e.SequenceNr).ThenByDescending(e => e.Timestamp).FirstOrDefault();
        if (chosen is null) return null;
        // The latest save is usually the one chosen: its record is the one just read.
        var record = chosen.Revision == lastAt!.Value.Value ? last : await ReadAtAsync(stream, chosen.Revision, ct).ConfigureAwait(false);
        if (record?.PayloadType is null || record.Payload is null)
            throw new InvalidOperationException($"{stream}@{chosen.Revision} holds no snapshot payload.");
        return new SelectedSnapshot(
            new SnapshotMetadata(persistenceId, chosen.SequenceNr, new DateTime(chosen.Timestamp, DateTimeKind.Utc)),
            _store.Payloads.Read(record.PayloadType, record.Payload));
    }

    protected override Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken ct)
    {
        var (type, payload) = _store.Payloads.Write(snapshot);
        var timestamp = metadata.Timestamp == DateTime.MinValue ? DateTime.UtcNow.Ticks : metadata.Timestamp.ToUniversalTime().Ticks;
        return AppendAsync(metadata.PersistenceId, (alive, revision) =>
            (alive.Where(e => e.SequenceNr != metadata.SequenceNr).Append(new Entry(metadata.SequenceNr, timestamp, revision, type)).ToList(), type, payload), ct);
    }

    protected override Task DeleteAsync(SnapshotMetadata metadata, CancellationToken ct) =>
        AppendAsync(metadata.PersistenceId, (alive, _) =>
            (alive.Where(e => !(e.SequenceNr == metadata.SequenceNr
                                && (metadata.Timestamp == DateTime.MinValue || e.Timestamp == metadata.Timestamp.ToUniversalTime().Ticks))).ToList(), null, null), ct);

    protected override Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken ct) =>
        AppendAsync(persistenceId, (alive, _) => (alive.Where(e => !Matches(criteria, e)).ToList(), null, null), ct);

    private static bool Matches(SnapshotSelectionCriteria c, Entry e) =>
        e.SequenceNr <= c.MaxSequenceNr && e.Timestamp <= c.MaxTimeStamp.ToUniversalTime().Ticks
        && e.SequenceNr >= c.MinSequenceNr && (c.MinTimestamp is not { } min || e.Timestamp >= min.ToUniversalTime().Ticks);

    /// Appends the next record at the expected revision; a save racing another of the same id reads again.
    private async Task AppendAsync(
        string persistenceId, Func<IReadOnlyList<Entry>, long, (List<Entry> Alive, string? Type, string? Payload)> next, CancellationToken ct)
    {
        var stream = SnapshotStream(persistenceId);
        for (var attempt = 0; ; attempt++)
        {
            var (last, revision) = await ReadLastAsync(stream, ct).ConfigureAwait(false);
            var nextRevision = revision is { } r ? r.Value + 1 : 0;
            var (alive, type, payload) = next(last?.Alive ?? [], nextRevision);
            if (last is not null && type is null && alive.Count == last.Alive.Count) return; // nothing to delete
            var data = JsonConvert.SerializeObject(new Record(alive, type, payload), EventSerializer.Settings);
            var id = DeterministicIds.NameBased($"{stream.Value}|{nextRevision}|{Guid.NewGuid():N}");
            var expected = revision is { } rev ? ExpectedRevision.Exact(rev) : ExpectedRevision.NoStream;
            try
            {
                await _store.Store.AppendToStreamAsync(stream, expected,
                    [new EventData(id, RecordType, data, new EventMetadata(DateTimeOffset.UnixEpoch, EventStoreJournal.ScoringRecorder))],
                    AppendLane.Derived, ct).ConfigureAwait(false);
                return;
            }
            catch (WrongExpectedRevisionException) when (attempt < MaxRaces)
            {
            }
        }
    }

    /// The stream's last snapshot record and its revision; a record of another shape (the snapshots written
    /// before Akka) counts as none, so the actor replays its whole stream once and snapshots afresh.
    private async Task<(Record? Last, StreamRevision? Revision)> ReadLastAsync(StreamName stream, CancellationToken ct)
    {
        if (await _store.Store.ReadStreamRevisionAsync(stream, ct).ConfigureAwait(false) is not { } last) return (null, null);
        return (await ReadAtAsync(stream, last.Value, ct).ConfigureAwait(false), last);
    }

    private async Task<Record?> ReadAtAsync(StreamName stream, long revision, CancellationToken ct)
    {
        await foreach (var e in _store.Store.ReadStreamAsync(stream, new StreamRevision(revision), 1, ct).ConfigureAwait(false))
            return e.Type == RecordType ? JsonConvert.DeserializeObject<Record>(e.Data, EventSerializer.Settings) : null;
        return null;
    }
}
