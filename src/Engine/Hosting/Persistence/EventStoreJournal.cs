using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Newtonsoft.Json;
using PointsEngine.Engine.Actors;
using PointsEngine.Store;

namespace PointsEngine.Engine.Persistence;

/// Akka.Persistence's journal over our <see cref="IEventStore"/> (either backend). The persistence id is the
/// stream's name; sequence number = stream revision + 1. Each atomic write is one append at the expected
/// revision (no stream for the first) in the derived lane, so the store's group commit batches the writes of
/// many actors into one transaction. A store refusal (wrong expected revision, event-id conflict) fails the
/// write, and the actor stops and recovers; a retry the store already holds is success. Rows are never
/// deleted: deleting messages records a logical deletion point, below which replay skips.
public sealed class EventStoreJournal : AsyncWriteJournal
{
    private const string DeletedToType = "JournalDeletedTo";
    private readonly StoreExtension _store;

    public EventStoreJournal() => _store = StoreExtension.Of(Context.System);

    /// The companion stream where deletion points of <paramref name="persistenceId"/> are recorded.
    public static StreamName DeletionStream(string persistenceId) => new($"deleted-{persistenceId}");

    private sealed record DeletedTo(long ToSequenceNr);

    protected override async Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken ct)
    {
        // One actor's writes, in order (an actor sends one batch at a time): a failed write fails the batch.
        List<Exception?>? rejections = null;
        var index = 0;
        foreach (var write in messages)
        {
            var stream = new StreamName(write.PersistenceId);
            var rows = (IImmutableList<IPersistentRepresentation>)write.Payload;
            EventData[] data;
            try
            {
                data = new EventData[rows.Count];
                for (var i = 0; i < rows.Count; i++) data[i] = ToEventData(stream, rows[i]);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or NotSupportedException)
            {
                // Never stored: rejected (the actor carries on), unlike a store failure.
                (rejections ??= [.. Enumerable.Repeat<Exception?>(null, index)]).Add(e);
                index++;
                continue;
            }
            var expected = write.LowestSequenceNr <= 1 ? ExpectedRevision.NoStream : ExpectedRevision.Exact(write.LowestSequenceNr - 2);
            var result = await _store.Store.AppendToStreamAsync(stream, expected, data, AppendLane.Derived, ct).ConfigureAwait(false);
            if (result.AlreadyCommitted && result.NextExpectedRevision?.Value != write.HighestSequenceNr - 1)
                throw new InvalidOperationException(
                    $"{stream}: events {write.LowestSequenceNr}..{write.HighestSequenceNr} were committed earlier at " +
                    $"revision {result.NextExpectedRevision}; the actor must recover before it writes again.");
            rejections?.Add(null);
            index++;
        }
        return rejections is null ? null! : rejections.ToImmutableList();
    }

    private EventData ToEventData(StreamName stream, IPersistentRepresentation row)
    {
        if (row.Payload is JournalEvent e) return e.ToEventData(stream, _store.Serializer);
        var (type, data) = _store.Payloads.Write(row.Payload);
        // Not caused by a command we know: named by the writing incarnation and the sequence number.
        var id = DeterministicIds.NameBased($"{stream.Value}|{row.WriterGuid}|{row.SequenceNr}");
        return new EventData(id, type, data, new EventMetadata(DateTimeOffset.UnixEpoch, ScoringRecorder));
    }

    /// Who recorded what the engine's actors persist without metadata of their own.
    public const string ScoringRecorder = "engine";

    public override async Task ReplayMessagesAsync(
        IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<IPersistentRepresentation> recoveryCallback)
    {
        var deletedTo = await ReadDeletedToAsync(persistenceId, CancellationToken.None).ConfigureAwait(false);
        var from = Math.Max(Math.Max(fromSequenceNr, 1), deletedTo + 1);
        if (max <= 0 || from > toSequenceNr) return;
        var count = (int)Math.Min(Math.Min(max, toSequenceNr - from + 1), int.MaxValue);
        var stream = new StreamName(persistenceId);
        await foreach (var e in _store.Store.ReadStreamAsync(stream, new StreamRevision(from - 1), count).ConfigureAwait(false))
        {
            var sequenceNr = e.Revision.Value + 1;
            if (sequenceNr > toSequenceNr) break;
            recoveryCallback(new Persistent(
                _store.Payloads.Read(e.Type, e.Data), sequenceNr, persistenceId, string.Empty, false, ActorRefs.NoSender,
                string.Empty, e.RecordedAt.UtcTicks));
        }
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken ct) =>
        await _store.Store.ReadStreamRevisionAsync(new StreamName(persistenceId), ct).ConfigureAwait(false) is { } last ? last.Value + 1 : 0;

    protected override async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken ct)
    {
        var highest = await ReadHighestSequenceNrAsync(persistenceId, 0, ct).ConfigureAwait(false);
        var to = Math.Min(toSequenceNr, highest);
        if (to <= await ReadDeletedToAsync(persistenceId, ct).ConfigureAwait(false)) return;
        var stream = DeletionStream(persistenceId);
        var data = JsonConvert.SerializeObject(new DeletedTo(to), EventSerializer.Settings);
        var id = DeterministicIds.NameBased($"{stream.Value}|{to}");
        await _store.Store.AppendToStreamAsync(stream, ExpectedRevision.Any,
            [new EventData(id, DeletedToType, data, new EventMetadata(DateTimeOffset.UnixEpoch, ScoringRecorder))],
            AppendLane.Derived, ct).ConfigureAwait(false);
    }

    /// The highest deletion point recorded (0: none). Points only grow, but a reader takes the maximum anyway.
    private async Task<long> ReadDeletedToAsync(string persistenceId, CancellationToken ct)
    {
        long deletedTo = 0;
        await foreach (var e in _store.Store.ReadStreamAsync(DeletionStream(persistenceId), StreamRevision.Start, int.MaxValue, ct).ConfigureAwait(false))
            if (e.Type == DeletedToType && JsonConvert.DeserializeObject<DeletedTo>(e.Data, EventSerializer.Settings) is { } d)
                deletedTo = Math.Max(deletedTo, d.ToSequenceNr);
        return deletedTo;
    }
}
