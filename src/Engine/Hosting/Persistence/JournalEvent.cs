using PointsEngine.Engine.Actors;
using PointsEngine.Store;

namespace PointsEngine.Engine.Persistence;

/// What a member actor persists: Akka's envelope carries no event id or metadata, so the event travels with
/// the command that caused it, its index in the decision and its metadata. The journal unwraps it into the
/// very row the store held before Akka (id <see cref="DeterministicIds.For"/>(stream, command, index), the
/// event's stored name and JSON, the metadata), and replays the bare event.
public sealed record JournalEvent(string CommandId, int Index, object Event, EventMetadata Metadata)
{
    public EventData ToEventData(StreamName stream, EventSerializer serializer) =>
        serializer.ToEventData(DeterministicIds.For(stream.Value, CommandId, Index), Event, Metadata);
}
