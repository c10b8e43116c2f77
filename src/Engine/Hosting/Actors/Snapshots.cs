using Newtonsoft.Json;
using PointsEngine.Store;

namespace PointsEngine.Engine.Actors;

/// An actor's state as of a stream revision, so recovery reads only the events after it.
public sealed record Snapshot<TState>(TState State, StreamRevision Revision);

public interface ISnapshotStore<TState>
{
    Task<Snapshot<TState>?> LoadAsync(StreamName stream, CancellationToken ct);
    Task SaveAsync(StreamName stream, Snapshot<TState> snapshot, CancellationToken ct);
}

public sealed class NoSnapshots<TState> : ISnapshotStore<TState>
{
    public Task<Snapshot<TState>?> LoadAsync(StreamName stream, CancellationToken ct) => Task.FromResult<Snapshot<TState>?>(null);
    public Task SaveAsync(StreamName stream, Snapshot<TState> snapshot, CancellationToken ct) => Task.CompletedTask;
}

/// Keeps the latest snapshot as the last event of a companion stream "snapshot-{stream}" in the same
/// store, so snapshots need no second storage and are as durable as the events.
public sealed class EventStoreSnapshots<TState>(IEventStore store, string stateVersion) : ISnapshotStore<TState>
{
    private const string SnapshotType = "Snapshot";

    private sealed record Stored(string StateVersion, long Revision, TState State);

    private static StreamName SnapshotStream(StreamName stream) => new($"snapshot-{stream.Value}");

    public async Task<Snapshot<TState>?> LoadAsync(StreamName stream, CancellationToken ct)
    {
        var snapshots = SnapshotStream(stream);
        if (await store.ReadStreamRevisionAsync(snapshots, ct).ConfigureAwait(false) is not { } last) return null;
        await foreach (var e in store.ReadStreamAsync(snapshots, last, 1, ct).ConfigureAwait(false))
        {
            var stored = JsonConvert.DeserializeObject<Stored>(e.Data, EventSerializer.Settings);
            // A snapshot of an older state shape is ignored: recovery replays the whole stream instead.
            if (stored is null || stored.StateVersion != stateVersion || stored.State is null) return null;
            return new Snapshot<TState>(stored.State, new StreamRevision(stored.Revision));
        }
        return null;
    }

    public Task SaveAsync(StreamName stream, Snapshot<TState> snapshot, CancellationToken ct)
    {
        var data = JsonConvert.SerializeObject(new Stored(stateVersion, snapshot.Revision.Value, snapshot.State), EventSerializer.Settings);
        var id = DeterministicIds.For(SnapshotStream(stream).Value, "snapshot", (int)Math.Min(int.MaxValue, snapshot.Revision.Value));
        var metadata = new EventMetadata(DateTimeOffset.UnixEpoch, "engine");
        return store.AppendToStreamAsync(SnapshotStream(stream), ExpectedRevision.Any,
            [new EventData(id, SnapshotType, data, metadata)], AppendLane.Derived, ct);
    }
}

/// Snapshots a state through a document shape the serializer can read back (e.g. a state holding
/// abstract types in immutable collections), leaving the domain's state type as it is.
public sealed class MappedSnapshots<TState, TDocument>(
    ISnapshotStore<TDocument> documents, Func<TState, TDocument> toDocument, Func<TDocument, TState> toState) : ISnapshotStore<TState>
{
    public async Task<Snapshot<TState>?> LoadAsync(StreamName stream, CancellationToken ct) =>
        await documents.LoadAsync(stream, ct).ConfigureAwait(false) is { } s ? new Snapshot<TState>(toState(s.State), s.Revision) : null;

    public Task SaveAsync(StreamName stream, Snapshot<TState> snapshot, CancellationToken ct) =>
        documents.SaveAsync(stream, new Snapshot<TDocument>(toDocument(snapshot.State), snapshot.Revision), ct);
}
